import { PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { RecordTooLargeError } from '../schemas/index.ts';
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF, mayRetry } from './backoff.ts';
import {
  PUT_RECORDS_LIMITS,
  type PutRecordsLimits,
  planBatches,
  recordBytes,
  type SizedRecord,
} from './batching.ts';
import { hashString } from './random.ts';
import { describeSendError } from './send-errors.ts';
import type { PutRecordsSender, WriteOutcome, WriterCounters } from './write-outcome.ts';

export type {
  AcceptedRecord,
  PutRecordsSender,
  UnsentRecord,
  WriteOutcome,
  WriterCounters,
} from './write-outcome.ts';

export interface KinesisWriterOptions {
  readonly client: PutRecordsSender;
  /** Exactly one of streamName and streamArn. */
  readonly streamName?: string;
  readonly streamArn?: string;
  /** PutRecords calls in flight at once; between 1 and 64. @default 4 */
  readonly maxInFlight?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  readonly limits?: PutRecordsLimits;
  /** Source of jitter, [0, 1). @default Math.random */
  readonly random?: () => number;
  /** @default a setTimeout-based sleep */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Ticket<R> {
  readonly outcomes: WriteOutcome<R>[];
  remaining: number;
  readonly resolve: (outcomes: WriteOutcome<R>[]) => void;
}

interface Entry<R> extends SizedRecord {
  readonly record: R;
  readonly ticket: Ticket<R>;
  readonly index: number;
  lastError?: { code: string; message: string };
}

interface Lane<R> {
  queue: Entry<R>[];
  running: Promise<void> | undefined;
}

/**
 * Writes records with PutRecords, retrying only what failed, and reports an outcome for every record.
 *
 * Ordering: each partition key is hashed to one of `maxInFlight` lanes; a lane sends one call at a
 * time and finishes its retries before its next call, so a key's records never race each other
 * across calls. Within a call, an entry retried after a partial failure lands after later entries of
 * its key that succeeded at once — Kinesis does not order PutRecords entries either. Consumers must
 * (and do) rely on eventTime, not arrival order.
 */
export class KinesisWriter<R extends SizedRecord = SizedRecord> {
  private readonly lanes: Lane<R>[];
  private readonly target: { StreamName: string } | { StreamARN: string };
  private readonly policy: BackoffPolicy;
  private readonly limits: PutRecordsLimits;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private sentCount = 0;
  private failedCount = 0;
  private retriedCount = 0;
  private pendingCount = 0;

  constructor(private readonly options: KinesisWriterOptions) {
    const { streamName, streamArn } = options;
    if (!streamName === !streamArn) {
      throw new Error(
        `give exactly one of streamName and streamArn (given ${streamName ?? '-'} and ${streamArn ?? '-'})`,
      );
    }
    this.target = streamArn ? { StreamARN: streamArn } : { StreamName: streamName as string };
    const maxInFlight = options.maxInFlight ?? 4;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 64) {
      throw new RangeError(
        `maxInFlight must be an integer between 1 and 64 inclusive (given ${maxInFlight})`,
      );
    }
    this.lanes = Array.from({ length: maxInFlight }, () => ({ queue: [], running: undefined }));
    this.policy = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.limits = options.limits ?? PUT_RECORDS_LIMITS;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get counters(): WriterCounters {
    return { sent: this.sentCount, failed: this.failedCount, retried: this.retriedCount };
  }

  /** Records queued or in flight, not yet given an outcome. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Queues records; resolves with one outcome per record, in the order given, once all are settled. Never rejects. */
  write(records: readonly R[]): Promise<WriteOutcome<R>[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const ticket: Ticket<R> = { outcomes: new Array(records.length), remaining: records.length, resolve };
      this.pendingCount += records.length;
      const touched = new Set<Lane<R>>();
      records.forEach((record, index) => {
        const entry: Entry<R> = {
          record,
          ticket,
          index,
          data: record.data,
          partitionKey: record.partitionKey,
        };
        const bytes = recordBytes(record);
        if (bytes > this.limits.maxRecordBytes) {
          const { message } = new RecordTooLargeError(bytes, this.limits.maxRecordBytes, 'Kinesis record');
          this.settle(entry, {
            status: 'unsent',
            record,
            errorCode: 'RecordTooLarge',
            errorMessage: message,
            attempts: 0,
            retryable: false,
          });
          return;
        }
        const lane = this.lanes[hashString(record.partitionKey) % this.lanes.length] as Lane<R>;
        lane.queue.push(entry);
        touched.add(lane);
      });
      for (const lane of touched) if (!lane.running) lane.running = this.drain(lane);
    });
  }

  /** Resolves once every record written so far has an outcome. */
  async flush(): Promise<void> {
    while (this.lanes.some((lane) => lane.running)) {
      await Promise.all(this.lanes.map((lane) => lane.running));
    }
  }

  private async drain(lane: Lane<R>): Promise<void> {
    try {
      while (lane.queue.length > 0) {
        const entries = lane.queue;
        lane.queue = [];
        for (const batch of planBatches(entries, this.limits).batches) await this.send(batch);
      }
    } finally {
      // Cleared synchronously after the last emptiness check, so write() restarts an idle lane.
      lane.running = undefined;
    }
  }

  /** One batch through to the end: retries failed entries until accepted or attempts run out. */
  private async send(batch: Entry<R>[]): Promise<void> {
    let entries = batch;
    for (let attempt = 1; ; attempt++) {
      let output: PutRecordsCommandOutput;
      try {
        const Records = entries.map((e) => ({ Data: e.data, PartitionKey: e.partitionKey }));
        output = await this.options.client.send(new PutRecordsCommand({ ...this.target, Records }));
      } catch (error) {
        const failure = describeSendError(error);
        if (failure.retryable && mayRetry(attempt, this.policy)) {
          await this.retry(entries.length, attempt);
          continue;
        }
        for (const e of entries) {
          this.settle(e, {
            status: 'unsent',
            record: e.record,
            errorCode: failure.code,
            errorMessage: failure.message,
            attempts: attempt,
            retryable: failure.retryable,
          });
        }
        return;
      }
      const failed = this.settleAccepted(entries, output, attempt);
      if (failed.length === 0) return;
      if (!mayRetry(attempt, this.policy)) {
        for (const e of failed) {
          const { code, message } = e.lastError ?? { code: 'Unknown', message: 'no error reported' };
          this.settle(e, {
            status: 'unsent',
            record: e.record,
            errorCode: code,
            errorMessage: message,
            attempts: attempt,
            retryable: true,
          });
        }
        return;
      }
      await this.retry(failed.length, attempt);
      entries = failed;
    }
  }

  /** Settles the entries Kinesis accepted; returns the rest, each remembering its error. */
  private settleAccepted(entries: Entry<R>[], output: PutRecordsCommandOutput, attempt: number): Entry<R>[] {
    const failed: Entry<R>[] = [];
    entries.forEach((e, i) => {
      const result = output.Records?.[i];
      if (result?.ShardId && result.SequenceNumber && !result.ErrorCode) {
        this.settle(e, {
          status: 'accepted',
          record: e.record,
          shardId: result.ShardId,
          sequenceNumber: result.SequenceNumber,
          attempts: attempt,
        });
      } else {
        e.lastError = {
          code: result?.ErrorCode ?? 'MissingResult',
          message: result?.ErrorMessage ?? `PutRecords returned no result for entry ${i}`,
        };
        failed.push(e);
      }
    });
    return failed;
  }

  private async retry(records: number, attempt: number): Promise<void> {
    this.retriedCount += records;
    await this.sleep(backoffDelayMs(attempt, this.policy, this.random));
  }

  private settle(entry: Entry<R>, outcome: WriteOutcome<R>): void {
    if (outcome.status === 'accepted') this.sentCount++;
    else this.failedCount++;
    this.pendingCount--;
    const { ticket } = entry;
    ticket.outcomes[entry.index] = outcome;
    if (--ticket.remaining === 0) ticket.resolve(ticket.outcomes);
  }
}
