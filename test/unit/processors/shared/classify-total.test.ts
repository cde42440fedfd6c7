import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AcceptancePolicy,
  type ClassifiedBatch,
  classifyBatch,
} from '../../../../processors/shared/classify.ts';
import { CONTRACTS, contractKey, KINESIS_MAX_RECORD_BYTES } from '../../../../schemas/index.ts';
import { webEdge } from '../../support/edge-context.ts';
import {
  kinesisRecord,
  pageView,
  purchase,
  reading,
  sequence,
  statusChange,
} from '../../support/kinesis-records.ts';

const realistic: AcceptancePolicy = {
  allowedLatenessMs: 3_600_000,
  clockSkewMs: 300_000,
  maxEventBytes: 65_536,
};
/** Accepts any real time and any size Kinesis takes, so the event-time and contract paths get the inputs. */
const wide: AcceptancePolicy = {
  allowedLatenessMs: Number.MAX_SAFE_INTEGER,
  clockSkewMs: Number.MAX_SAFE_INTEGER,
  maxEventBytes: KINESIS_MAX_RECORD_BYTES,
};
const policies = fc.constantFrom(realistic, wide);

/** One valid event per contract, the seeds the mutations start from. */
const validEvents: Record<string, unknown>[] = [
  pageView({ referrer: 'https://example.com/' }),
  { ...pageView(), version: 2, durationMs: 4200 },
  { ...pageView(), schema: 'clickstream.click', element: 'buy-button' },
  { ...pageView(), schema: 'clickstream.add_to_cart', productId: 'p-1', quantity: 2, price: 9.5 },
  purchase({ userId: 'user-1' }),
  { ...pageView(), schema: 'clickstream.client_error', errorType: 'TypeError', message: 'x is undefined' },
  reading(),
  statusChange({ firmware: '1.2.3' }),
  // As the collector forwards them: the edge context first, with and without the optional headers.
  { edge: webEdge(), ...pageView() },
  { edge: { receivedAt: '2026-11-22T05:06:07Z', requestId: 'r-1', sourceIp: '2001:db8::' }, ...reading() },
];

const deep = (depth: number, open: string, middle: string, close: string) =>
  `${open.repeat(depth)}${middle}${close.repeat(depth)}`;
const utcShaped = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }),
    fc.constantFrom('', '.1', '.12', '.123', '.999'),
  )
  .map(([d, fraction]) => {
    const s = d.join('');
    return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12)}${fraction}Z`;
  });
// Controls weighted up: JSON.stringify writes U+0008/U+000C as the short escapes \b and \f.
const codeUnits = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0, max: 0xffff })), {
    maxLength: 6,
  })
  .map((units) => String.fromCharCode(...units));
/** Source addresses at and around the truncated forms the edge context allows. */
const sourceIp = fc.oneof(
  fc.ipV4().map((ip) => ip.replace(/\.\d+$/, '.0')),
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV6().map((ip) => `${ip.split(':').slice(0, 3).join(':')}::`),
  fc.constantFrom('::', '2001:db8:85a3::', '0.0.0.0', '256.1.1.0', '01.2.3.0', '1.2.3.0 ', 'fe80::1::'),
);
/** An edge context as raw JSON: the declared properties with valid, invalid or missing values, maybe an extra. */
const edgeValue = fc
  .record(
    {
      receivedAt: fc.oneof(utcShaped, fc.constant('2026-11-22T05:06:07.456Z')),
      requestId: fc.oneof(fc.constant('c6af9ac6-7b61'), fc.string({ maxLength: 140 })),
      sourceIp,
      userAgent: fc.oneof(
        fc.constant('Mozilla/5.0'),
        codeUnits,
        fc.string({ minLength: 500, maxLength: 520 }),
      ),
      origin: fc.oneof(fc.constant('https://shop.example.com'), fc.string({ maxLength: 260 })),
      clientId: fc.oneof(fc.constant('thing-1'), fc.string({ maxLength: 140 })),
      topic: fc.oneof(fc.constant('streamlake/devices/thing-1/telemetry'), fc.string({ maxLength: 260 })),
      thingName: fc.constant('thing-1'),
    },
    { requiredKeys: [] },
  )
  .map((edge) => JSON.stringify(edge));
/** A field value as raw JSON text, so it can be what JSON.stringify never writes (1e400, deep nesting). */
const rawValue = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.anything().map((value) => JSON.stringify(value) ?? 'null'),
  codeUnits.map((text) => JSON.stringify(`device-${text}`)),
  utcShaped.map((text) => JSON.stringify(text)),
  fc.constantFrom(
    '1e400',
    '-1e400',
    '"\\ud800"',
    '"a\\udfff"',
    '"\\ud83d\\ude00"',
    '"\\u0000"',
    '"a\\u001fb"',
    '"\\ufffe"',
    '"\uffff"',
    '"0000-00-00T00:00:00Z"',
    '"2026-12-01T24:10:06Z"',
    '"2026-02-30T25:61:61Z"',
    '"2024-02-29T23:59:59.999Z"',
    '{"__proto__":{"schema":"telemetry.reading"}}',
  ),
  fc.integer({ min: 1, max: 30_000 }).map((depth) => deep(depth, '[', '', ']')),
  fc.integer({ min: 1, max: 3_000 }).map((depth) => deep(depth, '{"a":', 'null', '}')),
  edgeValue,
);
const fieldName = fc.oneof(
  fc.constantFrom(
    'schema',
    'version',
    'eventId',
    'eventTime',
    'deviceId',
    'sessionId',
    'page',
    'status',
    'edge',
  ),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'extra'),
  fc.string({ maxLength: 8 }),
);
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), field: fieldName, raw: rawValue }),
  fc.record({ kind: fc.constant('delete' as const), field: fieldName }),
);
/** A valid event's JSON text with fields replaced, deleted or added; keys written raw, so `__proto__` stays own. */
const mutatedEvent = fc
  .tuple(fc.constantFrom(...validEvents), fc.array(mutation, { minLength: 0, maxLength: 4 }))
  .map(([event, mutations]) => {
    const fields = new Map(Object.entries(event).map(([key, value]) => [key, JSON.stringify(value)]));
    for (const m of mutations) {
      if (m.kind === 'set') fields.set(m.field, m.raw);
      else fields.delete(m.field);
    }
    return `{${[...fields].map(([key, raw]) => `${JSON.stringify(key)}:${raw}`).join(',')}}`;
  });

const payload = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.anything().map((value) => JSON.stringify(value) ?? ''),
  mutatedEvent,
);

/** `…:07.1Z` → `…:07.100Z`, as toISOString writes it. */
const normalised = (eventTime: string) =>
  eventTime.length === 20 ? `${eventTime.slice(0, 19)}.000Z` : `${eventTime.slice(0, -1).padEnd(23, '0')}Z`;
/** SNS, S3 and Parquet can carry it: well-formed, XML 1.0 characters only (independent of the code under test). */
const encodable = (text: string) => {
  for (const char of text) {
    const c = char.codePointAt(0) as number;
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) return false;
    if ((c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) return false;
  }
  return true;
};

const classifyPayloads = (payloads: readonly unknown[], policy: AcceptancePolicy) => {
  const records = payloads.map((p, i) => kinesisRecord(p, { sequenceNumber: sequence(i + 1) }));
  return { records, batch: classifyBatch(records, policy) };
};

/** A source address cut as the edge must cut it, told by Node's own parser, not the contract's pattern. */
const truncatedIp = (ip: string) =>
  (isIPv4(ip) && ip.endsWith('.0') && !/(^|\.)0\d/.test(ip)) ||
  (isIPv6(ip) && ip.endsWith('::') && ip.split(':').filter(Boolean).length <= 3);

/**
 * An accepted edge context holds a real received time, a truncated address if any (the device rule sends none), a
 * printable client id if any, and strings every sink can carry.
 */
const assessEdge = (edge: Record<string, unknown>) => {
  const receivedAt = String(edge.receivedAt);
  expect(new Date(Date.parse(receivedAt)).toISOString()).toBe(normalised(receivedAt));
  if (edge.sourceIp !== undefined) expect(truncatedIp(String(edge.sourceIp))).toBe(true);
  if (edge.clientId !== undefined) expect(String(edge.clientId)).toMatch(/^[!-~]{1,128}$/);
  for (const value of Object.values(edge)) expect(encodable(String(value)) && value !== '').toBe(true);
};

/** Every record comes back exactly once, accepted or rejected, each kind in delivery order. */
const assessTotal = (inputs: readonly string[], batch: ClassifiedBatch) => {
  const accepted = batch.accepted.map((r) => r.sequenceNumber);
  const rejected = batch.rejected.map((r) => r.sequenceNumber);
  expect([...accepted, ...rejected].sort()).toEqual(inputs);
  expect(accepted).toEqual([...accepted].sort());
  expect(rejected).toEqual([...rejected].sort());
  for (const record of batch.accepted) {
    expect(Number.isFinite(record.eventTimeMs)).toBe(true);
    expect(new Date(record.eventTimeMs).toISOString()).toBe(normalised(record.event.eventTime));
    for (const value of Object.values(record.event)) {
      if (typeof value === 'string') expect(encodable(value) && encodeURIComponent(value)).toBeTruthy();
    }
    if (record.event.edge) assessEdge(record.event.edge);
  }
  for (const record of batch.rejected) {
    expect(record.detail.length).toBeGreaterThan(0);
    // Two bounded previews plus the list of known contracts, at most.
    expect(record.detail.length).toBeLessThanOrEqual(500);
  }
};

describe('classifyBatch is total', () => {
  it('has one valid seed event per contract, each accepted', () => {
    // Prepare
    const keys = validEvents.map((event) => contractKey(String(event.schema), Number(event.version)));

    // Act
    const { batch } = classifyPayloads(validEvents, realistic);

    // Assess
    expect(new Set(keys)).toEqual(
      new Set(
        CONTRACTS.map((c) =>
          contractKey(String(c.properties.schema?.const), Number(c.properties.version?.const)),
        ),
      ),
    );
    expect(batch.rejected).toEqual([]);
  });

  it('never throws and returns every record exactly once, over random bytes, JSON and mutated events', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 8 }), policies, (payloads, policy) => {
        // Prepare
        const inputs = payloads.map((_, i) => sequence(i + 1));

        // Act
        const { batch } = classifyPayloads(payloads, policy);

        // Assess
        assessTotal(inputs, batch);
      }),
      { numRuns: 400 },
    );
  });

  it('accepts a mutated event only with its real event time and text every sink can carry', () => {
    fc.assert(
      fc.property(fc.array(mutatedEvent, { minLength: 1, maxLength: 4 }), (payloads) => {
        // Prepare
        const inputs = payloads.map((_, i) => sequence(i + 1));

        // Act
        const { batch } = classifyPayloads(payloads, wide);

        // Assess
        assessTotal(inputs, batch);
      }),
      { numRuns: 600 },
    );
  });

  it('accepts a string field only if every sink can carry it, however JSON.stringify escapes it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validEvents), codeUnits, (event, text) => {
        // Prepare: append the code units to every free-text field, serialised as a producer would.
        const fields = Object.keys(event).filter(
          (key) =>
            typeof (event as Record<string, unknown>)[key] === 'string' &&
            !/^(schema|eventId|eventTime)$/.test(key),
        );
        const payloads = fields.map((key) =>
          JSON.stringify({ ...event, [key]: `${(event as Record<string, string>)[key]}${text}` }),
        );
        const inputs = payloads.map((_, i) => sequence(i + 1));

        // Act
        const { batch } = classifyPayloads(payloads, wide);

        // Assess
        assessTotal(inputs, batch);
      }),
      { numRuns: 400 },
    );
  });

  it('accepts an edge context only whole, truncated, real and carriable, and then the event unchanged', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validEvents), edgeValue, (event, edge) => {
        // Prepare: written as the collector writes it, edge first.
        const { edge: _seedEdge, ...own } = event;
        const text = `{"edge":${edge},${JSON.stringify(own).slice(1)}`;

        // Act
        const { batch } = classifyPayloads([text], wide);

        // Assess
        assessTotal([sequence(1)], batch);
        const [accepted] = batch.accepted;
        if (accepted) expect(accepted.event).toEqual({ edge: JSON.parse(edge), ...own });
        else expect(batch.rejected[0]?.detail).toMatch(/: \/edge\/?\w* /);
      }),
      { numRuns: 600 },
    );
  });

  it('reads every pattern-shaped event time as the same instant Date.parse gives, or refuses it as a schema violation', () => {
    fc.assert(
      fc.property(utcShaped, (eventTime) => {
        // Prepare
        const event = statusChange({ eventTime });

        // Act
        const { batch } = classifyPayloads([event], wide);

        // Assess
        const ms = Date.parse(eventTime);
        const real = Number.isFinite(ms) && new Date(ms).toISOString() === normalised(eventTime);
        if (real && ms >= 0) expect(batch.accepted[0]?.eventTimeMs).toBe(Date.parse(eventTime));
        else expect(batch.rejected[0]?.reason).toBe('schema-violation');
      }),
      { numRuns: 500 },
    );
  });
});

describe('classifyBatch on hostile values', () => {
  it.each([
    ['a 30,000-deep array', deep(30_000, '[', '', ']'), 'schema-violation'],
    ['a 30,000-deep object', deep(30_000, '{"a":', '1', '}'), 'unknown-schema'],
    [
      'an event whose deviceId is a 30,000-deep array',
      JSON.stringify(statusChange()).replace('"device-1"', deep(30_000, '[', '', ']')),
      'schema-violation',
    ],
    [
      'an event whose deviceId is a 30,000-deep object',
      JSON.stringify(statusChange()).replace('"device-1"', deep(30_000, '{"a":', '1', '}')),
      'schema-violation',
    ],
  ])('quarantines %s with a short detail instead of overflowing the stack', (_, text, reason) => {
    // Prepare
    const payloads = [text, statusChange()];

    // Act
    const { batch } = classifyPayloads(payloads, wide);

    // Assess
    expect(batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(2)]);
    expect(batch.rejected).toEqual([expect.objectContaining({ reason, sequenceNumber: sequence(1) })]);
    expect(batch.rejected[0]?.detail.length).toBeLessThanOrEqual(reason === 'unknown-schema' ? 300 : 200);
  });

  it('quarantines a 900 KB string field as oversize with a short detail', () => {
    // Prepare
    const event = statusChange({ deviceId: 'd'.repeat(900_000) });

    // Act
    const { batch } = classifyPayloads([event], realistic);

    // Assess
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: 'oversize' })]);
    expect(batch.rejected[0]?.detail.length).toBeLessThanOrEqual(100);
  });

  it('quarantines a 900 KB string field within the size limit as a schema violation quoting only its start', () => {
    // Prepare
    const event = statusChange({ deviceId: 'd'.repeat(900_000) });

    // Act
    const { batch } = classifyPayloads([event], wide);

    // Assess
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: 'schema-violation' })]);
    expect(batch.rejected[0]?.detail).toContain('/deviceId');
    expect(batch.rejected[0]?.detail.length).toBeLessThanOrEqual(200);
  });

  it.each([
    ['__proto__', '{"__proto__":{"deviceId":"x"},'],
    ['constructor', '{"constructor":"x",'],
  ])('refuses an own %s key as a field the contract does not declare', (field, prefix) => {
    // Prepare
    const text = JSON.stringify(statusChange()).replace('{', prefix);

    // Act
    const { batch } = classifyPayloads([text], wide);

    // Assess
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: 'schema-violation' })]);
    expect(batch.rejected[0]?.detail).toContain(`/${field} Unexpected property`);
  });
});
