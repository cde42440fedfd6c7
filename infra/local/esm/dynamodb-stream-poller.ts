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
import {
  BatchDelivery,
  type PollerObserver,
  runShardBatches,
  type ShardEnd,
  type ShardReader,
  sleep,
} from './batch-delivery.ts';
import type { CheckpointStore } from './checkpoints.ts';
import {
  dynamoDbStreamEvent,
  type PolledStreamRecord,
  presentedStreamArn,
  toPolledStreamRecord,
} from './dynamodb-stream-event.ts';
import { compileFilterCriteria } from './event-filter.ts';
import type { DynamoDbStreamMappingSettings } from './settings.ts';

export type DynamoDbStreamInvoke = (event: DynamoDBStreamEvent) => Promise<unknown>;

export interface DynamoDbStreamPollerDependencies {
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

interface KnownShard {
  readonly id: string;
  readonly parentId?: string;
  /** Present at the mapping's first look at the stream: StartingPosition applies to it. */
  readonly initial: boolean;
  /** Had an ending sequence number (closed) when first seen. */
  readonly closedWhenSeen: boolean;
}

/** Reads a DynamoDB stream shard from its checkpoint (or its start), surviving expired iterators. */
class DynamoDbShardReader implements ShardReader<PolledStreamRecord> {
  private iterator: string | undefined;
  private started = false;
  private lastRead: string | undefined;

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly shardId: string,
    private readonly start: { after?: string; type: ShardIteratorType },
    private readonly context: { region: string; streamArn: string },
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
    return (await this.streams.send(new GetShardIteratorCommand(input))).ShardIterator;
  }

  async open(): Promise<void> {
    this.iterator = await this.iteratorFor(this.start.after, this.start.type);
    this.started = true;
  }

  async read(limit: number): Promise<readonly PolledStreamRecord[]> {
    for (;;) {
      if (!this.iterator) return [];
      try {
        const result = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: this.iterator, Limit: Math.min(GET_RECORDS_LIMIT, limit) }),
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
 * (batch-delivery.ts), plus what DynamoDB streams add: the stream is found from the table, shards
 * open and close over time and a child shard is read only once its parent is read to the end, and
 * FilterCriteria drop records before invoking.
 */
export class DynamoDbStreamMappingPoller {
  private readonly filter: ((record: unknown) => boolean) | undefined;

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
  }

  /** The stream's ARN as DynamoDB Local knows it (region `ddblocal`). */
  async streamArn(): Promise<string> {
    const { settings } = this;
    if (settings.streamArn && !PLACEHOLDER_LABEL.test(settings.streamArn)) return settings.streamArn;
    const table = await this.deps.dynamodb.send(new DescribeTableCommand({ TableName: settings.tableName }));
    const arn = table.Table?.LatestStreamArn;
    if (!arn || table.Table?.StreamSpecification?.StreamEnabled === false) {
      throw new Error(
        `mapping ${settings.id}: table ${settings.tableName} has no stream; the template must give it a StreamSpecification`,
      );
    }
    return arn;
  }

  private async describe(streamArn: string): Promise<{ shards: Shard[]; status?: StreamStatus }> {
    const shards: Shard[] = [];
    let status: StreamStatus | undefined;
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription: description } = await this.deps.streams.send(
        new DescribeStreamCommand({
          StreamArn: streamArn,
          ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}),
        }),
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
    const apiArn = await this.streamArn();
    // Stops every shard if one fails, so run() can report the failure.
    const controller = new AbortController();
    const stop = () => controller.abort();
    deps.signal.addEventListener('abort', stop, { once: true });
    if (deps.signal.aborted) controller.abort();
    const signal = controller.signal;
    const delivery = new BatchDelivery<PolledStreamRecord, DynamoDBStreamEvent>(
      { ...settings, streamArn: presentedStreamArn(apiArn, deps.region) },
      { ...deps, signal },
      { batchInfoKey: 'DDBStreamBatchInfo', buildEvent: (_, records) => dynamoDbStreamEvent(records) },
    );
    const known = new Map<string, KnownShard>();
    const running = new Map<string, Promise<void>>();
    const drained = new Set<string>();
    let failure: unknown;
    // Set when a shard is read to the end, so its children start without waiting for the next look.
    let woken = false;
    let wake: () => void = () => undefined;
    let initial = true;
    try {
      while (!signal.aborted) {
        woken = false;
        const { shards, status } = await this.describe(apiArn);
        for (const shard of shards) {
          const id = shard.ShardId;
          if (!id || known.has(id)) continue;
          known.set(id, {
            id,
            ...(shard.ParentShardId ? { parentId: shard.ParentShardId } : {}),
            initial,
            closedWhenSeen: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
          });
        }
        initial = false;
        for (const shard of known.values()) {
          if (running.has(shard.id) || drained.has(shard.id)) continue;
          // Lineage: a child waits until its parent is read to the end (a parent aged out of the stream
          // no longer appears in DescribeStream and holds no one up).
          if (shard.parentId && known.has(shard.parentId) && !drained.has(shard.parentId)) continue;
          const start = this.startOf(shard);
          if (start === 'skip') {
            drained.add(shard.id);
            woken = true;
            continue;
          }
          const runner = this.runShard(apiArn, shard.id, start, delivery, signal).then(
            (end) => {
              running.delete(shard.id);
              if (end === 'drained') {
                drained.add(shard.id);
                woken = true;
                wake();
              }
            },
            (error: unknown) => {
              failure ??= error;
              running.delete(shard.id);
              controller.abort();
            },
          );
          running.set(shard.id, runner);
        }
        if (status === 'DISABLED' && running.size === 0 && [...known.keys()].every((id) => drained.has(id))) {
          return;
        }
        if (woken) continue;
        // Look again after a while, or at once when a shard was read to the end (its children may start).
        await Promise.race([
          sleep(deps.describeIntervalMs ?? 5_000, signal),
          new Promise<void>((resolve) => {
            wake = resolve;
          }),
        ]);
      }
    } finally {
      controller.abort();
      await Promise.all(running.values());
      deps.signal.removeEventListener('abort', stop);
    }
    if (failure) throw failure;
  }

  /** Where a shard starts: its checkpoint; else StartingPosition for shards there from the start; else its beginning. */
  private startOf(shard: KnownShard): { after?: string; type: ShardIteratorType } | 'skip' {
    const after = this.deps.checkpoints.get(this.settings.id, shard.id);
    if (after) return { after, type: 'AFTER_SEQUENCE_NUMBER' };
    if (!shard.initial) return { type: 'TRIM_HORIZON' };
    if (this.settings.startingPosition === 'LATEST' && shard.closedWhenSeen) return 'skip';
    return { type: this.settings.startingPosition };
  }

  private async runShard(
    apiArn: string,
    shardId: string,
    start: { after?: string; type: ShardIteratorType },
    delivery: BatchDelivery<PolledStreamRecord, DynamoDBStreamEvent>,
    signal: AbortSignal,
  ): Promise<ShardEnd> {
    const { settings, deps } = this;
    const reader = new DynamoDbShardReader(deps.streams, apiArn, shardId, start, {
      region: deps.region,
      streamArn: presentedStreamArn(apiArn, deps.region),
    });
    await reader.open();
    const filter = this.filter;
    return runShardBatches(shardId, reader, delivery, {
      batchSize: settings.batchSize,
      maximumBatchingWindowMs: settings.maximumBatchingWindowMs,
      signal,
      payloadBytes: (record) => record.payloadBytes,
      ...(filter ? { accept: (record: PolledStreamRecord) => filter(record.record) } : {}),
      idlePollMs: deps.idlePollMs ?? 250,
    });
  }
}
