import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type Shard,
  type ShardIteratorType,
  type StreamStatus,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { BatchDelivery, type PollerObserver, sleep } from './batch-delivery.ts';
import type { CheckpointStore } from './checkpoints.ts';
import {
  dynamoDbStreamEvent,
  type PolledStreamRecord,
  presentedStreamArn,
  toPolledStreamRecord,
} from './dynamodb-stream-event.ts';
import { compileFilterCriteria } from './event-filter.ts';
import { type CallService, ServiceCalls, type ServiceCallsDependencies } from './service-calls.ts';
import type { DynamoDbStreamMappingSettings } from './settings.ts';
import { runShardBatches, type ShardEnd, type ShardReader } from './shard-batches.ts';
import { type KnownShard, ShardLineage } from './shard-lineage.ts';
import { untilStopped } from './transient-errors.ts';

export type DynamoDbStreamInvoke = (event: DynamoDBStreamEvent) => Promise<unknown>;

export interface DynamoDbStreamPollerDependencies extends ServiceCallsDependencies {
  readonly streams: DynamoDBStreamsClient;
  /** For DescribeTable, to find the table's stream when the mapping names it only by table. */
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly checkpoints: CheckpointStore;
  readonly invoke: DynamoDbStreamInvoke;
  /** The configured region; records and the stream ARN are presented with it, not `ddblocal`. */
  readonly region: string;
  readonly signal: AbortSignal;
  readonly observer?: PollerObserver;
  /** Pause after an empty GetRecords; Lambda polls each shard about four times a second. @default 250 */
  readonly idlePollMs?: number;
  /** Delay before retrying a failed batch, by attempt. */
  readonly retryDelayMs?: (attempt: number) => number;
  /** How often the stream is described again to find new shards. @default 5000 */
  readonly describeIntervalMs?: number;
}

/** DynamoDB Streams' GetRecords returns at most 1,000 records. */
const GET_RECORDS_LIMIT = 1_000;

/** The template resolves `Fn::GetAtt Table.StreamArn` to this placeholder label. */
const PLACEHOLDER_LABEL = /\/stream\/local$/;

type ShardStart = { after?: string; type: ShardIteratorType };

/** Set when a shard is read to the end, so its children start without waiting for the next look at the stream. */
class Wakeup {
  private woken = false;
  private resolve: () => void = () => undefined;

  get rung(): boolean {
    return this.woken;
  }

  reset(): void {
    this.woken = false;
  }

  ring(): void {
    this.woken = true;
    this.resolve();
  }

  /** Waits `ms`, or less when rung or `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    return Promise.race([
      sleep(ms, signal),
      new Promise<void>((resolve) => {
        this.resolve = resolve;
      }),
    ]);
  }
}

/** What every shard of one run of the poller shares. */
interface StreamRun {
  readonly apiArn: string;
  readonly delivery: BatchDelivery<PolledStreamRecord, DynamoDBStreamEvent>;
  readonly lineage: ShardLineage;
  readonly wakeup: Wakeup;
  readonly signal: AbortSignal;
  /** Service calls that stop, waiting to retry, when `signal` aborts. */
  readonly callService: CallService;
  /** A shard failed for a reason Lambda does not ride out: stop every shard and report it. */
  readonly fail: (error: unknown) => void;
}

/**
 * Reads a DynamoDB stream shard from its checkpoint (or its start), surviving expired iterators and
 * trimmed records, and retrying through throttling and outages with the same iterator.
 */
class DynamoDbShardReader implements ShardReader<PolledStreamRecord> {
  private iterator: string | undefined;
  private started = false;
  private lastRead: string | undefined;

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly shardId: string,
    private readonly start: ShardStart,
    private readonly context: { region: string; streamArn: string },
    private readonly callService: CallService,
  ) {}

  get exhausted(): boolean {
    return this.started && !this.iterator;
  }

  private async iteratorFor(after: string | undefined, type: ShardIteratorType): Promise<string | undefined> {
    const input: GetShardIteratorCommandInput = after
      ? {
          StreamArn: this.streamArn,
          ShardId: this.shardId,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          SequenceNumber: after,
        }
      : { StreamArn: this.streamArn, ShardId: this.shardId, ShardIteratorType: type };
    const result = await this.callService('DynamoDB Streams GetShardIterator', () =>
      this.streams.send(new GetShardIteratorCommand(input)),
    );
    return result.ShardIterator;
  }

  async open(): Promise<void> {
    this.iterator = await this.iteratorFor(this.start.after, this.start.type);
    this.started = true;
  }

  async read(limit: number): Promise<readonly PolledStreamRecord[]> {
    for (;;) {
      const iterator = this.iterator;
      if (!iterator) return [];
      try {
        const result = await this.callService('DynamoDB Streams GetRecords', () =>
          this.streams.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(GET_RECORDS_LIMIT, limit) }),
          ),
        );
        // A null NextShardIterator: the shard is closed and this was its last page.
        this.iterator = result.NextShardIterator;
        const readAtMs = Date.now();
        const records = (result.Records ?? []).map((record) =>
          toPolledStreamRecord(record, { ...this.context, readAtMs }),
        );
        this.lastRead = records.at(-1)?.sequenceNumber ?? this.lastRead;
        return records;
      } catch (error) {
        if (error instanceof ExpiredIteratorException) {
          // Everything read so far is buffered or checkpointed: resume right after it.
          this.iterator = await this.iteratorFor(this.lastRead ?? this.start.after, this.start.type);
        } else if (error instanceof TrimmedDataAccessException) {
          // The records after our position aged out of the stream (24 h): go on from the oldest left.
          this.iterator = await this.iteratorFor(undefined, 'TRIM_HORIZON');
        } else throw error;
      }
    }
  }
}

/**
 * Emulates one DynamoDB-stream event source mapping with the same delivery core as the Kinesis one
 * (batch-delivery.ts, shard-batches.ts), plus what DynamoDB streams add: the stream is found from the table, shards
 * open and close over time and a child shard is read only once its parent is read to the end, and
 * FilterCriteria drop records before invoking.
 */
export class DynamoDbStreamMappingPoller {
  private readonly filter: ((record: unknown) => boolean) | undefined;
  private readonly calls: ServiceCalls;

  constructor(
    private readonly settings: DynamoDbStreamMappingSettings,
    private readonly deps: DynamoDbStreamPollerDependencies,
  ) {
    if (settings.parallelizationFactor !== 1) {
      throw new Error(
        `mapping ${settings.id}: ParallelizationFactor ${settings.parallelizationFactor} is not emulated locally; use 1`,
      );
    }
    // Invalid patterns fail here, as CreateEventSourceMapping would.
    this.filter = compileFilterCriteria(settings.filterPatterns);
    this.calls = new ServiceCalls(settings.id, deps);
  }

  /** The stream's ARN as DynamoDB Local knows it (region `ddblocal`); RetryStopped if the signal aborts first. */
  async streamArn(): Promise<string> {
    const { settings, deps } = this;
    if (settings.streamArn && !PLACEHOLDER_LABEL.test(settings.streamArn)) return settings.streamArn;
    const table = await this.calls.call('DynamoDB DescribeTable', deps.signal, () =>
      deps.dynamodb.send(new DescribeTableCommand({ TableName: settings.tableName })),
    );
    const arn = table.Table?.LatestStreamArn;
    if (!arn || table.Table?.StreamSpecification?.StreamEnabled === false) {
      throw new Error(
        `mapping ${settings.id}: table ${settings.tableName} has no stream; the template must give it a StreamSpecification`,
      );
    }
    return arn;
  }

  private async describe(run: StreamRun): Promise<{ shards: Shard[]; status?: StreamStatus }> {
    const shards: Shard[] = [];
    let status: StreamStatus | undefined;
    let exclusiveStartShardId: string | undefined;
    do {
      const input = {
        StreamArn: run.apiArn,
        ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}),
      };
      const { StreamDescription: description } = await run.callService(
        'DynamoDB Streams DescribeStream',
        () => this.deps.streams.send(new DescribeStreamCommand(input)),
      );
      status = description?.StreamStatus;
      shards.push(...(description?.Shards ?? []));
      exclusiveStartShardId = description?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    return { shards, ...(status ? { status } : {}) };
  }

  /**
   * Polls until the signal aborts (or the stream is disabled and read to the end); the in-flight batch
   * of each shard finishes and is checkpointed first. Rejects if a shard fails for a reason other
   * than those Lambda rides out.
   */
  async run(): Promise<void> {
    const { settings, deps } = this;
    const apiArn = await untilStopped(this.streamArn());
    if (apiArn === undefined) return;
    // Stops every shard if one fails, so run() can report the failure.
    const controller = new AbortController();
    const stop = () => controller.abort();
    deps.signal.addEventListener('abort', stop, { once: true });
    if (deps.signal.aborted) controller.abort();
    const signal = controller.signal;
    let failure: unknown;
    const run: StreamRun = {
      apiArn,
      delivery: new BatchDelivery<PolledStreamRecord, DynamoDBStreamEvent>(
        { ...settings, streamArn: presentedStreamArn(apiArn, deps.region) },
        { ...deps, signal, calls: this.calls },
        { batchInfoKey: 'DDBStreamBatchInfo', buildEvent: (_, records) => dynamoDbStreamEvent(records) },
      ),
      lineage: new ShardLineage(),
      wakeup: new Wakeup(),
      signal,
      callService: this.calls.bound(signal),
      fail: (error) => {
        failure ??= error;
        controller.abort();
      },
    };
    try {
      await untilStopped(this.followStream(run));
    } finally {
      controller.abort();
      await Promise.all(run.lineage.running.values());
      deps.signal.removeEventListener('abort', stop);
    }
    if (failure) throw failure;
  }

  /**
   * Looks at the stream again and again, starting each shard as soon as it may be read, until the
   * signal aborts or the stream is disabled and read to the end.
   */
  private async followStream(run: StreamRun): Promise<void> {
    const { lineage, wakeup, signal } = run;
    while (!signal.aborted) {
      wakeup.reset();
      const { shards, status } = await this.describe(run);
      lineage.learn(shards);
      for (const shard of lineage.readable()) this.startShard(shard, run);
      if (status === 'DISABLED' && lineage.allDrained) return;
      if (wakeup.rung) continue;
      // Look again after a while, or at once when a shard was read to the end (its children may start).
      await wakeup.wait(this.deps.describeIntervalMs ?? 5_000, signal);
    }
  }

  /** Starts reading a shard (or skips it, per StartingPosition); its end may let its children start. */
  private startShard(shard: KnownShard, run: StreamRun): void {
    const { lineage, wakeup } = run;
    const start = this.startOf(shard);
    if (start === 'skip') {
      lineage.markDrained(shard.id);
      wakeup.ring();
      return;
    }
    const runner = untilStopped(this.runShard(run, shard.id, start)).then(
      (end) => {
        lineage.running.delete(shard.id);
        if (end === 'drained') {
          lineage.markDrained(shard.id);
          wakeup.ring();
        }
      },
      (error: unknown) => {
        lineage.running.delete(shard.id);
        run.fail(error);
      },
    );
    lineage.running.set(shard.id, runner);
  }

  /** Where a shard starts: its checkpoint; else StartingPosition for shards there from the start; else its beginning. */
  private startOf(shard: KnownShard): ShardStart | 'skip' {
    const after = this.deps.checkpoints.get(this.settings.id, shard.id);
    if (after) return { after, type: 'AFTER_SEQUENCE_NUMBER' };
    if (!shard.initial) return { type: 'TRIM_HORIZON' };
    if (this.settings.startingPosition === 'LATEST' && shard.closedWhenSeen) return 'skip';
    return { type: this.settings.startingPosition };
  }

  private async runShard(run: StreamRun, shardId: string, start: ShardStart): Promise<ShardEnd> {
    const { settings, deps } = this;
    const { apiArn } = run;
    const reader = new DynamoDbShardReader(
      deps.streams,
      apiArn,
      shardId,
      start,
      { region: deps.region, streamArn: presentedStreamArn(apiArn, deps.region) },
      run.callService,
    );
    await reader.open();
    const filter = this.filter;
    return runShardBatches(shardId, reader, run.delivery, {
      batchSize: settings.batchSize,
      maximumBatchingWindowMs: settings.maximumBatchingWindowMs,
      signal: run.signal,
      payloadBytes: (record) => record.payloadBytes,
      ...(filter ? { accept: (record: PolledStreamRecord) => filter(record.record) } : {}),
      idlePollMs: deps.idlePollMs ?? 250,
    });
  }
}
