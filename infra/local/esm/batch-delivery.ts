import { setTimeout as wait } from 'node:timers/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type BatchOutcome, judgeResponse } from './batch-outcome.ts';
import type { CheckpointStore } from './checkpoints.ts';
import { type BatchInfoKey, failureObjectKey, failureRecord } from './failure-record.ts';
import { type DeliverySettings, MAX_PAYLOAD_BYTES } from './settings.ts';

/*
 * The source-agnostic core of a stream event source mapping (Kinesis or DynamoDB streams): per shard,
 * in order, one batch at a time, with the batching window, payload cap, partial-failure checkpointing,
 * bisection, retry limit, record age limit, on-failure destination and durable checkpoints that
 * Lambda applies. A source plugs in a ShardReader (how records are read) and a DeliverySource (how a
 * batch becomes an event and what its failure record is called).
 */

/** What the poller reports as it goes; the local cloud turns these into progress and metrics. */
export interface PollerObserver {
  onInvoke?(info: { mappingId: string; shardId: string; records: number; outcome: string }): void;
  /** `records` counts every record the checkpoint moved past, including ones a filter dropped. */
  onCheckpoint?(info: {
    mappingId: string;
    shardId: string;
    sequenceNumber: string;
    iteratorAgeMs: number;
    records: number;
  }): void;
  onDiscard?(info: {
    mappingId: string;
    shardId: string;
    records: number;
    condition: string;
    key?: string;
  }): void;
  /** Records the mapping's filter criteria dropped (they are also counted by `onCheckpoint`). */
  onFilter?(info: { mappingId: string; shardId: string; records: number }): void;
}

/** A record as any stream poller holds it. */
export interface DeliverableRecord {
  /** Also the `itemIdentifier` a ReportBatchItemFailures response names it by. */
  readonly sequenceNumber: string;
  /** When the record reached the stream, as the source reports it (epoch ms). */
  readonly arrivalMs: number;
  /** When MaximumRecordAgeInSeconds starts counting, when that differs from `arrivalMs`. */
  readonly ageFromMs?: number;
}

/** How one kind of stream turns records into the function's event and names its failure records. */
export interface DeliverySource<R extends DeliverableRecord, E> {
  readonly batchInfoKey: BatchInfoKey;
  buildEvent(shardId: string, records: readonly R[]): E;
}

export interface DeliveryDependencies<E> {
  readonly s3: S3Client;
  readonly checkpoints: CheckpointStore;
  readonly invoke: (event: E) => Promise<unknown>;
  readonly signal: AbortSignal;
  readonly observer?: PollerObserver;
  /** Delay before retrying a failed batch, by attempt. */
  readonly retryDelayMs?: (attempt: number) => number;
}

/**
 * A buffered record and where the checkpoint goes once it is handled: past the record itself and
 * past any records after it that a filter dropped.
 */
export interface Entry<R> {
  readonly record: R;
  checkpoint: string;
  /** Records dropped by a filter between this record and the next. */
  skipped: number;
}

export const entryOf = <R extends DeliverableRecord>(record: R): Entry<R> => ({
  record,
  checkpoint: record.sequenceNumber,
  skipped: 0,
});

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  wait(ms, undefined, { signal }).catch(() => undefined);

type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** Delivers batches of one mapping the way Lambda does, whatever the stream. */
export class BatchDelivery<R extends DeliverableRecord, E> {
  constructor(
    private readonly settings: DeliverySettings,
    private readonly deps: DeliveryDependencies<E>,
    private readonly source: DeliverySource<R, E>,
  ) {}

  /** Reports records the filter criteria dropped (as they are read; they are checkpointed later). */
  filtered(shardId: string, records: number): void {
    if (records > 0) this.deps.observer?.onFilter?.({ mappingId: this.settings.id, shardId, records });
  }

  /** Checkpoints past records nothing is waiting for (e.g. all dropped by a filter). */
  skip(shardId: string, records: readonly R[]): void {
    const last = records.at(-1);
    if (!last) return;
    this.deps.checkpoints.set(this.settings.id, shardId, last.sequenceNumber);
    this.deps.observer?.onCheckpoint?.({
      mappingId: this.settings.id,
      shardId,
      sequenceNumber: last.sequenceNumber,
      iteratorAgeMs: Date.now() - (last.ageFromMs ?? last.arrivalMs),
      records: records.length,
    });
  }

  /** Delivers a batch until every record is handled or discarded; returns how many were. */
  async deliver(shardId: string, entries: readonly Entry<R>[]): Promise<number> {
    const { settings, deps } = this;
    let handled = 0;
    let retries = 0;
    let invocations = 0;
    const pending: (readonly Entry<R>[])[] = [entries];
    const finish = (part: readonly Entry<R>[]) => {
      const last = part.at(-1);
      if (!last) return;
      handled += part.length;
      retries = 0;
      invocations = 0;
      deps.checkpoints.set(settings.id, shardId, last.checkpoint);
      deps.observer?.onCheckpoint?.({
        mappingId: settings.id,
        shardId,
        sequenceNumber: last.checkpoint,
        // Counted like the maximum record age: DynamoDB Local's minute-rounded creation times would add up to a minute.
        iteratorAgeMs: Date.now() - (last.record.ageFromMs ?? last.record.arrivalMs),
        records: part.reduce((sum, entry) => sum + 1 + entry.skipped, 0),
      });
    };
    while (pending.length > 0) {
      let batch = pending[0] as readonly Entry<R>[];
      if (settings.maximumRecordAgeMs >= 0) {
        const now = Date.now();
        const expired = batch.filter(
          ({ record }) => now - (record.ageFromMs ?? record.arrivalMs) > settings.maximumRecordAgeMs,
        ).length;
        if (expired > 0) {
          await this.discard(shardId, batch.slice(0, expired), 'RecordAgeExceeded', invocations);
          finish(batch.slice(0, expired));
          batch = batch.slice(expired);
          if (batch.length === 0) {
            pending.shift();
            continue;
          }
          pending[0] = batch;
        }
      }
      invocations++;
      const records = batch.map((entry) => entry.record);
      const event = this.source.buildEvent(shardId, records);
      let outcome: BatchOutcome;
      try {
        const response = await deps.invoke(event);
        outcome = judgeResponse(
          records.map((record) => record.sequenceNumber),
          response,
          settings.reportBatchItemFailures,
        );
      } catch (error) {
        outcome = { kind: 'error', message: (error as Error).message };
      }
      deps.observer?.onInvoke?.({
        mappingId: settings.id,
        shardId,
        records: batch.length,
        outcome: outcome.kind,
      });
      if (outcome.kind === 'success') {
        finish(batch);
        pending.shift();
        continue;
      }
      let failing = batch;
      if (outcome.kind === 'partial') {
        finish(batch.slice(0, outcome.index));
        failing = batch.slice(outcome.index);
      } else if (settings.bisectBatchOnFunctionError && batch.length > 1) {
        // Splitting does not use up the retry quota.
        const half = Math.ceil(batch.length / 2);
        pending.splice(0, 1, batch.slice(0, half), batch.slice(half));
        continue;
      }
      retries++;
      if (settings.maximumRetryAttempts >= 0 && retries > settings.maximumRetryAttempts) {
        await this.discard(shardId, failing, 'RetryAttemptsExhausted', invocations, event);
        finish(failing);
        pending.shift();
        continue;
      }
      pending[0] = failing;
      if (deps.signal.aborted) return handled;
      await sleep(deps.retryDelayMs?.(retries) ?? Math.min(100 * 2 ** retries, 5_000), deps.signal);
      if (deps.signal.aborted) return handled;
    }
    return handled;
  }

  private async discard(
    shardId: string,
    entries: readonly Entry<R>[],
    condition: DiscardCondition,
    invocations: number,
    event?: E,
  ): Promise<void> {
    const first = entries[0]?.record;
    const last = entries.at(-1)?.record;
    if (!first || !last) return;
    const { settings, deps } = this;
    const bucket = settings.onFailureBucket;
    if (!bucket) {
      deps.observer?.onDiscard?.({ mappingId: settings.id, shardId, records: entries.length, condition });
      return;
    }
    const now = Date.now();
    const body = failureRecord(
      {
        shardId,
        streamArn: settings.streamArn,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecordMs: first.arrivalMs,
        approximateArrivalOfLastRecordMs: last.arrivalMs,
        batchSize: entries.length,
      },
      {
        functionArn: settings.functionArn,
        condition,
        approximateInvokeCount: invocations,
        ...(event ? { functionError: 'Unhandled' as const } : {}),
        nowMs: now,
      },
      event ??
        this.source.buildEvent(
          shardId,
          entries.map((entry) => entry.record),
        ),
      this.source.batchInfoKey,
    );
    const key = failureObjectKey(settings.uuid, shardId, now);
    await deps.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(body),
        ContentType: 'application/json',
      }),
    );
    deps.observer?.onDiscard?.({
      mappingId: settings.id,
      shardId,
      records: entries.length,
      condition,
      key,
    });
  }
}

/** Reads one shard in order; how depends on the stream. */
export interface ShardReader<R> {
  /** True once the shard is closed and every record in it has been read. */
  readonly exhausted: boolean;
  /** The next records (possibly none), at most `limit`. */
  read(limit: number): Promise<readonly R[]>;
}

export interface ShardBatchingOptions<R> {
  readonly batchSize: number;
  readonly maximumBatchingWindowMs: number;
  readonly signal: AbortSignal;
  /** Bytes a record adds to the invocation payload (for the 6 MB cap). */
  readonly payloadBytes: (record: R) => number;
  /** Filter criteria: records it rejects are checkpointed without invoking. */
  readonly accept?: (record: R) => boolean;
  /** Pause after an empty read; Lambda polls each shard about once a second. */
  readonly idlePollMs?: number;
}

/** How a shard's run ended: read to the end of a closed shard, or stopped by the signal. */
export type ShardEnd = 'drained' | 'stopped';

/** Takes the next batch off the buffer: at most BatchSize records and (beyond one) at most 6 MB. */
export const takeBatch = <R>(
  buffer: readonly Entry<R>[],
  batchSize: number,
  payloadBytes: (record: R) => number,
): Entry<R>[] => {
  const batch: Entry<R>[] = [];
  let bytes = 0;
  for (const entry of buffer) {
    const size = payloadBytes(entry.record);
    if (batch.length >= batchSize || (batch.length > 0 && bytes + size > MAX_PAYLOAD_BYTES)) break;
    batch.push(entry);
    bytes += size;
  }
  return batch;
};

/**
 * Runs one shard: buffers what the reader returns, cuts batches when BatchSize or the payload cap is
 * reached, the batching window has passed or the shard is closed, and delivers them one at a time.
 */
export const runShardBatches = async <R extends DeliverableRecord, E>(
  shardId: string,
  reader: ShardReader<R>,
  delivery: BatchDelivery<R, E>,
  options: ShardBatchingOptions<R>,
): Promise<ShardEnd> => {
  const { batchSize, maximumBatchingWindowMs, signal, payloadBytes, accept } = options;
  let buffer: Entry<R>[] = [];
  let bufferBytes = 0;
  let windowOpenedAt = 0;
  while (!signal.aborted) {
    let fetched = 0;
    if (!reader.exhausted && buffer.length < batchSize && bufferBytes < MAX_PAYLOAD_BYTES) {
      const records = await reader.read(Math.min(10_000, batchSize - buffer.length));
      const droppedAhead: R[] = [];
      let dropped = 0;
      for (const record of records) {
        fetched++;
        if (accept && !accept(record)) {
          dropped++;
          const last = buffer.at(-1);
          if (last) {
            last.checkpoint = record.sequenceNumber;
            last.skipped++;
          } else droppedAhead.push(record);
          continue;
        }
        if (buffer.length === 0) windowOpenedAt = Date.now();
        buffer.push(entryOf(record));
        bufferBytes += payloadBytes(record);
      }
      delivery.filtered(shardId, dropped);
      delivery.skip(shardId, droppedAhead);
    }
    const windowDone = Date.now() - windowOpenedAt >= maximumBatchingWindowMs;
    const full = buffer.length >= batchSize || bufferBytes >= MAX_PAYLOAD_BYTES;
    if (buffer.length === 0 || (!full && !windowDone && !reader.exhausted)) {
      if (reader.exhausted && buffer.length === 0) return 'drained';
      if (fetched === 0) await sleep(options.idlePollMs ?? 200, signal);
      continue;
    }
    const batch = takeBatch(buffer, batchSize, payloadBytes);
    const done = await delivery.deliver(shardId, batch);
    buffer = buffer.slice(done);
    bufferBytes = buffer.reduce((sum, entry) => sum + payloadBytes(entry.record), 0);
    windowOpenedAt = Date.now();
    if (done < batch.length) return 'stopped'; // stopped while retrying: the checkpoint marks where to resume
  }
  return 'stopped';
};
