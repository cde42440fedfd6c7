import {
  type AttributeDefinition,
  type BillingMode,
  CreateTableCommand,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type ProvisionedThroughput,
  ResourceInUseException,
  type StreamSpecification,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  ResourceInUseException as StreamInUseException,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { asError } from '../../../processors/shared/errors.ts';
import type { LocalClients } from '../clients.ts';
import type { BucketPlan, CloudPlan, StreamPlan, TablePlan, TopicPlan } from '../template.ts';
import { ttlAttributeOf } from '../ttl/ttl-tables.ts';

export interface ProvisionOptions {
  /** Shards given to an on-demand stream, which declares no shard count. */
  readonly onDemandShards: number;
}

/** What a new Kinesis stream keeps, and the shortest period it accepts. */
const DEFAULT_RETENTION_HOURS = 24;

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
  await applyRetention(stream, clients);
};

/**
 * Gives the stream its declared retention period, as a stack update would: the local stream deletes
 * records past it as Kinesis does (servers/kinesis-retention.mjs).
 */
const applyRetention = async (stream: StreamPlan, clients: LocalClients) => {
  const declared = stream.retentionHours ?? DEFAULT_RETENTION_HOURS;
  const { StreamDescriptionSummary: summary } = await clients.kinesis.send(
    new DescribeStreamSummaryCommand({ StreamName: stream.name }),
  );
  const current = summary?.RetentionPeriodHours ?? DEFAULT_RETENTION_HOURS;
  if (declared === current) return;
  const change = { StreamName: stream.name, RetentionPeriodHours: declared };
  await clients.kinesis.send(
    declared > current
      ? new IncreaseStreamRetentionPeriodCommand(change)
      : new DecreaseStreamRetentionPeriodCommand(change),
  );
};

/** CreateTable's input from the table's declared properties; a declared stream is always enabled. */
const createTableCommand = (table: TablePlan) => {
  const p = table.properties;
  return new CreateTableCommand({
    TableName: table.name,
    KeySchema: p.KeySchema as KeySchemaElement[],
    AttributeDefinitions: p.AttributeDefinitions as AttributeDefinition[],
    // CloudFormation's default is PROVISIONED, which then needs ProvisionedThroughput; a table declaring neither
    // is taken as on demand, as before.
    BillingMode:
      (p.BillingMode as BillingMode | undefined) ??
      (p.ProvisionedThroughput ? 'PROVISIONED' : 'PAY_PER_REQUEST'),
    // Provisioned tables (D36) carry their starting units; DynamoDB Local records them and never throttles. Auto
    // scaling's targets and policies have no local counterpart: nothing scales here.
    ...(p.ProvisionedThroughput
      ? { ProvisionedThroughput: p.ProvisionedThroughput as ProvisionedThroughput }
      : {}),
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
  // DynamoDB Local records the setting but deletes nothing itself: the local TTL sweeper does (ttl/).
  const ttlAttribute = ttlAttributeOf(table);
  if (ttlAttribute) {
    await ignoreExisting(
      () =>
        clients.dynamodb.send(
          new UpdateTimeToLiveCommand({
            TableName: table.name,
            TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
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
