import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';

/** The part of KinesisClient the writer uses; tests pass a small fake. */
export interface PutRecordsSender {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>;
}

/** A record the stream took, by whichever way it went. */
export interface DeliveredRecord<R> {
  readonly status: 'accepted';
  readonly record: R;
  /** Calls (PutRecords or collector requests) that carried the record, the first included. */
  readonly attempts: number;
}

/**
 * A record Kinesis accepted, and where. Records sent through the web collector are DeliveredRecords only: its
 * answer names what it accepted but not where (API Gateway maps PutRecords' result to counts and refusals).
 */
export interface AcceptedRecord<R> extends DeliveredRecord<R> {
  readonly shardId: string;
  readonly sequenceNumber: string;
}

export interface UnsentRecord<R> {
  readonly status: 'unsent';
  readonly record: R;
  /** The last error: a per-entry ErrorCode, an SDK error name, a collector status (`Collector429`), or RecordTooLarge. */
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  /** False when retrying cannot help (missing stream, access denied, record too large). */
  readonly retryable: boolean;
}

/** What KinesisWriter reports for a record. */
export type WriteOutcome<R> = AcceptedRecord<R> | UnsentRecord<R>;
/** What any writer reports for a record; accepted ones with a location are AcceptedRecords (see isLocated). */
export type RecordOutcome<R> = DeliveredRecord<R> | UnsentRecord<R>;

export const isLocated = <R>(outcome: RecordOutcome<R>): outcome is AcceptedRecord<R> =>
  outcome.status === 'accepted' && 'shardId' in outcome;

export interface WriterCounters {
  /** Records accepted (by Kinesis, or the collector). */
  readonly sent: number;
  /** Records given up on; each has an UnsentRecord outcome. */
  readonly failed: number;
  /** Record retries: one per record per extra attempt. */
  readonly retried: number;
}

/** What a producer run needs of a writer: the Kinesis writer, the collector writer, or both behind a router. */
export interface RecordWriter<R> {
  /** Queues records; resolves with one outcome per record, in the order given, once all are settled. Never rejects. */
  write(records: readonly R[]): Promise<RecordOutcome<R>[]>;
  /** Resolves once every record written so far has an outcome. */
  flush(): Promise<void>;
  /** Records queued or in flight, not yet given an outcome. */
  readonly pending: number;
  readonly counters: WriterCounters;
}

/**
 * Error codes that condemn one record, not the target: the record is too large, or the collector refused
 * that one event on its own (400, 413). Every other unretryable failure (a missing stream, a refused key or
 * origin) would fail every later record too.
 */
const RECORD_FAULTS = new Set(['RecordTooLarge', 'Collector400', 'Collector413']);

export const isRecordFault = (outcome: UnsentRecord<unknown>): boolean =>
  RECORD_FAULTS.has(outcome.errorCode);
