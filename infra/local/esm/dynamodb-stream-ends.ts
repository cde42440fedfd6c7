import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';

/** DynamoDB stream sequence numbers are decimal strings of varying length: compared as numbers. */
export const streamSequenceAtOrPast = (checkpoint: string | undefined, sequenceNumber: string): boolean =>
  checkpoint !== undefined && BigInt(checkpoint) >= BigInt(sequenceNumber);

export interface StreamEndsClients {
  readonly dynamodb: DynamoDBClient;
  readonly dynamodbStreams: DynamoDBStreamsClient;
}

/**
 * The last record of each shard of a table's stream, through the Streams API: read from just after `from(shard)`
 * (a consumer's checkpoint, so only the tail is read) or from the shard's start. Shards with nothing past
 * their checkpoint are left out: that consumer has nothing to catch up on there.
 */
export const streamEnds = async (
  clients: StreamEndsClients,
  tableName: string,
  from: (shardId: string) => string | undefined = () => undefined,
): Promise<Map<string, string>> => {
  const streams = clients.dynamodbStreams;
  const table = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const StreamArn = table.Table?.LatestStreamArn;
  if (!StreamArn) throw new Error(`the table ${tableName} has no stream`);
  const shards: Shard[] = [];
  let ExclusiveStartShardId: string | undefined;
  do {
    const described = await streams.send(new DescribeStreamCommand({ StreamArn, ExclusiveStartShardId }));
    shards.push(...(described.StreamDescription?.Shards ?? []));
    ExclusiveStartShardId = described.StreamDescription?.LastEvaluatedShardId;
  } while (ExclusiveStartShardId);
  const ends = new Map<string, string>();
  for (const shard of shards) {
    const ShardId = shard.ShardId ?? '';
    const after = from(ShardId);
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand(
          after
            ? { StreamArn, ShardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
            : { StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' },
        ),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const last = page.Records?.at(-1)?.dynamodb?.SequenceNumber;
      if (!last) break;
      ends.set(ShardId, last);
      iterator = page.NextShardIterator;
    }
  }
  return ends;
};
