import type { InvalidReason, StreamlakeEvent } from '../schemas/index.ts';

/** A simulator: each call yields one event whose eventTime is close to `nowMs` (late data aside). */
export interface EventSource {
  next(nowMs: number): StreamlakeEvent;
}

/** Why a record was deliberately made bad; the pipeline must quarantine it with this reason. */
export type PoisonKind = InvalidReason;

/** One record ready for Kinesis, with what it carries so the ground truth can be written. */
export interface ProducedRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  /** The event the record encodes; absent for poison records. */
  readonly event?: StreamlakeEvent;
  /** Set on records made bad on purpose. */
  readonly poison?: PoisonKind;
}

/** Yields ready-to-send records, valid or poison. */
export interface RecordSource {
  next(nowMs: number): ProducedRecord;
}

/** Events of one session (or one device) share a shard, so the stream keeps them in order. */
export const partitionKeyOf = (event: StreamlakeEvent): string =>
  'sessionId' in event ? event.sessionId : event.deviceId;

const utf8 = new TextEncoder();

export const encodeJson = (value: unknown): Uint8Array => utf8.encode(JSON.stringify(value));

export const recordOf = (event: StreamlakeEvent): ProducedRecord => ({
  data: encodeJson(event),
  partitionKey: partitionKeyOf(event),
  event,
});

/** ISO-8601 UTC with milliseconds, the form every eventTime takes. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();
