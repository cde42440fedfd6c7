import type { TObject } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import type { ClickstreamEvent } from './clickstream.ts';
import { type ContractCheck, compileContract } from './contract-check.ts';
import { EDGE_FIELD, UTC_YEARS } from './envelope.ts';
import { firstUnencodable } from './limits.ts';
import { CONTRACTS, contractKey } from './registry.ts';
import type { TelemetryEvent } from './telemetry.ts';
import { parseUtcMillis } from './time.ts';

export type StreamlakeEvent = ClickstreamEvent | TelemetryEvent;

/** Why an event was refused; each reason is counted and quarantined on its own. */
export type InvalidReason = 'invalid-json' | 'unknown-schema' | 'schema-violation';

export type ParseResult =
  | { readonly ok: true; readonly event: StreamlakeEvent; readonly eventTimeMs: number }
  | { readonly ok: false; readonly reason: InvalidReason; readonly detail: string };

interface Contract {
  readonly schema: string;
  readonly version: number;
  /** The hot path: straight-line checks compiled from the contract (schemas/contract-check.ts). */
  readonly check: ContractCheck;
  /** TypeBox's checker, only run once the compiled check has refused, to say why. */
  readonly strict: TypeCheck<TObject>;
}

/** Contracts by schema name, then version: no per-event key string. */
const contracts = new Map<string, Map<number, Contract>>();
for (const schema of CONTRACTS) {
  const props = schema.properties as Record<string, { const?: unknown }>;
  const byVersion = contracts.get(String(props.schema?.const)) ?? new Map<number, Contract>();
  byVersion.set(Number(props.version?.const), {
    schema: String(props.schema?.const),
    version: Number(props.version?.const),
    check: compileContract(schema),
    strict: TypeCompiler.Compile(schema),
  });
  contracts.set(String(props.schema?.const), byVersion);
}
const knownContracts = CONTRACTS.map((schema) => {
  const props = schema.properties as Record<string, { const?: unknown }>;
  return contractKey(String(props.schema?.const), Number(props.version?.const));
});

const PREVIEW_CHARS = 80;

interface Frame {
  readonly container: Readonly<Record<string, unknown>> | readonly unknown[];
  readonly keys: readonly string[] | undefined;
  index: number;
}

/** JSON.stringify escapes controls and lone surrogates; escape U+FFFE/U+FFFF too, so a detail goes anywhere. */
const leaf = (value: unknown): string =>
  typeof value === 'string'
    ? JSON.stringify(value.length > PREVIEW_CHARS ? value.slice(0, PREVIEW_CHARS) : value).replace(
        /[\uFFFE\uFFFF]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16)}`,
      )
    : String(value);

/** The text that opens `value`: a leaf whole, or a container's bracket, whose frame then goes on the stack. */
const opening = (value: unknown, frames: Frame[]): string => {
  if (Array.isArray(value)) {
    frames.push({ container: value, keys: undefined, index: 0 });
    return '[';
  }
  if (typeof value === 'object' && value !== null) {
    frames.push({ container: value as Record<string, unknown>, keys: Object.keys(value), index: 0 });
    return '{';
  }
  return leaf(value);
};

const sizeOf = ({ container, keys }: Frame): number => (keys ? keys.length : (container as unknown[]).length);
const closing = (frame: Frame): string => (frame.keys ? '}' : ']');

/** The separator and key before a frame's next member, and that member; moves the frame past it. */
const nextMember = (frame: Frame): { prefix: string; member: unknown } => {
  const { container, keys } = frame;
  const key = keys ? (keys[frame.index] as string) : frame.index;
  const prefix = `${frame.index > 0 ? ',' : ''}${keys ? `${leaf(key)}:` : ''}`;
  frame.index++;
  return { prefix, member: (container as Record<string | number, unknown>)[key] };
};

/** Cuts an over-long preview, before a high surrogate so the preview itself stays well-formed text. */
const cutPreview = (text: string): string => {
  const cut = PREVIEW_CHARS - 1;
  const code = text.charCodeAt(cut - 1);
  return `${text.slice(0, code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut)}…`;
};

/**
 * JSON-like text of `value`, at most ~80 characters, e.g. `[[[[[…` or `{"a":{"a":…`. Walks with its own
 * stack and stops at the budget, so no nesting depth or size can overflow the call stack or cost time: the
 * budget is checked before each piece, so nothing past it is even opened.
 */
export const preview = (value: unknown): string => {
  let text = '';
  const frames: Frame[] = [];
  let pending: { member: unknown } | undefined = { member: value };
  while (text.length <= PREVIEW_CHARS) {
    if (pending) {
      text += opening(pending.member, frames);
      pending = undefined;
      continue;
    }
    const frame = frames.at(-1);
    if (!frame) return text;
    if (frame.index >= sizeOf(frame)) {
      text += closing(frame);
      frames.pop();
      continue;
    }
    const { prefix, member } = nextMember(frame);
    text += prefix;
    pending = { member };
  }
  return cutPreview(text);
};

const codePoint = (text: string, at: number) =>
  `U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')}`;

const violation = (detail: string): ParseResult => ({ ok: false, reason: 'schema-violation', detail });

const UNREAL_TIME =
  `use YYYY-MM-DDTHH:MM:SS[.sss]Z with a calendar date in ${UTC_YEARS.min}–${UTC_YEARS.max}, hours 00–23, ` +
  'minutes and seconds 00–59';

/** The first string of the event, or of its edge context, that firstUnencodable refuses. */
const firstUnencodableString = (event: object): { path: string; text: string; at: number } | undefined => {
  for (const [field, value] of Object.entries(event)) {
    if (field === EDGE_FIELD && typeof value === 'object' && value !== null) {
      const inner = firstUnencodableString(value);
      if (inner) return { ...inner, path: `/${EDGE_FIELD}${inner.path}` };
      continue;
    }
    if (typeof value !== 'string') continue;
    const at = firstUnencodable(value);
    if (at >= 0) return { path: `/${field}`, text: value, at };
  }
  return undefined;
};

/**
 * Why the compiled check refused `value`: TypeBox's first error, else an event or edge time that has the
 * contract's shape but is no real instant. The compiled check and TypeBox agreeing is a tested invariant
 * (test/unit/schemas/contract-check.test.ts); should they not, that is a streamlake bug, thrown so the
 * record is quarantined as unprocessable rather than accepted or refused for no stated reason.
 */
const refusal = (contract: Contract, value: object, named: string): ParseResult => {
  const first = contract.strict.Errors(value).First();
  if (first) {
    return violation(`${named}: ${first.path || '/'} ${first.message} (given ${preview(first.value)})`);
  }
  const event = value as StreamlakeEvent;
  if (Number.isNaN(parseUtcMillis(event.eventTime))) {
    return violation(
      `${named}: /eventTime is not a real UTC time (given ${preview(event.eventTime)}): ${UNREAL_TIME}`,
    );
  }
  const receivedAt = event.edge?.receivedAt;
  if (receivedAt !== undefined && Number.isNaN(parseUtcMillis(receivedAt))) {
    return violation(
      `${named}: /edge/receivedAt is not a real UTC time (given ${preview(receivedAt)}): the edge must ${UNREAL_TIME}`,
    );
  }
  throw new Error(`${named}: the compiled contract check refused ${preview(value)}, which TypeBox accepts`);
};

/**
 * The contract found last. Records mostly name the same contract as the one before, and comparing a name
 * with it costs less than the map lookup, which must first hash each record's new string.
 */
let lastContract: Contract | undefined;

/** The contract a JSON object names by its schema and version, if one is declared. */
const contractOf = (value: object): Contract | undefined => {
  const { schema, version } = value as { schema?: unknown; version?: unknown };
  if (typeof schema !== 'string' || typeof version !== 'number') return undefined;
  if (lastContract !== undefined && schema === lastContract.schema && version === lastContract.version) {
    return lastContract;
  }
  const contract = contracts.get(schema)?.get(version);
  if (contract) lastContract = contract;
  return contract;
};

/**
 * validateEvent's verdict alone, for the hot path: the event time in epoch milliseconds when
 * validateEvent(value, checkCharacters) accepts `value`, NaN when it refuses it. It allocates nothing for
 * an accepted event; ask validateEvent why only when it says NaN.
 */
export const acceptedEventTimeMs = (value: unknown, checkCharacters = true): number => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return Number.NaN;
  const contract = contractOf(value);
  if (!contract) return Number.NaN;
  const eventTimeMs = contract.check(value);
  if (checkCharacters && !Number.isNaN(eventTimeMs) && firstUnencodableString(value)) return Number.NaN;
  return eventTimeMs;
};

/**
 * Validates an already-parsed value against the contract it names. `checkCharacters` may be false only
 * when mayHoldUnencodable said no for the UTF-8-decoded JSON text the value came from.
 */
export const validateEvent = (value: unknown, checkCharacters = true): ParseResult => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return violation(`expected a JSON object, got ${preview(value)}`);
  }
  const { schema, version } = value as { schema?: unknown; version?: unknown };
  const contract = contractOf(value);
  if (!contract) {
    return {
      ok: false,
      reason: 'unknown-schema',
      detail: `no contract for schema ${preview(schema)} version ${preview(version)}; known: ${knownContracts.join(', ')}`,
    };
  }
  const eventTimeMs = contract.check(value);
  if (Number.isNaN(eventTimeMs)) return refusal(contract, value, `${schema} v${version}`);
  const event = value as StreamlakeEvent;
  const unencodable = checkCharacters ? firstUnencodableString(event) : undefined;
  if (unencodable) {
    const { path, text, at } = unencodable;
    return violation(
      `${schema} v${version}: ${path} holds ${codePoint(text, at)} at ${at} (given ${preview(text)}), which ` +
        'SNS, S3 and Parquet cannot carry: send well-formed Unicode without control characters other than ' +
        'tab, LF and CR',
    );
  }
  return { ok: true, event, eventTimeMs };
};

/** Parses one JSON document and validates it; never throws. */
export const parseEvent = (text: string): ParseResult => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      reason: 'invalid-json',
      detail: `${error instanceof Error ? error.message : String(error)} in ${preview(text)}`,
    };
  }
  return validateEvent(value);
};
