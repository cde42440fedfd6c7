import { isUtf8 } from 'node:buffer';
import type { KinesisStreamRecord } from 'aws-lambda';
import { mayHoldUnencodable, preview, type StreamlakeEvent, validateEvent } from '../../schemas/index.ts';
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

const classifyRecord = (
  record: KinesisStreamRecord,
  policy: AcceptancePolicy,
  accepted: AcceptedRecord[],
  rejected: RejectedRecord[],
): void => {
  const bytes = Buffer.from(record.kinesis.data, 'base64');
  if (bytes.byteLength > policy.maxEventBytes) {
    rejected.push(
      reject(record, 'oversize', `${bytes.byteLength} bytes, over the ${policy.maxEventBytes}-byte limit`),
    );
    return;
  }
  if (!isUtf8(bytes)) {
    rejected.push(reject(record, 'undecodable', 'data is not valid UTF-8'));
    return;
  }
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    rejected.push(reject(record, 'invalid-json', bounded(errorMessage(error))));
    return;
  }
  const result = validateEvent(value, mayHoldUnencodable(text, bytes.byteLength));
  if (!result.ok) {
    rejected.push(reject(record, result.reason, result.detail));
    return;
  }
  const arrivalMs = record.kinesis.approximateArrivalTimestamp * 1000;
  if (result.eventTimeMs < arrivalMs - policy.allowedLatenessMs) {
    const late = Math.round((arrivalMs - result.eventTimeMs) / 1000);
    rejected.push(reject(record, 'too-late', `event time ${result.event.eventTime} arrived ${late}s late`));
    return;
  }
  if (result.eventTimeMs > arrivalMs + policy.clockSkewMs) {
    const ahead = Math.round((result.eventTimeMs - arrivalMs) / 1000);
    rejected.push(
      reject(record, 'future-dated', `event time ${result.event.eventTime} is ${ahead}s after arrival`),
    );
    return;
  }
  accepted.push({
    sequenceNumber: record.kinesis.sequenceNumber,
    event: result.event,
    eventTimeMs: result.eventTimeMs,
  });
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
