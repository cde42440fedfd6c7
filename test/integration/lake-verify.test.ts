import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, PutRecordsCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLakeObjects } from '../../commands/lake/lake-writer.ts';
import { expectedRollups } from '../../commands/verify/ground-truth-rollups.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localKinesisClient } from '../../infra/local/clients.ts';
import { startDynamoDb } from '../../infra/local/servers/dynamodb-server.ts';
import { startKinesis } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { partitionKeyOf, sampleEvents } from './support/events.ts';

const REPO = join(import.meta.dirname, '..', '..');
const TABLE = 'streamlake-rollups';
// Event times near now: the stream's arrival times judge lateness, as the consumers judge it.
const events = sampleEvents(120);

let stateDir: string;

/** DynamoDB Local on the saved state for the length of `use`, as the verify tool itself runs it. */
const withRollups = async (use: (documents: DynamoDBDocumentClient) => Promise<unknown>) => {
  const server = await startDynamoDb(await freePort(), join(stateDir, 'dynamodb'));
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    await use(DynamoDBDocumentClient.from(client));
  } finally {
    client.destroy();
    await server.stop();
  }
};

/** The events put into the stream `events` of the saved state (kinesalite keeps it in <stateDir>/kinesis). */
const putIntoSavedStream = async (put: typeof events) => {
  const server = await startKinesis(await freePort(), join(stateDir, 'kinesis'));
  const kinesis = localKinesisClient(server.endpoint);
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'events', ShardCount: 1 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30, minDelay: 1 }, { StreamName: 'events' });
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: 'events',
        Records: put.map((event) => ({
          Data: Buffer.from(JSON.stringify(event)),
          PartitionKey: partitionKeyOf(event),
        })),
      }),
    );
  } finally {
    kinesis.destroy();
    await server.stop();
  }
};

const verify = () =>
  spawnSync(process.execPath, ['--import', 'tsx', 'commands/verify/verify-cli.ts', '--state-dir', stateDir], {
    cwd: REPO,
    encoding: 'utf8',
  });

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'lake-verify-'));
  const s3Directory = join(stateDir, 's3');
  writeFileSync(
    join(stateDir, 'cloud.json'),
    JSON.stringify({ lakeBucket: 'lake-bucket', s3Directory, rollupsTable: TABLE, eventStream: 'events' }),
  );
  await putIntoSavedStream(events);
  await writeLakeObjects({ s3Directory, lakeBucket: 'lake-bucket' }, events, 'shardId-000000000000-100-219');
  // What a correct aggregator would have written: the naive recount, as DynamoDB items.
  await withRollups(async (documents) => {
    await documents.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (const [key, values] of expectedRollups(events)) {
      const [pk, sk] = key.split(' ');
      const item = {
        pk,
        sk,
        rollup: pk?.split('#')[0],
        hwm_shard: '219'.padStart(64, '0'),
        expiresAt: 1,
        ...values,
      };
      await documents.send(new PutCommand({ TableName: TABLE, Item: item }));
    }
  });
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('npm run verify', () => {
  it('passes when the stream, DynamoDB and the lake agree, and says what the stream held', () => {
    const result = verify();
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^no differences across \d+ rollup items \(stream, DynamoDB, lake\)/);
    expect(result.stdout).toContain(
      'stream 120 records, 120 events: 120 counted, 0 quarantined, 0 producer duplicates',
    );
    expect(result.status).toBe(0);
  });

  it('fails naming the item, the measure and the three values when one rollup is altered', async () => {
    const [pk, sk] = (expectedRollups(events).keys().next().value ?? '').split(' ');
    await withRollups((documents) =>
      documents.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk, sk },
          UpdateExpression: 'ADD #c :one',
          ExpressionAttributeNames: { '#c': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
    const result = verify();
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `^${pk?.replace(/[/#.]/g, '\\$&')} ${sk} count: stream (\\d+), DynamoDB \\d+, lake \\1 — DynamoDB counted twice\\n`,
      ),
    );
    expect(result.stdout).toMatch(/1 difference across \d+ rollup items/);
  });

  it('names events the lake holds twice', async () => {
    await writeLakeObjects(
      { s3Directory: join(stateDir, 's3'), lakeBucket: 'lake-bucket' },
      events.slice(0, 2),
      'shardId-000000000000-900-901',
    );
    const result = verify();
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/lake clickstream: 2 event_ids in 4 rows — stored twice \(e\.g\. /);
    expect(result.stdout).toContain('lake counted twice');
  });
});
