import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';

/** The part of KinesisClient the writer uses; tests pass a small fake. */
export interface PutRecordsSender {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>;
}

export interface AcceptedRecord<R> {
  readonly status: 'accepted';
  readonly record: R;
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** PutRecords calls it took, the first included. */
  readonly attempts: number;
}

export interface UnsentRecord<R> {
  readonly status: 'unsent';
  readonly record: R;
  /** The last error: a per-entry ErrorCode, an SDK error name, or RecordTooLarge. */
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  /** False when retrying cannot help (missing stream, access denied, record too large). */
  readonly retryable: boolean;
}

export type WriteOutcome<R> = AcceptedRecord<R> | UnsentRecord<R>;

export interface WriterCounters {
  /** Records accepted by Kinesis. */
  readonly sent: number;
  /** Records given up on; each has an UnsentRecord outcome. */
  readonly failed: number;
  /** Record retries: one per record per extra attempt. */
  readonly retried: number;
}
