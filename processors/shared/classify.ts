import { isUtf8 } from 'node:buffer';
import type { KinesisStreamRecord } from 'aws-lambda';
import {
  acceptedEventTimeMs,
  BATCH_EVENTS_FIELD,
  batchProblem,
  EDGE_FIELD,
  edgeProblem,
  isEventBatch,
  KINESIS_MAX_RECORD_BYTES,
  mayHoldUnencodable,
  preview,
  type StreamlakeEvent,
  validateEvent,
} from '../../schemas/index.ts';
import { errorMessage } from './errors.ts';

/** Why a record was refused; each is counted and quarantined with the record's raw bytes. */
export type QuarantineReason =
  | 'undecodable'
  | 'oversize'
  | 'invalid-json'
  | 'unknown-schema'
  | 'schema-violation'
  | 'too-late'
  | 'future-dated'
  /** Classifying the record threw: a streamlake bug, quarantined so it never costs the rest of the batch. */
  | 'unprocessable';

export interface AcceptancePolicy {
  /** Records whose event time is older than arrival − lateness are too late for their window. */
  readonly allowedLatenessMs: number;
  /** Records whose event time is newer than arrival + skew come from a clock we cannot trust. */
  readonly clockSkewMs: number;
  /** Larger payloads are not analytics events; they are quarantined, never parsed. */
  readonly maxEventBytes: number;
}

/** Where an event sits in the stream: its record's sequence number, and its index when the record is a batch. */
export interface EventPosition {
  readonly sequenceNumber: string;
  /** Its index in a batch record's `events` (docs/decisions.md, D36); absent for a record holding one event. */
  readonly index?: number;
}

/**
 * One string per event position: the sequence number, `<sequence number>#<index>` in a batch. What tells two
 * copies of an event apart (the duplicate memory's tag, replay's ledger); never ordered by.
 */
export const positionKey = ({ sequenceNumber, index }: EventPosition): string =>
  index === undefined ? sequenceNumber : `${sequenceNumber}#${index}`;

export interface AcceptedRecord extends EventPosition {
  readonly event: StreamlakeEvent;
  readonly eventTimeMs: number;
}

export interface RejectedRecord extends EventPosition {
  readonly reason: QuarantineReason;
  readonly detail: string;
  readonly shardId: string;
  readonly partitionKey: string;
  readonly approximateArrivalTimestamp: number;
  /**
   * The record's data exactly as Kinesis delivered it (base64); for one event of a batch (`index` set), that
   * event alone as a record of its own, the batch's edge included, so a replay re-sends only it.
   */
  readonly data: string;
}

export interface ClassifiedBatch {
  readonly shardId: string;
  readonly accepted: AcceptedRecord[];
  readonly rejected: RejectedRecord[];
}

/** `shardId-000000000001:4959…` → `shardId-000000000001`. */
export const shardIdOf = (eventID: string): string => eventID.slice(0, eventID.lastIndexOf(':'));

const reject = (record: KinesisStreamRecord, reason: QuarantineReason, detail: string): RejectedRecord => ({
  reason,
  detail,
  shardId: shardIdOf(record.eventID),
  sequenceNumber: record.kinesis.sequenceNumber,
  partitionKey: record.kinesis.partitionKey,
  approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
  data: record.kinesis.data,
});

/** The JSON of one event of a batch as a record of its own, base64: what is quarantined and replayed for it. */
export const eventRecordData = (event: unknown): string =>
  Buffer.from(JSON.stringify(event) ?? String(event), 'utf8').toString('base64');

const rejectEvent = (
  record: KinesisStreamRecord,
  at: BatchPlace,
  event: unknown,
  reason: QuarantineReason,
  detail: string,
): RejectedRecord => ({
  ...reject(record, reason, `event ${at.index} of the batch's ${at.count}: ${detail}`),
  index: at.index,
  data: eventRecordData(withEdge(event, at.edge)),
});

/** The event with the batch's edge, as it is counted and quarantined. */
const withEdge = (event: unknown, edge: unknown): unknown =>
  edge === undefined || typeof event !== 'object' || event === null || Array.isArray(event)
    ? event
    : { ...event, [EDGE_FIELD]: edge };

/** Bounds a message that quotes the input (V8's JSON errors do) so a detail stays readable. */
const bounded = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The buffer every record is decoded into, grown on demand to the largest record within the limit (at
 * least 64 KiB, held for the container's life): no Buffer per record, which cost about a third of
 * decoding and was garbage collected while the batch's events were live. Records are classified
 * synchronously, one at a time, and only the bytes just written — [0, length) — are ever read, so nothing
 * of one record can reach the next.
 */
let scratch = Buffer.allocUnsafe(0);
const scratchFor = (bytes: number): Buffer => {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(Math.max(bytes, 65_536));
  return scratch;
};

/**
 * What base64 `data` decodes to at most, as Buffer.byteLength reckons it (without its encoding lookup, a
 * few per cent of the hot path): exact for well-formed base64, as Kinesis delivers it, and never below
 * what decoding yields, since decoding skips characters outside the alphabet.
 */
export const base64Bytes = (data: string): number => {
  let chars = data.length;
  if (data.charCodeAt(chars - 1) === 0x3d) chars--;
  if (chars > 1 && data.charCodeAt(chars - 1) === 0x3d) chars--;
  return (chars * 3) >>> 2;
};

/** A refusal of the record (`index` undefined) or of one event of its batch. */
const refusal = (
  record: KinesisStreamRecord,
  at: BatchPlace | undefined,
  value: unknown,
  reason: QuarantineReason,
  detail: string,
): RejectedRecord =>
  at === undefined ? reject(record, reason, detail) : rejectEvent(record, at, value, reason, detail);

/** One event's place in a batch record, and the batch's edge (checked once, given to each accepted event). */
interface BatchPlace {
  readonly index: number;
  readonly count: number;
  readonly edge: unknown;
}

/** Judges one parsed event — a record's whole payload, or one of its batch (`at`) — against its contract and times. */
const classifyEvent = (
  record: KinesisStreamRecord,
  value: unknown,
  at: BatchPlace | undefined,
  checkCharacters: boolean,
  policy: AcceptancePolicy,
  accepted: AcceptedRecord[],
  rejected: RejectedRecord[],
): void => {
  let eventTimeMs = acceptedEventTimeMs(value, checkCharacters);
  if (Number.isNaN(eventTimeMs)) {
    // Refused: only now is the reason worked out (no result object per accepted record).
    const result = validateEvent(value, checkCharacters);
    if (!result.ok) {
      rejected.push(refusal(record, at, value, result.reason, result.detail));
      return;
    }
    eventTimeMs = result.eventTimeMs;
  }
  const event = value as StreamlakeEvent;
  const arrivalMs = record.kinesis.approximateArrivalTimestamp * 1000;
  if (eventTimeMs < arrivalMs - policy.allowedLatenessMs) {
    const late = Math.round((arrivalMs - eventTimeMs) / 1000);
    rejected.push(
      refusal(record, at, value, 'too-late', `event time ${event.eventTime} arrived ${late}s late`),
    );
    return;
  }
  if (eventTimeMs > arrivalMs + policy.clockSkewMs) {
    const ahead = Math.round((eventTimeMs - arrivalMs) / 1000);
    rejected.push(
      refusal(record, at, value, 'future-dated', `event time ${event.eventTime} is ${ahead}s after arrival`),
    );
    return;
  }
  if (at === undefined) {
    accepted.push({ sequenceNumber: record.kinesis.sequenceNumber, event, eventTimeMs });
    return;
  }
  if (at.edge !== undefined) (value as Record<string, unknown>)[EDGE_FIELD] = at.edge;
  accepted.push({ sequenceNumber: record.kinesis.sequenceNumber, index: at.index, event, eventTimeMs });
};

/**
 * Judges each event of a batch record on its own (docs/decisions.md, D36): each is checked against its
 * contract, held to the event size limit (with the edge) when the record is over it, and accepted with the
 * batch's edge or quarantined alone. The edge is checked once for all. A batch whose own shape or edge is
 * wrong is refused whole: no event of it can be placed.
 */
const classifyEvents = (
  record: KinesisStreamRecord,
  batch: Record<string, unknown>,
  overLimit: boolean,
  checkCharacters: boolean,
  policy: AcceptancePolicy,
  accepted: AcceptedRecord[],
  rejected: RejectedRecord[],
): void => {
  const problem = batchProblem(batch);
  if (problem !== undefined) {
    rejected.push(reject(record, 'schema-violation', problem));
    return;
  }
  const edge = batch[EDGE_FIELD];
  const wrongEdge = edge === undefined ? undefined : edgeProblem(edge, checkCharacters);
  if (wrongEdge !== undefined) {
    rejected.push(
      reject(
        record,
        'schema-violation',
        `${wrongEdge}: the edge that forwarded the batch must set a valid one`,
      ),
    );
    return;
  }
  const events = batch[BATCH_EVENTS_FIELD] as unknown[];
  const count = events.length;
  for (let index = 0; index < count; index++) {
    const value = events[index];
    const at: BatchPlace = { index, count, edge };
    try {
      if (edge !== undefined && typeof value === 'object' && value !== null && EDGE_FIELD in value) {
        rejected.push(
          refusal(
            record,
            { index, count, edge: undefined },
            value,
            'schema-violation',
            `carries its own "${EDGE_FIELD}": the edge that forwarded the batch sets it; leave it out`,
          ),
        );
        continue;
      }
      if (overLimit) {
        const bytes = Buffer.byteLength(JSON.stringify(withEdge(value, edge)) ?? '', 'utf8');
        if (bytes > policy.maxEventBytes) {
          rejected.push(
            refusal(
              record,
              at,
              value,
              'oversize',
              `${bytes} bytes, over the ${policy.maxEventBytes}-byte limit`,
            ),
          );
          continue;
        }
      }
      classifyEvent(record, value, at, checkCharacters, policy, accepted, rejected);
    } catch (error) {
      rejected.push(refusal(record, at, value, 'unprocessable', unprocessable(error)));
    }
  }
};

const classifyRecord = (
  record: KinesisStreamRecord,
  policy: AcceptancePolicy,
  accepted: AcceptedRecord[],
  rejected: RejectedRecord[],
): void => {
  const data = record.kinesis.data;
  // A record within Kinesis's limit decodes whole into the scratch buffer. Anything else is decoded on its
  // own: a non-string throws what Buffer.from throws.
  const estimate = typeof data === 'string' ? base64Bytes(data) : Number.POSITIVE_INFINITY;
  let bytes: Buffer;
  let length: number;
  if (estimate <= KINESIS_MAX_RECORD_BYTES) {
    bytes = scratchFor(estimate);
    length = bytes.write(data, 'base64');
  } else {
    bytes = Buffer.from(data, 'base64');
    length = bytes.byteLength;
  }
  const overLimit = length > policy.maxEventBytes;
  const text = bytes.toString('utf8', 0, length);
  // Over the event size limit, only a batch may be read (each of its events is held to the limit); anything
  // else is never parsed.
  if (overLimit && !text.includes(`"${BATCH_EVENTS_FIELD}"`)) {
    rejected.push(reject(record, 'oversize', `${length} bytes, over the ${policy.maxEventBytes}-byte limit`));
    return;
  }
  // Decoding replaces every invalid sequence with U+FFFD, so only a text holding one can come from bytes
  // that are not UTF-8: one native scan instead of validating every record's bytes.
  if (text.includes('\uFFFD') && !isUtf8(bytes.subarray(0, length))) {
    rejected.push(reject(record, 'undecodable', 'data is not valid UTF-8'));
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    rejected.push(reject(record, 'invalid-json', bounded(errorMessage(error))));
    return;
  }
  const checkCharacters = mayHoldUnencodable(text, length);
  if (isEventBatch(value)) {
    classifyEvents(record, value, overLimit, checkCharacters, policy, accepted, rejected);
    return;
  }
  if (overLimit) {
    rejected.push(reject(record, 'oversize', `${length} bytes, over the ${policy.maxEventBytes}-byte limit`));
    return;
  }
  classifyEvent(record, value, undefined, checkCharacters, policy, accepted, rejected);
};

const unprocessable = (error: unknown): string =>
  `classifying threw ${error instanceof Error ? bounded(`${error.name}: ${error.message}`) : preview(error)}: ` +
  'a streamlake bug; report it with this record, and replay it (npm run replay) once fixed';

/**
 * Decides, for every record of a batch, whether it is counted or quarantined; never throws for what a
 * record holds. Lateness is judged against the record's arrival time, not the clock, so a re-delivery
 * decides exactly as before.
 */
export const classifyBatch = (
  records: readonly KinesisStreamRecord[],
  policy: AcceptancePolicy,
): ClassifiedBatch => {
  const accepted: AcceptedRecord[] = [];
  const rejected: RejectedRecord[] = [];
  for (const record of records) {
    try {
      classifyRecord(record, policy, accepted, rejected);
    } catch (error) {
      rejected.push(reject(record, 'unprocessable', unprocessable(error)));
    }
  }
  const first = records[0];
  return { shardId: first ? shardIdOf(first.eventID) : '', accepted, rejected };
};
