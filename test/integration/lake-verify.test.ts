import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLakeObjects } from '../../commands/lake/lake-writer.ts';
import { expectedRollups } from '../../commands/verify/ground-truth-rollups.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/clients.ts';
import { startDynamoDb } from '../../infra/local/servers/dynamodb-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { partitionKeyOf, sampleEvents } from './support/events.ts';

const REPO = join(import.meta.dirname, '..', '..');
const TABLE = 'streamlake-rollups';
const events = sampleEvents(120, Date.parse('2026-11-22T05:30:00Z'));

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
  writeFileSync(
    join(stateDir, 'ground-truth.jsonl'),
    events
      .map((event, i) =>
        JSON.stringify({
          shardId: 'shardId-000000000000',
          sequenceNumber: String(100 + i),
          partitionKey: partitionKeyOf(event),
          event,
        }),
      )
      .join('\n'),
  );
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
  it('passes when ground truth, DynamoDB and the lake agree', () => {
    const result = verify();
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^no differences across \d+ rollup items/);
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
        `^${pk?.replace(/[/#.]/g, '\\$&')} ${sk} count: ground truth (\\d+), DynamoDB \\d+, lake \\1\\n`,
      ),
    );
    expect(result.stdout).toMatch(/1 difference across \d+ rollup items/);
  });
});
