import { setTimeout as wait } from 'node:timers/promises';
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import { judgeResponse } from './batch-outcome.ts';
import type { CheckpointStore } from './checkpoints.ts';
import { failureObjectKey, failureRecord } from './failure-record.ts';
import { kinesisEvent, type PolledRecord, payloadBytesOf, toPolledRecord } from './kinesis-event.ts';
import { MAX_PAYLOAD_BYTES, type StreamMappingSettings } from './settings.ts';

export type Invoke = (event: KinesisStreamEvent) => Promise<unknown>;

/** What the poller reports as it goes; the local cloud turns these into progress and metrics. */
export interface PollerObserver {
  onInvoke?(info: { mappingId: string; shardId: string; records: number; outcome: string }): void;
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
}

export interface PollerDependencies {
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  readonly checkpoints: CheckpointStore;
  readonly invoke: Invoke;
  readonly region: string;
  readonly roleArn: string;
  readonly signal: AbortSignal;
  readonly observer?: PollerObserver;
  /** Pause after an empty GetRecords; Lambda polls each shard about once a second. */
  readonly idlePollMs?: number;
  /** Delay before retrying a failed batch, by attempt. */
  readonly retryDelayMs?: (attempt: number) => number;
}

/** Waits `ms`, or less when `signal` aborts; never rejects. */
const sleep = (ms: number, signal?: AbortSignal) => wait(ms, undefined, { signal }).catch(() => undefined);

/**
 * Emulates one Kinesis event source mapping: per shard, in order, one batch at a time, with the
 * batching window, payload cap, partial-failure checkpointing, bisection, retry limit, record
 * age limit and on-failure destination that Lambda applies.
 */
export class KinesisMappingPoller {
  constructor(
    private readonly settings: StreamMappingSettings,
    private readonly deps: PollerDependencies,
  ) {
    if (settings.parallelizationFactor !== 1) {
      throw new Error(
        `mapping ${settings.id}: ParallelizationFactor ${settings.parallelizationFactor} is not emulated locally; use 1`,
      );
    }
  }

  async run(): Promise<void> {
    const listed = await this.deps.kinesis.send(
      new ListShardsCommand({ StreamName: this.settings.streamName }),
    );
    await Promise.all((listed.Shards ?? []).map((shard) => this.runShard(shard.ShardId ?? '')));
  }

  private async iteratorFor(shardId: string, after?: string): Promise<string | undefined> {
    const position = after ?? this.deps.checkpoints.get(this.settings.id, shardId);
    const input: GetShardIteratorCommandInput = position
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: position, ShardId: shardId }
      : this.settings.startingPosition === 'AT_TIMESTAMP'
        ? {
            ShardIteratorType: 'AT_TIMESTAMP',
            Timestamp: new Date(this.settings.startingPositionTimestamp ?? 0),
            ShardId: shardId,
          }
        : { ShardIteratorType: this.settings.startingPosition, ShardId: shardId };
    const result = await this.deps.kinesis.send(
      new GetShardIteratorCommand({ ...input, StreamName: this.settings.streamName }),
    );
    return result.ShardIterator;
  }

  private async runShard(shardId: string): Promise<void> {
    const { batchSize, maximumBatchingWindowMs } = this.settings;
    const { signal } = this.deps;
    let iterator = await this.iteratorFor(shardId);
    let buffer: PolledRecord[] = [];
    let bufferBytes = 0;
    let windowOpenedAt = 0;
    while (!signal.aborted) {
      let fetched = 0;
      if (iterator && buffer.length < batchSize && bufferBytes < MAX_PAYLOAD_BYTES) {
        try {
          const result = await this.deps.kinesis.send(
            new GetRecordsCommand({
              ShardIterator: iterator,
              Limit: Math.min(10_000, batchSize - buffer.length),
            }),
          );
          iterator = result.NextShardIterator;
          for (const record of result.Records ?? []) {
            const polled = toPolledRecord(record);
            if (buffer.length === 0) windowOpenedAt = Date.now();
            buffer.push(polled);
            bufferBytes += payloadBytesOf(polled);
            fetched++;
          }
        } catch (error) {
          if (!(error instanceof ExpiredIteratorException)) throw error;
          iterator = await this.iteratorFor(shardId, buffer.at(-1)?.sequenceNumber);
          continue;
        }
      }
      const windowDone = Date.now() - windowOpenedAt >= maximumBatchingWindowMs;
      const full = buffer.length >= batchSize || bufferBytes >= MAX_PAYLOAD_BYTES;
      if (buffer.length === 0 || (!full && !windowDone && iterator)) {
        if (!iterator && buffer.length === 0) return; // shard closed and drained
        if (fetched === 0) await sleep(this.deps.idlePollMs ?? 200, signal);
        continue;
      }
      const batch = this.takeBatch(buffer);
      const done = await this.deliver(shardId, batch);
      buffer = buffer.slice(done);
      bufferBytes = buffer.reduce((sum, record) => sum + payloadBytesOf(record), 0);
      windowOpenedAt = Date.now();
      if (done < batch.length) return; // stopped while retrying: the checkpoint marks where to resume
    }
  }

  private takeBatch(buffer: readonly PolledRecord[]): PolledRecord[] {
    const batch: PolledRecord[] = [];
    let bytes = 0;
    for (const record of buffer) {
      const size = payloadBytesOf(record);
      if (batch.length >= this.settings.batchSize || (batch.length > 0 && bytes + size > MAX_PAYLOAD_BYTES))
        break;
      batch.push(record);
      bytes += size;
    }
    return batch;
  }

  /** Delivers a batch until every record is handled or discarded; returns how many were. */
  private async deliver(shardId: string, records: PolledRecord[]): Promise<number> {
    const { settings, deps } = this;
    let handled = 0;
    let retries = 0;
    let invocations = 0;
    const pending: PolledRecord[][] = [records];
    const finish = (part: readonly PolledRecord[]) => {
      const last = part.at(-1);
      if (!last) return;
      handled += part.length;
      retries = 0;
      invocations = 0;
      deps.checkpoints.set(settings.id, shardId, last.sequenceNumber);
      deps.observer?.onCheckpoint?.({
        mappingId: settings.id,
        shardId,
        sequenceNumber: last.sequenceNumber,
        iteratorAgeMs: Date.now() - last.arrivalMs,
        records: part.length,
      });
    };
    while (pending.length > 0) {
      let batch = pending[0] as PolledRecord[];
      if (settings.maximumRecordAgeMs >= 0) {
        const now = Date.now();
        const expired = batch.filter((record) => now - record.arrivalMs > settings.maximumRecordAgeMs).length;
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
      const event = kinesisEvent(settings, shardId, deps.region, deps.roleArn, batch);
      let outcome: ReturnType<typeof judgeResponse>;
      try {
        const response = await deps.invoke(event);
        outcome = judgeResponse(
          batch.map((record) => record.sequenceNumber),
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
    records: readonly PolledRecord[],
    condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded',
    invocations: number,
    event?: KinesisStreamEvent,
  ): Promise<void> {
    const first = records[0];
    const last = records.at(-1);
    if (!first || !last) return;
    const bucket = this.settings.onFailureBucket;
    if (!bucket) {
      this.deps.observer?.onDiscard?.({
        mappingId: this.settings.id,
        shardId,
        records: records.length,
        condition,
      });
      return;
    }
    const now = Date.now();
    const body = failureRecord(
      {
        shardId,
        streamArn: this.settings.streamArn,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecordMs: first.arrivalMs,
        approximateArrivalOfLastRecordMs: last.arrivalMs,
        batchSize: records.length,
      },
      {
        functionArn: this.settings.functionArn,
        condition,
        approximateInvokeCount: invocations,
        ...(event ? { functionError: 'Unhandled' as const } : {}),
        nowMs: now,
      },
      event ?? kinesisEvent(this.settings, shardId, this.deps.region, this.deps.roleArn, records),
    );
    const key = failureObjectKey(this.settings.uuid, shardId, now);
    await this.deps.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(body),
        ContentType: 'application/json',
      }),
    );
    this.deps.observer?.onDiscard?.({
      mappingId: this.settings.id,
      shardId,
      records: records.length,
      condition,
      key,
    });
  }
}
