import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { localDynamoDbClient, localKinesisClient } from '../../infra/local/clients.ts';
import {
  type DynamoDbExitReport,
  type DynamoDbServer,
  startDynamoDb,
} from '../../infra/local/servers/dynamodb-server.ts';
import { type KinesisServer, startKinesis } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { compareSequence } from '../../processors/shared/sequence.ts';
import { eventually } from './support/local-cloud-fixture.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** pids of DynamoDB Local JVMs listening on `port` (this test's, not other tests'). */
const dynamoDbJvms = (port: number): number[] =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && new RegExp(`-port ${port}\\b`).test(line))
    .map((line) => Number(line.trim().split(/\s+/)[0]));

const portOf = (endpoint: string) => Number(new URL(endpoint).port);

/** pids of the watchdogs (see dynamodb-jvm.ts) guarding the JVM `pid`: each waits to signal it. */
const watchdogsOf = (pid: number): number[] =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('read line') && line.includes(`kill -TERM ${pid} `))
    .map((line) => Number(line.trim().split(/\s+/)[0]));

/** A table `items` holding one item, written before the fault. */
const tableWithOneItem = async (server: DynamoDbServer) => {
  const dynamodb = localDynamoDbClient(server.endpoint);
  await dynamodb.send(
    new CreateTableCommand({
      TableName: 'items',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await waitUntilTableExists(
    { client: dynamodb, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 },
    { TableName: 'items' },
  );
  await dynamodb.send(
    new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'kept' }, n: { N: '42' } } }),
  );
  return dynamodb;
};

describe('DynamoDB Local whose JVM is killed under a running cloud', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'streamlake-server-restarts-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('with a data folder: is started again on the same port and data, reported once; stop() does not restart it', async () => {
    // Prepare
    const reports: DynamoDbExitReport[] = [];
    const server = await startDynamoDb(await freePort(), join(scratch, 'dynamodb'), {
      onExit: (report) => reports.push(report),
    });
    const port = portOf(server.endpoint);
    try {
      const dynamodb = await tableWithOneItem(server);
      const killed = server.pid ?? 0;
      expect(dynamoDbJvms(port)).toEqual([killed]);

      // Act
      process.kill(killed, 'SIGKILL');
      await eventually(() => reports.length > 0, 60_000, 'DynamoDB Local reported restarted');

      // Assess
      expect(reports).toEqual([
        {
          outcome: 'restarted',
          restarts: 1,
          message: `DynamoDB Local exited (signal SIGKILL); restarted on 127.0.0.1:${port} with its data in ${join(scratch, 'dynamodb')}, restart 1`,
        },
      ]);
      expect(server.pid).not.toBe(killed);
      expect(dynamoDbJvms(port)).toEqual([server.pid]);
      // The new JVM is guarded as the first was (its watchdog's SIGKILL of the parent is start-command.test.ts's).
      expect(watchdogsOf(server.pid ?? 0)).toHaveLength(1);
      expect(watchdogsOf(killed)).toEqual([]);
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'kept' } } }),
      );
      expect(Item?.n?.N).toBe('42');
    } finally {
      await server.stop();
    }
    // Longer than the wait before a second restart (1 s): a stop that restarted it would show by now.
    await sleep(1_500);
    expect(dynamoDbJvms(port)).toEqual([]);
    expect(reports).toHaveLength(1);
  });

  it('in memory: is not restarted (its tables would come back empty), and says so', async () => {
    // Prepare
    const reports: DynamoDbExitReport[] = [];
    const server = await startDynamoDb(await freePort(), undefined, {
      onExit: (report) => reports.push(report),
    });
    const port = portOf(server.endpoint);
    const dynamodb = localDynamoDbClient(server.endpoint);
    await dynamodb.send(new ListTablesCommand({}));

    // Act
    process.kill(server.pid ?? 0, 'SIGKILL');
    await eventually(() => reports.length > 0, 10_000, 'DynamoDB Local reported not restarted');
    await sleep(1_000);

    // Assess
    expect(reports).toEqual([
      {
        outcome: 'not-restarted',
        restarts: 0,
        message: expect.stringMatching(
          /^DynamoDB Local exited \(signal SIGKILL\); not restarted: it kept its tables in memory.*DynamoDB calls fail from now on/,
        ),
      },
    ]);
    expect(dynamoDbJvms(port)).toEqual([]);
    await expect(dynamodb.send(new ListTablesCommand({}))).rejects.toThrow(/ECONNREFUSED/);
    await server.stop();
  });
});

describe('Kinesis (kinesalite) restarted in place', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlake-kinesis-restart-'));
  let server: KinesisServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its streams, records and sequence numbers, and takes new records after', async () => {
    // Prepare
    server = await startKinesis(await freePort(), dir, { trimEveryMs: 0 });
    const kinesis = localKinesisClient(server.endpoint);
    const StreamName = 'events';
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
    await waitUntilStreamExists(
      { client: kinesis, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 },
      { StreamName },
    );
    const put = async (prefix: string) =>
      (
        await kinesis.send(
          new PutRecordsCommand({
            StreamName,
            Records: Array.from({ length: 50 }, (_, i) => ({
              Data: Buffer.from(`${prefix}${i}`),
              PartitionKey: `k${i}`,
            })),
          }),
        )
      ).Records?.map((record) => record.SequenceNumber ?? '') ?? [];
    const before = await put('before-');
    const iteratorFromStart = async () =>
      (
        await kinesis.send(
          new GetShardIteratorCommand({
            StreamName,
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
    const readFrom = async (ShardIterator: string | undefined) => {
      const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
      return Records.map((record) => `${Buffer.from(record.Data ?? []).toString()}@${record.SequenceNumber}`);
    };
    const readAll = async () => readFrom(await iteratorFromStart());
    // A poller holds shard iterators across the restart; a client holds connections, which the restart ends.
    const heldIterator = await iteratorFromStart();
    const connection = connect(portOf(server.endpoint), '127.0.0.1');
    const connectionEnded = new Promise((resolve) => connection.once('close', () => resolve('closed')));

    // Act: a trim asked during the restart waits for it.
    const restarted = server.restart();
    const trimmed = server.trimExpired();
    await restarted;

    // Assess
    expect(await Promise.race([connectionEnded, sleep(3_000).then(() => 'still open')])).toBe('closed');
    expect(await trimmed).toBe(0);
    const kept = before.map((sequence, i) => `before-${i}@${sequence}`);
    expect(await readAll()).toEqual(kept);
    expect(await readFrom(heldIterator)).toEqual(kept);
    const after = await put('after-');
    expect(after).toHaveLength(50);
    expect(compareSequence(after[0] ?? '', before.at(-1) ?? '')).toBeGreaterThan(0);
    expect(await readAll()).toHaveLength(100);
  });
});
