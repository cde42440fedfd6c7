import { isUtf8 } from 'node:buffer';
import type { KinesisStreamRecord } from 'aws-lambda';
import {
  acceptedEventTimeMs,
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

export interface AcceptedRecord {
  readonly sequenceNumber: string;
  readonly event: StreamlakeEvent;
  readonly eventTimeMs: number;
}

export interface RejectedRecord {
  readonly reason: QuarantineReason;
  readonly detail: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly approximateArrivalTimestamp: number;
  /** The record's data exactly as Kinesis delivered it (base64). */
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

const classifyRecord = (
  record: KinesisStreamRecord,
  policy: AcceptancePolicy,
  accepted: AcceptedRecord[],
  rejected: RejectedRecord[],
): void => {
  const data = record.kinesis.data;
  // A record the estimate puts within the limit decodes whole into the scratch buffer. Anything else is
  // decoded as before, on its own: its exact size is what the oversize detail names, and a non-string
  // throws what Buffer.from throws.
  const estimate = typeof data === 'string' ? base64Bytes(data) : Number.POSITIVE_INFINITY;
  let bytes: Buffer;
  let length: number;
  if (estimate <= policy.maxEventBytes) {
    bytes = scratchFor(estimate);
    length = bytes.write(data, 'base64');
  } else {
    bytes = Buffer.from(data, 'base64');
    length = bytes.byteLength;
    if (length > policy.maxEventBytes) {
      rejected.push(
        reject(record, 'oversize', `${length} bytes, over the ${policy.maxEventBytes}-byte limit`),
      );
      return;
    }
  }
  const text = bytes.toString('utf8', 0, length);
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
  let eventTimeMs = acceptedEventTimeMs(value, checkCharacters);
  if (Number.isNaN(eventTimeMs)) {
    // Refused: only now is the reason worked out (no result object per accepted record).
    const result = validateEvent(value, checkCharacters);
    if (!result.ok) {
      rejected.push(reject(record, result.reason, result.detail));
      return;
    }
    eventTimeMs = result.eventTimeMs;
  }
  const event = value as StreamlakeEvent;
  const arrivalMs = record.kinesis.approximateArrivalTimestamp * 1000;
  if (eventTimeMs < arrivalMs - policy.allowedLatenessMs) {
    const late = Math.round((arrivalMs - eventTimeMs) / 1000);
    rejected.push(reject(record, 'too-late', `event time ${event.eventTime} arrived ${late}s late`));
    return;
  }
  if (eventTimeMs > arrivalMs + policy.clockSkewMs) {
    const ahead = Math.round((eventTimeMs - arrivalMs) / 1000);
    rejected.push(reject(record, 'future-dated', `event time ${event.eventTime} is ${ahead}s after arrival`));
    return;
  }
  accepted.push({ sequenceNumber: record.kinesis.sequenceNumber, event, eventTimeMs });
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
