import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EDGE_FIELD, EdgeContext } from './envelope.ts';
import { firstUnencodable } from './limits.ts';
import { parseUtcMillis } from './time.ts';

/**
 * Several events in one Kinesis record (docs/decisions.md, D36): a JSON object whose `events` is an array of
 * 1–MAX_BATCH_EVENTS events, and, when an edge forwarded it, the edge context once for all of them:
 *
 *     {"edge": {"receivedAt": "…", "requestId": "…", …}, "events": [{"schema": …}, {"schema": …}]}
 *
 * The web collector puts one such record per request, a device publishes one per MQTT message (the topic rule
 * adds `edge`), a direct producer may write one. A record holding one event as before (an object with `schema`)
 * is still read as one event. Consumers count, quarantine and deduplicate each event of a batch on its own; its
 * position is the record's sequence number and its index in `events`.
 */
export const BATCH_EVENTS_FIELD = 'events';

/** The most events one batch record may carry: the collector's PutRecords limit of old, and far more than a 5 KB IoT message holds. */
export const MAX_BATCH_EVENTS = 500;

/** The properties a batch record may have; anything else is refused whole, naming it. */
const BATCH_PROPERTIES: ReadonlySet<string> = new Set([BATCH_EVENTS_FIELD, EDGE_FIELD]);

/**
 * Whether a parsed record is meant as a batch: an object with `events` and no `schema` (every event has one).
 * Its shape is checked by batchProblem.
 */
export const isEventBatch = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  BATCH_EVENTS_FIELD in value &&
  !('schema' in value);

/** What is wrong with a batch record's own shape (not its events'), or undefined when it may be read. */
export const batchProblem = (batch: Readonly<Record<string, unknown>>): string | undefined => {
  for (const key of Object.keys(batch)) {
    if (!BATCH_PROPERTIES.has(key)) {
      return `a batch record may hold only "events" and "edge" (found ${JSON.stringify(key).slice(0, 80)}): put fields on each event`;
    }
  }
  const events = batch[BATCH_EVENTS_FIELD];
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_BATCH_EVENTS) {
    const found = Array.isArray(events) ? `${events.length} events` : typeof events;
    return `a batch record's "events" must be an array of 1–${MAX_BATCH_EVENTS} events (found ${found}): split larger batches`;
  }
  const edge = batch[EDGE_FIELD];
  if (edge !== undefined && (typeof edge !== 'object' || edge === null || Array.isArray(edge))) {
    return `a batch record's "edge" must be an object (found ${edge === null ? 'null' : typeof edge})`;
  }
  return undefined;
};

const edgeCheck = TypeCompiler.Compile(EdgeContext);

/**
 * What is wrong with a batch's edge, checked once for all its events (each event of a batch is checked
 * against its contract without it, and gets it once accepted): the edge contract every event contract holds,
 * a real receivedAt, and — when `checkCharacters` — strings SNS, S3 and Parquet can carry. Undefined if fine.
 */
export const edgeProblem = (edge: unknown, checkCharacters = true): string | undefined => {
  if (!edgeCheck.Check(edge)) {
    const first = edgeCheck.Errors(edge).First();
    return `the batch's edge: /${EDGE_FIELD}${first?.path ?? ''} ${first?.message ?? 'is not an edge'} (given ${JSON.stringify(first?.value)?.slice(0, 80)})`;
  }
  if (Number.isNaN(parseUtcMillis(edge.receivedAt))) {
    return `the batch's edge: /${EDGE_FIELD}/receivedAt is not a real UTC time (given ${JSON.stringify(edge.receivedAt)})`;
  }
  if (checkCharacters) {
    for (const [field, value] of Object.entries(edge)) {
      if (typeof value === 'string' && firstUnencodable(value) >= 0) {
        return `the batch's edge: /${EDGE_FIELD}/${field} holds a character SNS, S3 and Parquet cannot carry`;
      }
    }
  }
  return undefined;
};

/** A batch record's bytes: `{"edge":…,"events":[…]}` (edge only if given), the events' JSON as they are. */
export const eventBatchJson = (events: readonly unknown[], edge?: unknown): string =>
  edge === undefined
    ? `{"${BATCH_EVENTS_FIELD}":${JSON.stringify(events)}}`
    : `{"${EDGE_FIELD}":${JSON.stringify(edge)},"${BATCH_EVENTS_FIELD}":${JSON.stringify(events)}}`;
