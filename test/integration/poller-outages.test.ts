import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, describe, expect, it } from 'vitest';
import { AwsJsonWire, KINESIS_JSON } from '../../infra/local/aws-json-wire.ts';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClients,
} from '../../infra/local/clients.ts';
import type { PollerObserver } from '../../infra/local/esm/batch-delivery.ts';
import { CheckpointStore } from '../../infra/local/esm/checkpoints.ts';
import { DynamoDbStreamMappingPoller } from '../../infra/local/esm/dynamodb-stream-poller.ts';
import { KinesisMappingPoller } from '../../infra/local/esm/kinesis-poller.ts';
import type { DynamoDbStreamMappingSettings, StreamMappingSettings } from '../../infra/local/esm/settings.ts';
import { type DynamoDbExitReport, startDynamoDb } from '../../infra/local/servers/dynamodb-server.ts';
import { startKinesis } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { eventually } from './support/local-cloud-fixture.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nothing listens here: these pollers never give up a batch, so they never write to S3. */
const NO_SERVER = 'http://127.0.0.1:9';

/**
 * A Kinesis client as the local cloud's, but making one attempt per call: a restart can be short enough
 * for the SDK's own retries to hide it, and it is the poller's riding out of it that is tested here.
 */
const withoutSdkRetries = (endpoint: string) =>
  new KinesisClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true } }),
  });

/** What a poller told of the service calls it retried, and the outage lines it wrote. */
const watchRetries = () => {
  const seen = { retries: 0, errors: new Set<string>(), lines: [] as string[] };
  const observer: PollerObserver = {
    onServiceRetry: (retry) => {
      seen.retries++;
      seen.errors.add(retry.error.replace(/:\d+$/, ''));
    },
  };
  return { seen, observer, log: (line: string) => void seen.lines.push(line) };
};

/** Every value, with how often it occurs, for exact comparisons of what was delivered. */
const counted = (values: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
};

/** Everything a Kinesis stream holds, read from the start of each shard. */
const streamContents = async (kinesis: KinesisClient, StreamName: string): Promise<string[]> => {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName }));
  const contents: string[] = [];
  for (const { ShardId } of Shards) {
    let { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    for (let page = 0; page < 100; page++) {
      const read = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
      const records = read.Records ?? [];
      if (records.length === 0) break;
      contents.push(...records.map((record) => Buffer.from(record.Data ?? []).toString()));
      ShardIterator = read.NextShardIterator;
    }
  }
  return contents;
};

const kinesisMapping = (StreamName: string): StreamMappingSettings => ({
  id: 'EventsMapping',
  uuid: '00000000-0000-4000-8000-0000000000a1',
  functionName: 'streamlake-Aggregator',
  functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:streamlake-Aggregator`,
  streamArn: `arn:aws:kinesis:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stream/${StreamName}`,
  streamName: StreamName,
  batchSize: 100,
  maximumBatchingWindowMs: 0,
  startingPosition: 'TRIM_HORIZON',
  reportBatchItemFailures: false,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeMs: -1,
  parallelizationFactor: 1,
  enabled: true,
  eventCountMetrics: false,
});

const fanoutMapping = (tableName: string): DynamoDbStreamMappingSettings => ({
  id: 'FanoutMapping',
  uuid: '00000000-0000-4000-8000-0000000000a2',
  functionName: 'streamlake-Fanout',
  functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:streamlake-Fanout`,
  streamArn: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${tableName}/stream/local`,
  tableName,
  batchSize: 100,
  maximumBatchingWindowMs: 0,
  startingPosition: 'TRIM_HORIZON',
  reportBatchItemFailures: false,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeMs: -1,
  parallelizationFactor: 1,
  enabled: true,
  eventCountMetrics: false,
  filterPatterns: [],
});

describe('stream pollers riding out an outage of their stream', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'streamlake-poller-outages-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('a Kinesis poller delivers every record once across two restarts of the Kinesis server', async () => {
    // Prepare
    const server = await startKinesis(await freePort(), join(scratch, 'kinesis'), { trimEveryMs: 0 });
    const { kinesis } = localClients({ kinesis: server.endpoint, dynamodb: NO_SERVER, s3: NO_SERVER });
    const StreamName = 'events';
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 2 }));
    await waitUntilStreamExists(
      { client: kinesis, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 },
      { StreamName },
    );
    const delivered: string[] = [];
    const { seen, observer, log } = watchRetries();
    const controller = new AbortController();
    // GetRecords on the wire, as the local cloud reads it (aws-json-wire.ts); the other calls through the SDK.
    const wire = new AwsJsonWire(server.endpoint, KINESIS_JSON);
    const running = new KinesisMappingPoller(kinesisMapping(StreamName), {
      kinesis: withoutSdkRetries(server.endpoint),
      kinesisWire: wire,
      s3: {} as S3Client,
      checkpoints: new CheckpointStore(),
      invoke: async (event) => {
        delivered.push(
          ...event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString()),
        );
      },
      region: LOCAL_REGION,
      roleArn: '',
      signal: controller.signal,
      observer,
      log,
      idlePollMs: 20,
    }).run();
    // A producer putting all along; a put the restart cuts off is not retried (it may have been stored).
    let producing = true;
    let sent = 0;
    const accepted: string[] = [];
    const producer = (async () => {
      for (let batch = 0; producing && batch < 1_000; batch++) {
        const ids = Array.from({ length: 20 }, () => `event-${sent++}`);
        const put = kinesis.send(
          new PutRecordsCommand({
            StreamName,
            Records: ids.map((id) => ({ Data: Buffer.from(id), PartitionKey: id })),
          }),
        );
        const result = await put.catch(() => undefined);
        result?.Records?.forEach((entry, i) => {
          if (!entry.ErrorCode) accepted.push(ids[i] ?? '');
        });
        await sleep(20);
      }
    })();

    try {
      // Act
      // Retries counted before the first restart, between the two, and after the second.
      const retriesSoFar: number[] = [];
      for (let restart = 0; restart < 2; restart++) {
        await sleep(700);
        retriesSoFar.push(seen.retries);
        await server.restart();
      }
      await sleep(700);
      retriesSoFar.push(seen.retries);
      producing = false;
      await producer;
      const stored = await streamContents(kinesis, StreamName);
      await eventually(() => delivered.length >= stored.length, 15_000, 'every stored record delivered');
      await sleep(300); // a record delivered twice would show by now

      // Assess
      // Each restart really cut the poller off: it retried after each one.
      const [beforeFirst = 0, betweenThem = 0, afterSecond = 0] = retriesSoFar;
      expect(betweenThem).toBeGreaterThan(beforeFirst);
      expect(afterSecond).toBeGreaterThan(betweenThem);
      expect([...seen.errors].some((error) => /ECONNREFUSED|ECONNRESET|socket hang up/.test(error))).toBe(
        true,
      );
      expect(accepted.length).toBeGreaterThan(500);
      expect(stored).toEqual(expect.arrayContaining(accepted));
      expect(counted(delivered)).toEqual(counted(stored));
    } finally {
      producing = false;
      controller.abort();
      await producer;
      await running;
      wire.destroy();
      await server.stop();
    }
  });

  it('a DynamoDB stream poller delivers every item written before, during and after DynamoDB Local is killed and restarted', async () => {
    // Prepare
    const reports: DynamoDbExitReport[] = [];
    const server = await startDynamoDb(await freePort(), join(scratch, 'dynamodb'), {
      onExit: (report) => reports.push(report),
    });
    const clients = localClients({ kinesis: NO_SERVER, dynamodb: server.endpoint, s3: NO_SERVER });
    const TableName = 'rollups';
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await waitUntilTableExists(
      { client: clients.dynamodb, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 },
      { TableName },
    );
    const delivered: string[] = [];
    const { seen, observer, log } = watchRetries();
    const controller = new AbortController();
    const running = new DynamoDbStreamMappingPoller(fanoutMapping(TableName), {
      streams: clients.dynamodbStreams,
      dynamodb: clients.dynamodb,
      s3: {} as S3Client,
      checkpoints: new CheckpointStore(),
      invoke: async (event) => {
        delivered.push(...event.Records.map((record) => record.dynamodb?.Keys?.pk?.S ?? ''));
      },
      region: LOCAL_REGION,
      signal: controller.signal,
      observer,
      log,
      idlePollMs: 50,
      describeIntervalMs: 500,
    }).run();
    const written: string[] = [];
    const write = (keys: readonly string[]) => writeEach(clients.dynamodb, TableName, keys, written);

    try {
      await write(['before-0', 'before-1', 'before-2']);
      await eventually(() => delivered.length >= 3, 10_000, 'the items written before delivered');

      // Act: the writes issued while the JVM is dead are refused until its restart, then accepted.
      process.kill(server.pid ?? 0, 'SIGKILL');
      const refusedDuring = await write(['during-0', 'during-1', 'during-2']);
      await write(['after-0', 'after-1', 'after-2']);
      await eventually(() => delivered.length >= written.length, 15_000, 'every item delivered');
      // The last retried call may answer a moment after the items it did not carry were delivered.
      await eventually(() => seen.lines.length >= 2, 15_000, 'the outage logged as ended');
      await sleep(300); // a record delivered twice would show by now

      // Assess
      expect(reports.map((report) => report.outcome)).toEqual(['restarted']);
      expect(refusedDuring).toBeGreaterThan(0);
      expect(written).toHaveLength(9);
      expect(delivered).toEqual(written);
      expect(seen.retries).toBeGreaterThan(0);
      expect(seen.errors).toContain('Error: connect ECONNREFUSED 127.0.0.1');
      // A JVM restart takes seconds: the outage is logged once as it starts and once when it ends.
      expect(seen.lines).toHaveLength(2);
      const [started, ended] = seen.lines;
      const operation =
        /^mapping FanoutMapping: (DynamoDB (?:Streams )?\w+) failing for \d+\.\d s \(.+\); retrying until it answers$/.exec(
          started ?? '',
        )?.[1];
      expect(operation, started).toBeDefined();
      expect(ended).toMatch(
        new RegExp(`^mapping FanoutMapping: ${operation} answering again after \\d+\\.\\d s$`),
      );
    } finally {
      controller.abort();
      await running;
      await server.stop();
    }
  });
});

/**
 * Puts an item per key, in order, each retried until DynamoDB Local accepts it (at most 60 s each);
 * resolves to how many puts it refused.
 */
const writeEach = async (
  dynamodb: DynamoDBClient,
  TableName: string,
  keys: readonly string[],
  written: string[],
): Promise<number> => {
  let refused = 0;
  for (const key of keys) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const put = dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: key } } }));
      if (
        await put.then(
          () => true,
          () => false,
        )
      )
        break;
      refused++;
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not accept item ${key} within 60 s`);
      await sleep(200);
    }
    written.push(key);
  }
  return refused;
};
