import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, type LocalClients, localClients } from '../../infra/local/clients.ts';
import type { PollerObserver } from '../../infra/local/esm/batch-delivery.ts';
import { CheckpointStore } from '../../infra/local/esm/checkpoints.ts';
import {
  type DynamoDbStreamInvoke,
  DynamoDbStreamMappingPoller,
} from '../../infra/local/esm/dynamodb-stream-poller.ts';
import type { DynamoDbStreamMappingSettings } from '../../infra/local/esm/settings.ts';
import { startDynamoDb } from '../../infra/local/servers/dynamodb-server.ts';
import type { LocalServer } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { startS3 } from '../../infra/local/servers/s3-server.ts';
import { eventually } from './support/local-cloud-fixture.ts';

const ACCOUNT = '000000000000';
const BUCKET = 'ddb-failures';

let dynamo: LocalServer;
let s3: LocalServer;
let clients: LocalClients;
let scratch: string;
let tableCount = 0;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ddb-stream-mapping-'));
  dynamo = await startDynamoDb(await freePort());
  s3 = await startS3(await freePort(), join(scratch, 's3'));
  clients = localClients({ kinesis: 'http://127.0.0.1:9', dynamodb: dynamo.endpoint, s3: s3.endpoint });
  await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  await dynamo?.stop();
  await s3?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A fresh table with a NEW_AND_OLD_IMAGES stream, keyed by `pk`. */
const createTable = async (): Promise<string> => {
  const name = `rollups-${++tableCount}`;
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  return name;
};

const put = (table: string, pk: string, rollup: string, count: number) =>
  clients.dynamodb.send(
    new PutItemCommand({
      TableName: table,
      Item: { pk: { S: pk }, rollup: { S: rollup }, count: { N: String(count) } },
    }),
  );

const increment = (table: string, pk: string) =>
  clients.dynamodb.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { pk: { S: pk } },
      UpdateExpression: 'ADD #count :one',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':one': { N: '1' } },
    }),
  );

const settingsFor = (
  table: string,
  overrides: Partial<DynamoDbStreamMappingSettings> = {},
): DynamoDbStreamMappingSettings => ({
  id: `Fanout${table.replace(/\W/g, '')}Mapping`,
  uuid: '00000000-0000-4000-8000-0000000000dd',
  eventCountMetrics: false,
  functionName: 'streamlake-FanoutFunction',
  functionArn: `arn:aws:lambda:${LOCAL_REGION}:${ACCOUNT}:function:streamlake-FanoutFunction`,
  streamArn: `arn:aws:dynamodb:${LOCAL_REGION}:${ACCOUNT}:table/${table}/stream/local`,
  tableName: table,
  batchSize: 100,
  maximumBatchingWindowMs: 0,
  startingPosition: 'TRIM_HORIZON',
  reportBatchItemFailures: false,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeMs: -1,
  parallelizationFactor: 1,
  enabled: true,
  filterPatterns: [],
  ...overrides,
});

interface Run {
  events: DynamoDBStreamEvent[];
  handled: number;
  filtered: number;
  discarded: { records: number; condition: string; key?: string }[];
}

/** Runs a poller until `done` holds, then stops it the way Ctrl-C does. */
const runUntil = async (
  settings: DynamoDbStreamMappingSettings,
  handler: (event: DynamoDBStreamEvent) => Promise<unknown> | unknown,
  done: (run: Run) => boolean,
  checkpoints = new CheckpointStore(),
): Promise<Run> => {
  const run: Run = { events: [], handled: 0, filtered: 0, discarded: [] };
  const controller = new AbortController();
  const observer: PollerObserver = {
    onCheckpoint: (info) => {
      run.handled += info.records;
    },
    onFilter: (info) => {
      run.filtered += info.records;
    },
    onDiscard: (info) => {
      run.discarded.push(info);
    },
  };
  const invoke: DynamoDbStreamInvoke = async (event) => {
    run.events.push(structuredClone(event));
    return handler(event);
  };
  const poller = new DynamoDbStreamMappingPoller(settings, {
    streams: clients.dynamodbStreams,
    dynamodb: clients.dynamodb,
    s3: clients.s3,
    checkpoints,
    invoke,
    region: LOCAL_REGION,
    signal: controller.signal,
    observer,
    idlePollMs: 50,
    describeIntervalMs: 500,
    retryDelayMs: () => 10,
  });
  const running = poller.run();
  try {
    await eventually(() => done(run), 30_000, 'the mapping to get through the stream');
  } finally {
    controller.abort();
    await running;
  }
  return run;
};

const records = (run: Run): DynamoDBRecord[] => run.events.flatMap((event) => event.Records);
const keyOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S;

describe('the local DynamoDB-stream event source mapping', () => {
  it('delivers INSERT then MODIFY, in order, in the shape Lambda delivers', async () => {
    // Prepare
    const table = await createTable();
    await put(table, 'a', 'page_views', 1);
    await put(table, 'b', 'page_views', 1);
    await increment(table, 'a');
    const apiArn = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table
      ?.LatestStreamArn;

    // Act
    const run = await runUntil(
      settingsFor(table),
      () => undefined,
      (r) => r.handled >= 3,
    );

    // Assess
    const delivered = records(run);
    expect(delivered.map((r) => [r.eventName, keyOf(r)])).toEqual([
      ['INSERT', 'a'],
      ['INSERT', 'b'],
      ['MODIFY', 'a'],
    ]);
    const sequenceNumbers = delivered.map((r) => r.dynamodb?.SequenceNumber ?? '');
    expect([...sequenceNumbers].sort()).toEqual(sequenceNumbers);
    const streamArn = apiArn?.replace(':ddblocal:', `:${LOCAL_REGION}:`);
    expect(streamArn).toMatch(
      new RegExp(`^arn:aws:dynamodb:${LOCAL_REGION}:${ACCOUNT}:table/${table}/stream/`),
    );
    const modify = delivered[2];
    expect(modify).toEqual({
      eventID: expect.any(String),
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: LOCAL_REGION,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'a' } },
        NewImage: { pk: { S: 'a' }, rollup: { S: 'page_views' }, count: { N: '2' } },
        OldImage: { pk: { S: 'a' }, rollup: { S: 'page_views' }, count: { N: '1' } },
        SequenceNumber: sequenceNumbers[2],
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: streamArn,
    });
    const created = modify?.dynamodb?.ApproximateCreationDateTime ?? 0;
    expect(Number.isInteger(created)).toBe(true);
    expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(120); // epoch seconds, not ms
    expect(delivered[0]?.dynamodb).not.toHaveProperty('OldImage');
  });

  it('applies filter criteria before invoking and checkpoints the records it drops', async () => {
    // Prepare
    const table = await createTable();
    await put(table, 'a', 'page_views', 1); // INSERT: dropped
    await put(table, 'b', 'purchases', 1); // INSERT: dropped
    await increment(table, 'a'); // MODIFY page_views: delivered
    await increment(table, 'b'); // MODIFY purchases: dropped
    await put(table, 'c', 'page_views', 5); // INSERT: dropped
    const checkpoints = new CheckpointStore();
    const settings = settingsFor(table, {
      filterPatterns: [
        JSON.stringify({ eventName: ['MODIFY'], dynamodb: { NewImage: { rollup: { S: ['page_views'] } } } }),
      ],
    });

    // Act
    const run = await runUntil(
      settings,
      () => undefined,
      (r) => r.handled >= 5,
      checkpoints,
    );

    // Assess
    expect(records(run).map((r) => [r.eventName, keyOf(r)])).toEqual([['MODIFY', 'a']]);
    expect(run.filtered).toBe(4);
    expect(run.handled).toBe(5);
  });

  it('retries from the record a ReportBatchItemFailures response names by SequenceNumber', async () => {
    // Prepare
    const table = await createTable();
    for (const pk of ['a', 'b', 'c', 'd', 'e']) await put(table, pk, 'page_views', 1);
    let failedOnce = false;
    const handler = (event: DynamoDBStreamEvent): DynamoDBBatchResponse => {
      const third = event.Records.find((r) => keyOf(r) === 'c');
      if (failedOnce || !third) return { batchItemFailures: [] };
      failedOnce = true;
      return { batchItemFailures: [{ itemIdentifier: third.dynamodb?.SequenceNumber ?? '' }] };
    };

    // Act
    const run = await runUntil(
      settingsFor(table, { reportBatchItemFailures: true }),
      handler,
      (r) => r.handled >= 5,
    );

    // Assess
    expect(run.events.map((event) => event.Records.map(keyOf).join(''))).toEqual(['abcde', 'cde']);
    expect(run.discarded).toEqual([]);
  });

  it('sends a record that always fails to the S3 on-failure destination as DDBStreamBatchInfo, and the rest flows', async () => {
    // Prepare
    const table = await createTable();
    for (const pk of ['a', 'b', 'c', 'd', 'e', 'f']) await put(table, pk, 'page_views', 1);
    const succeeded: string[] = [];
    const handler = (event: DynamoDBStreamEvent) => {
      if (event.Records.some((r) => keyOf(r) === 'd')) throw new Error('cannot handle d');
      succeeded.push(...event.Records.map((r) => keyOf(r) ?? ''));
    };
    const settings = settingsFor(table, {
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 1,
      onFailureBucket: BUCKET,
      onFailureDestinationArn: `arn:aws:s3:::${BUCKET}`,
    });

    // Act
    const run = await runUntil(settings, handler, (r) => r.handled >= 6);

    // Assess
    expect(run.events.map((event) => event.Records.map(keyOf).join(''))).toEqual([
      'abcdef',
      'abc',
      'def',
      'de',
      'd',
      'd',
      'e',
      'f',
    ]);
    expect(succeeded.sort()).toEqual(['a', 'b', 'c', 'e', 'f']);
    expect(run.discarded).toHaveLength(1);
    const key = run.discarded[0]?.key ?? '';
    expect(key).toMatch(
      new RegExp(`^aws/lambda/${settings.uuid}/shardId-[\\w-]+/\\d{4}/\\d{2}/\\d{2}/\\d{4}-\\d{2}-\\d{2}T`),
    );
    const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: key }));
    expect(listed.KeyCount).toBe(1);
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const record = JSON.parse((await object.Body?.transformToString()) ?? '{}');
    const failed = records(run).find((r) => keyOf(r) === 'd');
    const sequenceNumber = failed?.dynamodb?.SequenceNumber;
    expect(record).toMatchObject({
      requestContext: {
        functionArn: settings.functionArn,
        condition: 'RetryAttemptsExhausted',
        // Since the last checkpoint (after abc): def, de (bisected), then d twice (1 retry).
        approximateInvokeCount: 4,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      DDBStreamBatchInfo: {
        shardId: key.split('/')[3],
        startSequenceNumber: sequenceNumber,
        endSequenceNumber: sequenceNumber,
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        batchSize: 1,
        streamArn: failed?.eventSourceARN,
      },
    });
    expect(record).not.toHaveProperty('KinesisBatchInfo');
    const payload = JSON.parse(record.payload) as DynamoDBStreamEvent;
    expect(payload.Records.map(keyOf)).toEqual(['d']);
  });

  it('resumes after a restart from the checkpoint file, without redelivering', async () => {
    // Prepare
    const table = await createTable();
    const file = join(scratch, `checkpoints-${table}.json`);
    for (const pk of ['a', 'b', 'c']) await put(table, pk, 'page_views', 1);
    const first = await runUntil(
      settingsFor(table),
      () => undefined,
      (r) => r.handled >= 3,
      new CheckpointStore(file),
    );
    await increment(table, 'b');
    await put(table, 'd', 'page_views', 1);

    // Act
    const second = await runUntil(
      settingsFor(table),
      () => undefined,
      (r) => r.handled >= 2,
      new CheckpointStore(file),
    );

    // Assess
    expect(records(first).map((r) => `${r.eventName} ${keyOf(r)}`)).toEqual([
      'INSERT a',
      'INSERT b',
      'INSERT c',
    ]);
    expect(records(second).map((r) => `${r.eventName} ${keyOf(r)}`)).toEqual(['MODIFY b', 'INSERT d']);
  });

  it('starts at LATEST when the mapping says so, skipping what was written before', async () => {
    // Prepare
    const table = await createTable();
    await put(table, 'old', 'page_views', 1);
    let started = false;
    const settings = settingsFor(table, { startingPosition: 'LATEST' });

    // Act
    const run = await runUntil(
      settings,
      () => undefined,
      (r) => {
        if (!started) {
          started = true;
          setTimeout(() => void put(table, 'new', 'page_views', 1), 1_000);
        }
        return r.handled >= 1;
      },
    );

    // Assess
    expect(records(run).map(keyOf)).toEqual(['new']);
  });
});
