import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { AwsJsonWire } from '../aws-json-wire.ts';
import { BatchDelivery, type PollerObserver } from './batch-delivery.ts';
import type { CheckpointStore } from './checkpoints.ts';
import {
  kinesisEvent,
  type PolledRecord,
  payloadBytesOf,
  polledFromWire,
  toPolledRecord,
  type WireRecord,
} from './kinesis-event.ts';
import { type CallService, ServiceCalls, type ServiceCallsDependencies } from './service-calls.ts';
import type { StreamMappingSettings } from './settings.ts';
import { runShardBatches, type ShardReader } from './shard-batches.ts';
import { untilStopped } from './transient-errors.ts';

export type { PollerObserver } from './batch-delivery.ts';

export type Invoke = (event: KinesisStreamEvent) => Promise<unknown>;

export interface PollerDependencies extends ServiceCallsDependencies {
  readonly kinesis: KinesisClient;
  /**
   * GetRecords straight on the wire to the same server, when given: record data stays base64 from the server's
   * JSON to the function's event, with none of the SDK's decoding and re-encoding (the local cloud's hot path).
   */
  readonly kinesisWire?: AwsJsonWire;
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

/** How long one GetRecords on the wire may take before it is given up and retried. */
const GET_RECORDS_TIMEOUT_MS = 30_000;

/**
 * Reads a Kinesis shard from its checkpoint (or the starting position), surviving expired iterators and
 * retrying through throttling and outages with the same iterator (Kinesis keeps it valid for 5 minutes).
 */
class KinesisShardReader implements ShardReader<PolledRecord> {
  private iterator: string | undefined;
  private started = false;
  private lastRead: string | undefined;

  constructor(
    private readonly settings: StreamMappingSettings,
    private readonly kinesis: KinesisClient,
    private readonly checkpoints: CheckpointStore,
    private readonly shardId: string,
    private readonly callService: CallService,
    private readonly wire?: AwsJsonWire,
  ) {}

  get exhausted(): boolean {
    return this.started && !this.iterator;
  }

  private async iteratorFor(after?: string): Promise<string | undefined> {
    const position = after ?? this.checkpoints.get(this.settings.id, this.shardId);
    const input: GetShardIteratorCommandInput = position
      ? {
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          StartingSequenceNumber: position,
          ShardId: this.shardId,
        }
      : this.settings.startingPosition === 'AT_TIMESTAMP'
        ? {
            ShardIteratorType: 'AT_TIMESTAMP',
            Timestamp: new Date(this.settings.startingPositionTimestamp ?? 0),
            ShardId: this.shardId,
          }
        : { ShardIteratorType: this.settings.startingPosition, ShardId: this.shardId };
    const result = await this.callService('Kinesis GetShardIterator', () =>
      this.kinesis.send(new GetShardIteratorCommand({ ...input, StreamName: this.settings.streamName })),
    );
    return result.ShardIterator;
  }

  /** Gets the first iterator; the shard loop reads only after this. */
  async open(): Promise<void> {
    this.iterator = await this.iteratorFor();
    this.started = true;
  }

  async read(limit: number): Promise<readonly PolledRecord[]> {
    for (;;) {
      const iterator = this.iterator;
      if (!iterator) return [];
      try {
        const { records, next } = await this.callService('Kinesis GetRecords', () =>
          this.getRecords(iterator, limit),
        );
        this.iterator = next;
        this.lastRead = records.at(-1)?.sequenceNumber ?? this.lastRead;
        return records;
      } catch (error) {
        if ((error as { name?: unknown }).name !== 'ExpiredIteratorException') throw error;
        // Everything read so far is buffered or checkpointed: resume right after it.
        this.iterator = await this.iteratorFor(this.lastRead);
      }
    }
  }

  private async getRecords(
    iterator: string,
    limit: number,
  ): Promise<{ records: PolledRecord[]; next: string | undefined }> {
    if (this.wire) {
      const page = await this.wire.call<{ Records?: WireRecord[]; NextShardIterator?: string }>(
        'GetRecords',
        { ShardIterator: iterator, Limit: limit },
        // A server that accepts and never finishes its answer would hold the shard (and the stop) for good: the
        // timeout's abort is transient, so the call is retried with the same iterator.
        AbortSignal.timeout(GET_RECORDS_TIMEOUT_MS),
      );
      return { records: (page.Records ?? []).map(polledFromWire), next: page.NextShardIterator };
    }
    const page = await this.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    return { records: (page.Records ?? []).map(toPolledRecord), next: page.NextShardIterator };
  }
}

/**
 * Emulates one Kinesis event source mapping: per shard, in order, one batch at a time, with the
 * batching window, payload cap, partial-failure checkpointing, bisection, retry limit, record
 * age limit and on-failure destination that Lambda applies (see batch-delivery.ts, shard-batches.ts).
 */
export class KinesisMappingPoller {
  private readonly delivery: BatchDelivery<PolledRecord, KinesisStreamEvent>;
  private readonly callService: CallService;

  constructor(
    private readonly settings: StreamMappingSettings,
    private readonly deps: PollerDependencies,
  ) {
    if (settings.parallelizationFactor !== 1) {
      throw new Error(
        `mapping ${settings.id}: ParallelizationFactor ${settings.parallelizationFactor} is not emulated locally; use 1`,
      );
    }
    const calls = new ServiceCalls(settings.id, deps);
    this.callService = calls.bound(deps.signal);
    this.delivery = new BatchDelivery(
      settings,
      { ...deps, calls },
      {
        batchInfoKey: 'KinesisBatchInfo',
        buildEvent: (shardId, records) => kinesisEvent(settings, shardId, deps.region, deps.roleArn, records),
      },
    );
  }

  /**
   * Polls every shard until the signal aborts; the in-flight batch of each shard finishes and is
   * checkpointed first. Rejects if a shard fails for a reason other than those Lambda rides out.
   */
  async run(): Promise<void> {
    const listed = await untilStopped(
      this.callService('Kinesis ListShards', () =>
        this.deps.kinesis.send(new ListShardsCommand({ StreamName: this.settings.streamName })),
      ),
    );
    await Promise.all((listed?.Shards ?? []).map((shard) => this.runShard(shard.ShardId ?? '')));
  }

  private async runShard(shardId: string): Promise<void> {
    const { settings, deps } = this;
    const reader = new KinesisShardReader(
      settings,
      deps.kinesis,
      deps.checkpoints,
      shardId,
      this.callService,
      deps.kinesisWire,
    );
    const reading = async () => {
      await reader.open();
      return runShardBatches(shardId, reader, this.delivery, {
        batchSize: settings.batchSize,
        maximumBatchingWindowMs: settings.maximumBatchingWindowMs,
        signal: deps.signal,
        payloadBytes: payloadBytesOf,
        ...(deps.idlePollMs === undefined ? {} : { idlePollMs: deps.idlePollMs }),
      });
    };
    await untilStopped(reading());
  }
}
