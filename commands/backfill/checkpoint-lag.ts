import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';

/** Reads the last sequence number a mapping has handled on a shard (infra/local/esm/checkpoints.ts). */
export interface Checkpoints {
  get(mappingId: string, shardId: string): string | undefined;
}

export interface CheckpointLagInput {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly checkpoints: Checkpoints;
  /** The mappings of the consumers that must have caught up: the aggregate's and the archive's. */
  readonly mappingIds: readonly string[];
  readonly nowMs: number;
}

/** Empty pages Kinesis may return before a shard's next record; bounded so a dead shard cannot hold us. */
const MAX_EMPTY_PAGES = 10;

const shardsOf = async (kinesis: KinesisClient, StreamName: string): Promise<Shard[]> => {
  const shards: Shard[] = [];
  let NextToken: string | undefined;
  do {
    const page = await kinesis.send(new ListShardsCommand(NextToken ? { NextToken } : { StreamName }));
    shards.push(...(page.Shards ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return shards;
};

/** When the first record a mapping has not yet handled on a shard arrived, or undefined when it has handled all. */
const firstPendingArrival = async (
  input: CheckpointLagInput,
  mappingId: string,
  ShardId: string,
): Promise<number | undefined> => {
  const done = input.checkpoints.get(mappingId, ShardId);
  let iterator = (
    await input.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: input.streamName,
        ShardId,
        ...(done
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: done }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    )
  ).ShardIterator;
  for (let page = 0; iterator && page < MAX_EMPTY_PAGES; page++) {
    const result = await input.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1 }));
    const arrival = result.Records?.[0]?.ApproximateArrivalTimestamp;
    if (arrival) return arrival.getTime();
    if (result.MillisBehindLatest === 0) return undefined;
    iterator = result.NextShardIterator;
  }
  return undefined;
};

/**
 * The local figure for Lambda's IteratorAge, taken at its source: how long the oldest record that the
 * aggregate or the archive mapping has not yet checkpointed has been in the stream (0 when both have
 * handled everything). Unlike the metric a checkpoint reports, it also grows while a consumer is stuck
 * or the cloud is stopped, and it reads the durable checkpoints, so it holds across processes.
 */
export const checkpointLagMs = async (input: CheckpointLagInput): Promise<number> => {
  let oldest: number | undefined;
  for (const shard of await shardsOf(input.kinesis, input.streamName)) {
    for (const mappingId of input.mappingIds) {
      const arrival = await firstPendingArrival(input, mappingId, shard.ShardId ?? '');
      if (arrival !== undefined && (oldest === undefined || arrival < oldest)) oldest = arrival;
    }
  }
  return oldest === undefined ? 0 : Math.max(0, input.nowMs - oldest);
};
