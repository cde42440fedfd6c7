import { randomUUID } from 'node:crypto';
import type { QuarantineReason } from '../../processors/shared/classify.ts';
import { SeededRandom } from '../../producers/random.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';

/**
 * A seeded fuzz corpus for the stream consumers: malformed records of many kinds, each declaring the
 * quarantine reasons it may legitimately get, interleaved with valid events that carry a run-unique
 * marker, so their rollups and lake rows can be checked amid other traffic.
 *
 * Pure apart from the eventIds: every eventId is a fresh random UUID (ids must be unique across runs),
 * so a seed reproduces the shape of every record (kinds, order, sizes, fields), not its ids.
 */

/** The consumers' size limit (MAX_EVENT_BYTES): larger records are quarantined as oversize, never parsed. */
export const MAX_EVENT_BYTES = 65_536;
/** "900 KB strings": under Kinesis' 1 MiB record limit, so they can be put, far over MAX_EVENT_BYTES. */
export const HUGE_STRING_BYTES = 900 * 1024;
/** JSON nested this deep (arrays: 2 bytes a level, 60 KB) stays under MAX_EVENT_BYTES. */
export const DEEP_NESTING = 30_000;
/**
 * Valid page views spread over this many marked pages, valid readings over this many marked devices (few:
 * each goes silent after the run, and the silent-device check alerts on it).
 */
export const MARKED_PAGES = 16;
export const MARKED_DEVICES = 4;
const MARKED_SESSIONS = 64;

export interface FuzzKindSpec {
  /** Relative share of the malformed records when they are spread by weight. */
  readonly weight: number;
  /** The reasons a consumer may legitimately quarantine a record of this kind with. */
  readonly allowed: readonly QuarantineReason[];
  readonly about: string;
}

export const FUZZ_KINDS = {
  'random-bytes': {
    weight: 10,
    allowed: ['undecodable', 'invalid-json', 'oversize'],
    about: 'random bytes, 16 B–2 KB, a few over the size limit',
  },
  'invalid-utf8': {
    weight: 8,
    allowed: ['undecodable'],
    about: 'an event whose string holds overlong, truncated, surrogate (CESU) or out-of-range UTF-8',
  },
  'invalid-json': {
    weight: 8,
    allowed: ['invalid-json'],
    about: 'truncated, single-quoted, commented, concatenated, BOM-prefixed or otherwise broken JSON',
  },
  'not-an-object': {
    weight: 8,
    allowed: ['schema-violation'],
    about: 'JSON that is not an object: arrays, strings (a double-encoded event), numbers, 1e400, null',
  },
  'deep-nesting': {
    weight: 3,
    allowed: ['schema-violation', 'unknown-schema', 'invalid-json'],
    about: `JSON nested ${DEEP_NESTING.toLocaleString('en-US')} deep, alone or as a field (page, schema, extra)`,
  },
  'huge-string': {
    weight: 0.2,
    allowed: ['oversize'],
    about: 'an event with a 900 KB string (ASCII or 2-byte UTF-8) in some field',
  },
  'over-limit': {
    weight: 2,
    allowed: ['oversize'],
    about: 'a valid event padded just over the 65,536-byte limit',
  },
  'wrong-types': {
    weight: 10,
    allowed: ['schema-violation'],
    about: 'a field of the wrong type, pattern, length or range',
  },
  'missing-fields': {
    weight: 8,
    allowed: ['schema-violation'],
    about: 'required fields left out',
  },
  'extra-fields': {
    weight: 8,
    allowed: ['schema-violation'],
    about: 'unknown fields, fields of another contract, duplicated keys with a bad last value',
  },
  'proto-keys': {
    weight: 6,
    allowed: ['schema-violation', 'unknown-schema'],
    about: '__proto__, constructor and prototype keys, and such names as schema or version',
  },
  'non-finite': {
    weight: 6,
    allowed: ['schema-violation', 'unknown-schema', 'invalid-json'],
    about: 'numbers JSON.parse turns into ±Infinity (1e400), and NaN/Infinity literals',
  },
  'impossible-time': {
    weight: 8,
    allowed: ['schema-violation'],
    about:
      'eventTimes of the right shape naming no instant (hour 24, February 30, second 60), or the wrong shape',
  },
  'extreme-time': {
    weight: 6,
    allowed: ['schema-violation', 'too-late', 'future-dated'],
    about: 'real but extreme eventTimes: years 0001, 1969, 1970, 9999, hours late, a day ahead',
  },
  'lone-surrogate': {
    weight: 6,
    allowed: ['schema-violation'],
    about:
      'a lone UTF-16 surrogate (JSON escape such as \\ud800) in deviceId, sessionId, page or another string',
  },
  'control-chars': {
    weight: 4,
    allowed: ['schema-violation'],
    about: 'C0 controls other than tab/LF/CR, U+FFFE or U+FFFF in a string',
  },
  'unknown-schema': {
    weight: 8,
    allowed: ['unknown-schema'],
    about: 'unknown schema names and versions, or neither given',
  },
} as const satisfies Record<string, FuzzKindSpec>;

export type FuzzKind = keyof typeof FUZZ_KINDS;
export const KIND_NAMES = Object.keys(FUZZ_KINDS) as FuzzKind[];

export interface FuzzRecord {
  readonly data: Uint8Array;
  /** 1–256 characters, as Kinesis requires. */
  readonly partitionKey: string;
  readonly kind: FuzzKind | 'valid';
  /** 'valid' for an event the consumers must accept, else the reasons it may be quarantined with. */
  readonly expect: 'valid' | readonly QuarantineReason[];
  /** The event a valid record encodes. */
  readonly event?: StreamlakeEvent;
}

export interface FuzzOptions {
  readonly seed: number | string;
  readonly malformed: number;
  readonly valid: number;
  /** Event times are drawn near this instant (the last two minutes before it). */
  readonly nowMs: number;
  /** Marks this run's events: lowercase letters, digits and dashes, 1–24 characters. */
  readonly runId: string;
  /** Malformed records by kind weight (default), or as evenly as possible. */
  readonly spread?: 'weighted' | 'even';
}

/** The page of the n-th valid page view of a run. */
export const markedPage = (runId: string, n: number) => `/fuzz/${runId}/${n % MARKED_PAGES}`;
/** The device of the n-th valid reading of a run. */
export const markedDevice = (runId: string, n: number) => `fuzz-${runId}-${n % MARKED_DEVICES}`;
const markedSession = (runId: string, n: number) => `fuzz-${runId}-s${n % MARKED_SESSIONS}`;
/** Prefixes of a run's marked values: pages (`/fuzz/<runId>/`), devices and sessions (`fuzz-<runId>-`). */
export const runMarkers = (runId: string) => ({ page: `/fuzz/${runId}/`, id: `fuzz-${runId}-` });

/** A fresh run id: 8 hex digits. */
export const newRunId = () => randomUUID().slice(0, 8);

/** How many malformed records of each kind the options make. */
export const kindCounts = (options: Pick<FuzzOptions, 'malformed' | 'spread'>): Record<FuzzKind, number> => {
  const { malformed } = options;
  if (!Number.isInteger(malformed) || malformed < 0) {
    throw new RangeError(`malformed must be a whole number ≥ 0 (given ${malformed})`);
  }
  const counts = Object.fromEntries(KIND_NAMES.map((k) => [k, 0])) as Record<FuzzKind, number>;
  if (options.spread === 'even') {
    KIND_NAMES.forEach((kind, i) => {
      counts[kind] = Math.floor(malformed / KIND_NAMES.length) + (i < malformed % KIND_NAMES.length ? 1 : 0);
    });
    return counts;
  }
  // Largest remainder by weight, then every kind at least one record when there are enough.
  const total = KIND_NAMES.reduce((sum, k) => sum + FUZZ_KINDS[k].weight, 0);
  const shares = KIND_NAMES.map((k) => (malformed * FUZZ_KINDS[k].weight) / total);
  KIND_NAMES.forEach((k, i) => {
    counts[k] = Math.floor(shares[i] as number);
  });
  let left = malformed - KIND_NAMES.reduce((sum, k) => sum + counts[k], 0);
  const byRemainder = KIND_NAMES.map((k, i) => ({ k, r: (shares[i] as number) % 1 })).sort(
    (a, b) => b.r - a.r,
  );
  for (const { k } of byRemainder) {
    if (left === 0) break;
    counts[k]++;
    left--;
  }
  if (malformed >= KIND_NAMES.length) {
    for (const kind of KIND_NAMES) {
      if (counts[kind] > 0) continue;
      const richest = KIND_NAMES.reduce((a, b) => (counts[b] > counts[a] ? b : a));
      counts[richest]--;
      counts[kind]++;
    }
  }
  return counts;
};

const utf8 = new TextEncoder();
const encode = (text: string) => utf8.encode(text);
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
};

/** Stands for a value spliced into JSON text afterwards (raw JSON or raw bytes). */
const HOLE = 'FUZZ_HOLE_7f3a9c';
/** JSON of `value` with `field` set to the raw JSON text `raw` (which JSON.stringify could not write). */
const withRaw = (value: Record<string, unknown>, field: string, raw: string): string =>
  JSON.stringify({ ...value, [field]: HOLE }).replace(`"${HOLE}"`, () => raw);
/** UTF-8 of `value` with raw `bytes` inside the string of `field`. */
const withBytes = (value: Record<string, unknown>, field: string, bytes: Uint8Array): Uint8Array => {
  const original = typeof value[field] === 'string' ? (value[field] as string) : 'x';
  const cut = Math.min(1, original.length);
  const [before, after] = JSON.stringify({
    ...value,
    [field]: `${original.slice(0, cut)}${HOLE}${original.slice(cut)}`,
  }).split(HOLE) as [string, string];
  return concat(encode(before), bytes, encode(after));
};
/** JSON text with `"key":raw` as the first member (keys JSON.stringify would not write first, or twice). */
const withLeadingMember = (value: Record<string, unknown>, key: string, raw: string): string => {
  const text = JSON.stringify(value);
  return `{${JSON.stringify(key)}:${raw}${text.length > 2 ? ',' : ''}${text.slice(1)}`;
};
/** JSON text with `"key":raw` appended as the last member (a duplicate key wins). */
const withTrailingMember = (value: Record<string, unknown>, key: string, raw: string): string => {
  const text = JSON.stringify(value);
  return `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${JSON.stringify(key)}:${raw}}`;
};

const isoMs = (ms: number) => new Date(ms).toISOString();
const pad2 = (n: number) => String(n).padStart(2, '0');

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const word = (r: SeededRandom, min: number, max: number) => {
  let text = '';
  for (let i = r.int(min, max); i > 0; i--) text += LETTERS[r.int(0, LETTERS.length - 1)];
  return text;
};
const randomBytes = (r: SeededRandom, length: number): Uint8Array => {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    const n = r.uint32();
    for (let j = 0; j < 4 && i + j < length; j++) bytes[i + j] = (n >>> (8 * j)) & 0xff;
  }
  return bytes;
};

interface Context {
  readonly r: SeededRandom;
  readonly runId: string;
  readonly nowMs: number;
  /** Ordinal of the record within its kind (or among the valid ones). */
  readonly n: number;
}

type Event = Record<string, unknown>;
type Shape = string | Uint8Array;

const recentTime = (ctx: Context) => isoMs(ctx.nowMs - ctx.r.int(0, 120_000));

/** A valid event of any contract, marked with the run, as the base a malformed record spoils. */
const template = (ctx: Context): Event => {
  const { r, runId, n } = ctx;
  const base = { eventId: randomUUID(), eventTime: recentTime(ctx) };
  const sessionId = markedSession(runId, n);
  const page = markedPage(runId, n);
  switch (
    r.pick([
      'page_view',
      'page_view2',
      'click',
      'add_to_cart',
      'purchase',
      'client_error',
      'reading',
      'status_change',
    ] as const)
  ) {
    case 'page_view':
      return { schema: 'clickstream.page_view', version: 1, ...base, sessionId, page };
    case 'page_view2':
      return {
        schema: 'clickstream.page_view',
        version: 2,
        ...base,
        sessionId,
        page,
        referrer: 'https://example.com/',
        durationMs: r.int(0, 60_000),
      };
    case 'click':
      return { schema: 'clickstream.click', version: 1, ...base, sessionId, page, element: 'buy-button' };
    case 'add_to_cart':
      return {
        schema: 'clickstream.add_to_cart',
        version: 1,
        ...base,
        sessionId,
        page,
        productId: `p-${r.int(1, 99)}`,
        quantity: r.int(1, 5),
        price: r.int(100, 9_999) / 100,
      };
    case 'purchase':
      return {
        schema: 'clickstream.purchase',
        version: 1,
        ...base,
        sessionId,
        orderId: `o-${word(r, 6, 10)}`,
        items: r.int(1, 9),
        revenue: r.int(100, 99_999) / 100,
        currency: 'EUR',
      };
    case 'client_error':
      return {
        schema: 'clickstream.client_error',
        version: 1,
        ...base,
        sessionId,
        page,
        errorType: 'TypeError',
        message: 'x is undefined',
      };
    case 'reading':
      return {
        schema: 'telemetry.reading',
        version: 1,
        ...base,
        deviceId: markedDevice(runId, n),
        temperature: r.int(150, 300) / 10,
        humidity: r.int(20, 80),
        battery: r.int(5, 100),
        status: 'ok',
      };
    case 'status_change':
      return {
        schema: 'telemetry.status_change',
        version: 1,
        ...base,
        deviceId: markedDevice(runId, n),
        from: 'online',
        to: 'offline',
      };
  }
};

const ENVELOPE = new Set(['schema', 'version']);
const OPTIONAL = new Set(['userId', 'referrer', 'durationMs', 'firmware']);
const stringFields = (event: Event) =>
  Object.keys(event).filter(
    (k) => typeof event[k] === 'string' && !ENVELOPE.has(k) && k !== 'eventId' && k !== 'eventTime',
  );
const numberFields = (event: Event) =>
  Object.keys(event).filter((k) => typeof event[k] === 'number' && !ENVELOPE.has(k));

// ---------------------------------------------------------------------------------------------------
// The kinds: each returns the record's data (and maybe its partition key) from a seeded context.

const randomBytesRecord = ({ r }: Context): Shape =>
  randomBytes(r, r.chance(0.03) ? r.int(MAX_EVENT_BYTES + 1, 80_000) : r.int(16, 2_000));

const BAD_UTF8: readonly number[][] = [
  [0x80], // a continuation byte alone
  [0xbf, 0xbf],
  [0xc0, 0xaf], // overlong '/'
  [0xc1, 0xbf],
  [0xe0, 0x80, 0xaf], // overlong, 3 bytes
  [0xf0, 0x80, 0x80, 0xaf], // overlong, 4 bytes
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate encoded as UTF-8 (CESU-8)
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xfe],
  [0xff],
  [0xc3], // truncated 2-byte sequence
  [0xe2, 0x82], // truncated 3-byte sequence
  [0xe9], // Latin-1 'é'
];
const invalidUtf8Record = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const bad = Uint8Array.from(r.pick(BAD_UTF8));
  if (r.chance(0.1)) return concat(encode(JSON.stringify(event).slice(0, -2)), bad); // cut mid-sequence at the end
  return withBytes(event, r.pick(stringFields(event)), bad);
};

const invalidJsonRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const text = JSON.stringify(template(ctx));
  const variants: (() => string)[] = [
    () => text.slice(0, r.int(1, text.length - 1)), // cut short
    () => text.replaceAll('"', "'"),
    () => `${text.slice(0, -1)},}`, // trailing comma
    () => `// event\n${text}`,
    () => `${text}${text}`,
    () => `${text}\n${text}`, // NDJSON is not one document
    () => `\uFEFF${text}`, // a byte-order mark
    () => text.replace(/"(\w+)":/, '$1:'), // an unquoted key
    () => text.replace(/"eventTime":"/, '"eventTime":"\n'), // a raw newline inside a string
    () => text.replace(/"eventTime":"/, '"eventTime":"\t\u0001'), // raw controls inside a string
    () => text.replace(/"version":\d+/, '"version":01'),
    () => text.replace(/"version":\d+/, '"version":+1'),
    () => text.replace(/"version":\d+/, '"version":0x1'),
    () => text.replace(/"version":\d+/, '"version":1.'),
    () => text.replace(/"version":\d+/, '"version":.5'),
    () => text.replace(/"version":\d+/, '"version":undefined'),
    () => text.replace(/"schema":"/, '"schema":"\\x41'), // an escape JSON does not have
    () => text.replace(/"schema":"/, '"schema":"\\u12'),
    () => text.slice(0, -1), // no closing brace
    () => `{${text}}`,
    () =>
      r.pick(['', ' ', '\n', '{', '}', '[', ']', '"', '{"', '[1,]', '{"a"}', '{"a":}', 'nul', 'tru', '-']),
    () => {
      // JSON-ish noise
      const alphabet = '{}[]":,0123456789abcdefnrtu\\ .-+eE';
      let noise = '';
      for (let i = r.int(1, 200); i > 0; i--) noise += alphabet[r.int(0, alphabet.length - 1)];
      return noise;
    },
  ];
  for (let attempt = 0; attempt < 5; attempt++) {
    const candidate = r.pick(variants)();
    if (!parses(candidate)) return candidate;
  }
  return `{${text}`;
};
const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const notAnObjectRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  return r.pick<() => string>([
    () => '[]',
    () => JSON.stringify([event]),
    () => JSON.stringify([event, event]),
    () => 'null',
    () => 'true',
    () => 'false',
    () => '0',
    () => String(r.int(-1e6, 1e6)),
    () => '-1.5e3',
    () => '1e400', // JSON.parse gives Infinity
    () => '-1e400',
    () => '""',
    () => JSON.stringify(word(r, 1, 100)),
    () => JSON.stringify(JSON.stringify(event)), // double-encoded
    () => ` \n\t${JSON.stringify([[[]]])} `,
    () => JSON.stringify(Object.values(event)),
  ])();
};

const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepNestingRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  return r.pick<() => string>([
    () => deepArrays(DEEP_NESTING),
    () => deepArrays(32_000), // the deepest array nesting under the size limit
    () => withRaw(event, 'nest', deepArrays(DEEP_NESTING)),
    () => withRaw(event, r.pick(stringFields(event)), deepArrays(DEEP_NESTING)),
    () => withRaw(event, 'schema', deepArrays(DEEP_NESTING)),
    () => withRaw(event, 'version', deepArrays(DEEP_NESTING)),
    () => `${'{"a":'.repeat(10_000)}0${'}'.repeat(10_000)}`, // objects, 60 KB
    () => withRaw(event, 'nest', `${'{"a":'.repeat(10_000)}0${'}'.repeat(10_000)}`),
    () => `${'['.repeat(DEEP_NESTING)}${']'.repeat(DEEP_NESTING - 1)}`, // unbalanced
  ])();
};

const hugeStringRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const chunk = word(r, 64, 64);
  const ascii = (bytes: number) => chunk.repeat(Math.ceil(bytes / 64)).slice(0, bytes);
  const bytes = r.int(HUGE_STRING_BYTES - 20_000, HUGE_STRING_BYTES);
  const text = r.chance(0.2) ? 'é'.repeat(bytes / 2) : ascii(bytes);
  const field = r.pick([...stringFields(event), 'extra']);
  if (r.chance(0.1)) return JSON.stringify(text);
  return JSON.stringify({ ...event, [field]: field === 'page' ? `/${text}` : text });
};

const overLimitRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const text = JSON.stringify(template(ctx));
  const size = r.chance(0.5) ? MAX_EVENT_BYTES + 1 : r.int(MAX_EVENT_BYTES + 1, 100_000);
  // Whitespace is valid JSON: the event is otherwise valid, only its size is not.
  return r.chance(0.5) ? text + ' '.repeat(size - text.length) : ' '.repeat(size - text.length) + text;
};

const WRONG: Readonly<Record<string, readonly unknown[]>> = {
  eventId: [123, null, 'not-a-uuid', '', ['id'], {}, 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE', '{id}'],
  eventTime: [1_764_000_000_000, null, true, {}, [], ''],
  sessionId: [5, '', true, null, 's'.repeat(65)],
  page: [42, 'no-slash', '', ['/'], {}, `/${'p'.repeat(512)}`, null],
  referrer: [1, 'r'.repeat(2049), false],
  durationMs: [-5, 1.5, 86_400_001, '100', null],
  element: ['', 7, 'e'.repeat(129)],
  productId: ['', 3, 'q'.repeat(65)],
  quantity: [0, 1.5, 1001, '1', -1],
  price: [-0.01, 1_000_001, '9.5', null],
  orderId: ['', 99, {}],
  items: [0, 1.5, 1001, '2', []],
  revenue: [-1, 1_000_001, '9.99', null, true],
  currency: ['eur', 'EURO', 'E', 12, ''],
  errorType: ['', 5, 'x'.repeat(65)],
  message: [1, 'm'.repeat(1025), null],
  deviceId: [7, '', null, 'd'.repeat(65), ['d']],
  temperature: ['21.5', null, true, 200.0001, -100.5, [], 1e6],
  humidity: [-0.1, 100.1, '50', {}],
  battery: [-1, 101, {}, '90'],
  status: ['OK', 'broken', 1, null, ''],
  from: ['unknown', 1, ''],
  to: ['', true, 'Offline'],
  firmware: ['f'.repeat(33), 1],
};
const wrongTypesRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const field = r.pick(Object.keys(event).filter((k) => !ENVELOPE.has(k) && k in WRONG));
  return JSON.stringify({ ...event, [field]: r.pick(WRONG[field] as unknown[]) });
};

const missingFieldsRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const required = Object.keys(event).filter((k) => !ENVELOPE.has(k) && !OPTIONAL.has(k));
  const drop = new Set(
    r.chance(0.1) ? required : [r.pick(required), ...(r.chance(0.3) ? [r.pick(required)] : [])],
  );
  return JSON.stringify(Object.fromEntries(Object.entries(event).filter(([k]) => !drop.has(k))));
};

const EXTRA_KEYS = [
  'extra',
  'Page',
  'EventTime',
  '',
  ' ',
  'event_id',
  'páge',
  'userID',
  'schema ',
  '0',
  'null',
  'x'.repeat(100),
];
const extraFieldsRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const variant = r.int(0, 3);
  if (variant === 0) {
    // A field of another contract.
    const foreign: Event = String(event.schema).startsWith('telemetry')
      ? { page: '/x', sessionId: 's-1', referrer: '' }
      : {
          temperature: 20,
          deviceId: 'd-1',
          firmware: '1.0',
          ...(event.version === 2 ? {} : { durationMs: 5 }),
        };
    const key = r.pick(Object.keys(foreign).filter((k) => !(k in event)));
    return JSON.stringify({ ...event, [key]: foreign[key] });
  }
  if (variant === 1) {
    // A duplicated key whose last value breaks the contract (JSON.parse keeps the last).
    const field = r.pick(Object.keys(event).filter((k) => !ENVELOPE.has(k) && k in WRONG));
    return withTrailingMember(event, field, JSON.stringify(r.pick(WRONG[field] as unknown[])) ?? 'null');
  }
  const extra: Event = {};
  for (let i = r.int(1, 3); i > 0; i--) extra[r.pick(EXTRA_KEYS)] = r.pick([1, 'x', null, true, [], {}]);
  return JSON.stringify({ ...event, ...extra });
};

const PROTO_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];
const protoKeysRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const text = JSON.stringify(event);
  return r.pick<() => string>([
    () => withLeadingMember(event, '__proto__', '{"polluted":true,"schema":"x"}'),
    () => withTrailingMember(event, '__proto__', '{"polluted":true}'),
    () => withTrailingMember(event, '__proto__', 'null'),
    () => withTrailingMember(event, 'constructor', '{"prototype":{"polluted":true}}'),
    () => withTrailingMember(event, r.pick(PROTO_NAMES), r.pick(['1', '"x"', '{}', 'null'])),
    () => `{"__proto__":${text}}`, // the event one level down: no own schema
    () => `{"constructor":${text}}`,
    () => JSON.stringify({ ...event, schema: r.pick(PROTO_NAMES) }),
    () => JSON.stringify({ ...event, version: r.pick(PROTO_NAMES) }),
    () => withRaw(event, r.pick(stringFields(event)), '{"__proto__":"/x"}'),
  ])();
};

const nonFiniteRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const literal = r.pick(['1e400', '-1e400', '1e309', '-9e999', '123e456']);
  // A status change has no number: its optional string field takes the number instead.
  const numeric = numberFields(event).length > 0 ? numberFields(event) : ['firmware'];
  return r.pick<() => string>([
    () => withRaw(event, r.pick(numeric), literal),
    () => withRaw(event, r.pick(numeric), literal),
    () => withRaw(event, 'version', literal),
    () =>
      withRaw(event, r.pick([...numeric, 'version']), r.pick(['NaN', 'Infinity', '-Infinity', '+Infinity'])),
    () => withRaw(event, r.pick(numeric), `[${literal}]`),
  ])();
};

const IMPOSSIBLE_TIMES = [
  '0000-00-00T00:00:00Z',
  '2026-12-01T24:10:06Z',
  '2026-02-30T25:61:61Z',
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2026-01-00T00:00:00Z',
  '2026-01-32T00:00:00Z',
  '2025-02-29T12:00:00Z',
  '2100-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z',
  '2026-11-22T23:59:60Z',
  '2026-11-22T23:60:00Z',
  '2026-11-22T99:99:99.999Z',
  // the wrong shape
  '2026-11-22T05:06:07+00:00',
  '2026-11-22T05:06:07',
  '2026-11-22t05:06:07z',
  '2026-11-22 05:06:07Z',
  ' 2026-11-22T05:06:07Z',
  '2026-11-22T05:06:07.1234Z',
  '2026-11-22T05:06:07.Z',
  '2026-11-22T5:06:07Z',
  '+002026-11-22T05:06:07Z',
  '20261122T050607Z',
  '2026-11-22',
  '2026-W47-7T05:06:07Z',
  '١٩٧٠-٠١-٠١T00:00:00Z',
  'Sun Nov 22 2026 05:06:07 GMT+0000',
  'NaN',
  '',
];
/** Impossible times near now: if a parser rolled them over, they would be accepted. */
const impossibleNearNow = (nowMs: number, r: SeededRandom): string => {
  const d = new Date(nowMs - r.int(0, 120_000));
  const day = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const [hh, mm, ss] = [pad2(d.getUTCHours()), pad2(d.getUTCMinutes()), pad2(d.getUTCSeconds())];
  return r.pick([
    `${day}T24:${mm}:${ss}Z`,
    `${day}T${hh}:60:${ss}Z`,
    `${day}T${hh}:${mm}:60Z`,
    `${day}T${hh}:${mm}:60.500Z`,
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-32T${hh}:${mm}:${ss}Z`,
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-00T${hh}:${mm}:${ss}Z`,
    `${d.getUTCFullYear()}-02-30T${hh}:${mm}:${ss}Z`,
    `${d.getUTCFullYear()}-13-${pad2(d.getUTCDate())}T${hh}:${mm}:${ss}Z`,
  ]);
};
const impossibleTimeRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const eventTime = r.chance(0.4) ? impossibleNearNow(ctx.nowMs, r) : r.pick(IMPOSSIBLE_TIMES);
  return JSON.stringify({ ...template(ctx), eventTime });
};

const EXTREME_TIMES = [
  '9999-12-31T23:59:59.999Z',
  '0001-01-01T00:00:00Z',
  '0999-12-31T23:59:59Z',
  '1000-01-01T00:00:00Z',
  '1900-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
  '2000-02-29T00:00:00Z',
  '2024-02-29T23:59:59.999Z',
  '2038-01-19T03:14:08Z',
  '2262-04-11T23:47:16.854Z',
  '5000-01-01T00:00:00.0Z',
];
const extremeTimeRecord = (ctx: Context): Shape => {
  const { r, nowMs } = ctx;
  const eventTime = r.chance(0.3)
    ? isoMs(nowMs + r.pick([-1, 1]) * r.pick([2 * 3_600_000, 86_400_000, 400 * 86_400_000]))
    : r.pick(EXTREME_TIMES);
  return JSON.stringify({ ...template(ctx), eventTime });
};

const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', '\ude00', '\udc00\ud800'];
/** `value` with `inserted` after its first character (a page keeps its leading slash). */
const inserting = (value: string, inserted: string, r: SeededRandom) => {
  const at = r.int(1, Math.max(1, value.length));
  return value.slice(0, at) + inserted + value.slice(at);
};
const loneSurrogateRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const field = r.pick(
    ['deviceId', 'sessionId', 'page'].filter((k) => k in event).concat(stringFields(event)),
  );
  // JSON.stringify writes a lone surrogate as its escape (\ud800): the record stays valid UTF-8.
  return JSON.stringify({ ...event, [field]: inserting(String(event[field]), r.pick(LONE_SURROGATES), r) });
};

const UNENCODABLE = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u000e',
  '\u001b',
  '\u001f',
  '\ufffe',
  '\uffff',
];
const controlCharsRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const field = r.pick(
    ['deviceId', 'sessionId', 'page'].filter((k) => k in event).concat(stringFields(event)),
  );
  return JSON.stringify({ ...event, [field]: inserting(String(event[field]), r.pick(UNENCODABLE), r) });
};

const UNKNOWN_SCHEMAS: readonly unknown[] = [
  'clickstream.nope',
  'clickstream.scroll',
  'telemetry.heartbeat',
  'clickstream',
  'telemetry',
  '',
  'CLICKSTREAM.PAGE_VIEW',
  'clickstream.page_view ',
  ' telemetry.reading',
  'clickstream.page-view',
  'clickstream..page_view',
  'telemetry.reading.v1',
  'web.page_view',
  'clickstream.page_view/v1',
  'x'.repeat(300),
  null,
  1,
  true,
  {},
  ['clickstream.page_view'],
];
const UNKNOWN_VERSIONS: readonly unknown[] = [
  0,
  3,
  -1,
  1.5,
  99,
  '1',
  '2',
  null,
  true,
  [1],
  {},
  2 ** 53,
  1e21,
];
const unknownSchemaRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const variant = r.int(0, 4);
  if (variant === 0) return JSON.stringify({ ...event, schema: r.pick(UNKNOWN_SCHEMAS) });
  if (variant <= 2) {
    // A version no contract of this schema has (page views have 1 and 2; the others only 1).
    const known = event.schema === 'clickstream.page_view' ? [1, 2] : [1];
    const version = r.pick(UNKNOWN_VERSIONS.concat(event.schema === 'clickstream.page_view' ? [] : [2]));
    return JSON.stringify({ ...event, version: known.includes(version as number) ? 3 : version });
  }
  const { schema: _schema, version: _version, ...rest } = event;
  return JSON.stringify(
    r.pick([rest, { ...rest, version: event.version }, { ...rest, schema: event.schema }]),
  );
};

const MAKERS: Record<FuzzKind, (ctx: Context) => Shape> = {
  'random-bytes': randomBytesRecord,
  'invalid-utf8': invalidUtf8Record,
  'invalid-json': invalidJsonRecord,
  'not-an-object': notAnObjectRecord,
  'deep-nesting': deepNestingRecord,
  'huge-string': hugeStringRecord,
  'over-limit': overLimitRecord,
  'wrong-types': wrongTypesRecord,
  'missing-fields': missingFieldsRecord,
  'extra-fields': extraFieldsRecord,
  'proto-keys': protoKeysRecord,
  'non-finite': nonFiniteRecord,
  'impossible-time': impossibleTimeRecord,
  'extreme-time': extremeTimeRecord,
  'lone-surrogate': loneSurrogateRecord,
  'control-chars': controlCharsRecord,
  'unknown-schema': unknownSchemaRecord,
};

// ---------------------------------------------------------------------------------------------------
// Valid events: page views and readings of the run's marked pages and devices, at the contracts' edges.

const validTime = (ctx: Context): string => {
  const text = recentTime(ctx);
  // 0–3 fraction digits, all allowed.
  return ctx.r.pick([text, `${text.slice(0, 19)}Z`, `${text.slice(0, 21)}Z`, `${text.slice(0, 22)}Z`]);
};

const validEvent = (ctx: Context): StreamlakeEvent => {
  const { r, runId, n } = ctx;
  const base = { eventId: randomUUID(), eventTime: validTime(ctx) };
  if (r.chance(0.5)) {
    const view = {
      schema: 'clickstream.page_view' as const,
      version: 1 as const,
      ...base,
      sessionId: markedSession(runId, n),
      page: markedPage(runId, n),
      ...(r.chance(0.2) ? { userId: `u-${r.int(1, 999)}` } : {}),
      ...(r.chance(0.2)
        ? {
            referrer: r.pick([
              '',
              'https://example.com/?q=😀é',
              'tab\there',
              `https://e.com/${'r'.repeat(2000)}`,
            ]),
          }
        : {}),
    };
    if (r.chance(0.3)) {
      return { ...view, version: 2, durationMs: r.pick([0, 86_400_000, r.int(1, 600_000)]) };
    }
    return view;
  }
  // The contracts' bounds only on the run's first device, so at most that one raises battery or
  // temperature alerts; the others read like healthy devices.
  const edge = n % MARKED_DEVICES === 0 && r.chance(0.2);
  return {
    schema: 'telemetry.reading',
    version: 1,
    ...base,
    deviceId: markedDevice(runId, n),
    temperature: edge ? r.pick([-100, 200]) : r.int(150, 300) / 10,
    humidity: edge ? r.pick([0, 100]) : r.int(0, 1000) / 10,
    battery: edge ? r.pick([0, 100]) : r.int(20, 100),
    status: r.pick(['ok', 'ok', 'degraded', 'fault'] as const),
  };
};

/** Legal encodings of a valid event: compact, pretty, escaped, or whitespace up to exactly the limit. */
const encodeValid = (event: StreamlakeEvent, r: SeededRandom): string => {
  const text = JSON.stringify(event);
  switch (
    r.weighted<string>([
      ['compact', 80],
      ['pretty', 8],
      ['escaped', 8],
      ['reordered', 8],
      ['at-limit', 1],
    ])
  ) {
    case 'pretty':
      return JSON.stringify(event, null, 2);
    case 'escaped':
      // \/ and \uXXXX escapes of plain characters; non-BMP characters as surrogate pairs.
      return text
        .replaceAll('/', '\\/')
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .replace('"schema"', '"\\u0073chema"');
    case 'reordered':
      return JSON.stringify(Object.fromEntries(Object.entries(event).reverse()));
    case 'at-limit':
      return text + ' '.repeat(MAX_EVENT_BYTES - Buffer.byteLength(text));
    default:
      return text;
  }
};

// ---------------------------------------------------------------------------------------------------

const partitionKeyFor = (r: SeededRandom, runId: string, n: number, identity?: unknown): string => {
  const roll = r.float();
  if (roll < 0.6 && typeof identity === 'string' && identity.length >= 1 && identity.length <= 256)
    return identity;
  if (roll < 0.85) return `fuzz-${runId}-${word(r, 1, 24)}`;
  if (roll < 0.95) return `${runId}-${n}-`.padEnd(256, 'k');
  return r.pick(['ключ', 'κλειδί', '鍵', '😀', 'é']) + n;
};

const identityOf = (data: Uint8Array | string): unknown => {
  if (typeof data !== 'string' || data.length > 4_096) return undefined;
  const match = /"(?:sessionId|deviceId)":"([\x20-\x21\x23-\x5b\x5d-\x7e]{1,200})"/.exec(data);
  return match?.[1];
};

/**
 * The corpus, one record at a time (memory stays bounded however large it is): `malformed` records
 * spread over the kinds and `valid` events, interleaved in a seeded order.
 */
export function* fuzzRecords(options: FuzzOptions): Generator<FuzzRecord> {
  const { runId, nowMs, valid } = options;
  if (!/^[a-z0-9-]{1,24}$/.test(runId)) {
    throw new RangeError(
      `runId must be 1–24 lowercase letters, digits or dashes (given ${JSON.stringify(runId)})`,
    );
  }
  if (!Number.isInteger(valid) || valid < 0)
    throw new RangeError(`valid must be a whole number ≥ 0 (given ${valid})`);
  const counts = kindCounts(options);
  const root = new SeededRandom(`fuzz:${options.seed}`);
  const order = root.fork('order');
  const shapes = root.fork('shapes');
  // The interleaving: a shuffled schedule of kind indexes, VALID for a valid event.
  const VALID = KIND_NAMES.length;
  const schedule = new Uint8Array(options.malformed + valid);
  let at = 0;
  KIND_NAMES.forEach((kind, index) => {
    schedule.fill(index, at, at + counts[kind]);
    at += counts[kind];
  });
  schedule.fill(VALID, at);
  for (let i = schedule.length - 1; i > 0; i--) {
    const j = order.int(0, i);
    [schedule[i], schedule[j]] = [schedule[j] as number, schedule[i] as number];
  }
  const ordinals = new Array<number>(VALID + 1).fill(0);
  for (const code of schedule) {
    const n = (ordinals[code] as number) + 1;
    ordinals[code] = n;
    const ctx: Context = { r: shapes, runId, nowMs, n };
    if (code === VALID) {
      const event = validEvent(ctx);
      yield {
        data: encode(encodeValid(event, shapes)),
        partitionKey: partitionKeyFor(
          shapes,
          runId,
          n,
          'deviceId' in event ? event.deviceId : event.sessionId,
        ),
        kind: 'valid',
        expect: 'valid',
        event,
      };
      continue;
    }
    const kind = KIND_NAMES[code] as FuzzKind;
    const data = MAKERS[kind](ctx);
    yield {
      data: typeof data === 'string' ? encode(data) : data,
      partitionKey: partitionKeyFor(shapes, runId, n, identityOf(data)),
      kind,
      expect: FUZZ_KINDS[kind].allowed,
    };
  }
}

/** The whole corpus as an array (tests); `npm run fuzz` streams fuzzRecords instead. */
export const fuzzCorpus = (options: FuzzOptions): FuzzRecord[] => [...fuzzRecords(options)];
