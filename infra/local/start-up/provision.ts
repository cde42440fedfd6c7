import {
  type AttributeDefinition,
  type BillingMode,
  CreateTableCommand,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ResourceInUseException,
  type StreamSpecification,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  ResourceInUseException as StreamInUseException,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { asError } from '../../../processors/shared/errors.ts';
import type { LocalClients } from '../clients.ts';
import type { BucketPlan, CloudPlan, StreamPlan, TablePlan, TopicPlan } from '../template.ts';

export interface ProvisionOptions {
  /** Shards given to an on-demand stream, which declares no shard count. */
  readonly onDemandShards: number;
}

const ignoreExisting = async (create: () => Promise<unknown>, isExisting: (error: unknown) => boolean) => {
  try {
    await create();
  } catch (error) {
    if (!isExisting(error)) throw error;
  }
};

const createStream = async (stream: StreamPlan, clients: LocalClients, options: ProvisionOptions) => {
  await ignoreExisting(
    () =>
      clients.kinesis.send(
        new CreateStreamCommand({
          StreamName: stream.name,
          ShardCount: stream.shardCount ?? options.onDemandShards,
        }),
      ),
    (error) => error instanceof StreamInUseException,
  );
  await waitUntilStreamExists({ client: clients.kinesis, maxWaitTime: 30 }, { StreamName: stream.name });
};

/** CreateTable's input from the table's declared properties; a declared stream is always enabled. */
const createTableCommand = (table: TablePlan) => {
  const p = table.properties;
  return new CreateTableCommand({
    TableName: table.name,
    KeySchema: p.KeySchema as KeySchemaElement[],
    AttributeDefinitions: p.AttributeDefinitions as AttributeDefinition[],
    BillingMode: (p.BillingMode as BillingMode | undefined) ?? 'PAY_PER_REQUEST',
    ...(p.StreamSpecification
      ? {
          StreamSpecification: {
            ...(p.StreamSpecification as StreamSpecification),
            StreamEnabled: true,
          },
        }
      : {}),
    ...(p.GlobalSecondaryIndexes
      ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as GlobalSecondaryIndex[] }
      : {}),
  });
};

const createTable = async (table: TablePlan, clients: LocalClients) => {
  await ignoreExisting(
    () => clients.dynamodb.send(createTableCommand(table)),
    (error) => error instanceof ResourceInUseException,
  );
  await waitUntilTableExists({ client: clients.dynamodb, maxWaitTime: 30 }, { TableName: table.name });
  const ttl = table.properties.TimeToLiveSpecification as
    | { AttributeName?: string; Enabled?: boolean }
    | undefined;
  if (ttl?.Enabled && ttl.AttributeName) {
    await ignoreExisting(
      () =>
        clients.dynamodb.send(
          new UpdateTimeToLiveCommand({
            TableName: table.name,
            TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
          }),
        ),
      (error) => /already enabled/i.test(asError(error).message),
    );
  }
};

const createTopic = async (topic: TopicPlan, clients: LocalClients) => {
  if (!clients.sns)
    throw new Error(`the template declares SNS topic ${topic.logicalId}, but no local SNS server runs`);
  await clients.sns.send(new CreateTopicCommand({ Name: topic.name }));
};

const createBucket = async (bucket: BucketPlan, clients: LocalClients) => {
  await ignoreExisting(
    () => clients.s3.send(new CreateBucketCommand({ Bucket: bucket.name })),
    (error) => ['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(asError(error).name),
  );
};

/** Creates on the local servers what the plan declares; what already exists is kept, with its data. */
export const provision = async (
  plan: CloudPlan,
  clients: LocalClients,
  options: ProvisionOptions,
): Promise<void> => {
  for (const stream of plan.streams) await createStream(stream, clients, options);
  for (const table of plan.tables) await createTable(table, clients);
  for (const topic of plan.topics) await createTopic(topic, clients);
  for (const bucket of plan.buckets) await createBucket(bucket, clients);
};
