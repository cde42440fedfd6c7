import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand as ScanItems } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localKinesisClient } from '../../infra/local/clients.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { type KinesisServer, startKinesis } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';

const HOUR_MS = 3_600_000;

describe("the local stream trimmed to its retention period (kinesalite's LevelDB)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlake-retention-'));
  let server: KinesisServer;
  beforeAll(async () => {
    // Only asked trims: the periodic one, on the real clock, would find nothing old enough anyway.
    server = await startKinesis(await freePort(), dir, { trimEveryMs: 0 });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes records older than 24 hours even once read, and keeps the younger ones readable', async () => {
    // Prepare: 200 records, read once from the start as a consumer keeping up would.
    const kinesis = localKinesisClient(server.endpoint);
    const StreamName = 'events';
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName });
    await kinesis.send(
      new PutRecordsCommand({
        StreamName,
        Records: Array.from({ length: 200 }, (_, i) => ({
          Data: Buffer.from(`e${i}`),
          PartitionKey: `k${i}`,
        })),
      }),
    );
    const readAll = async () => {
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      return (await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }))).Records ?? [];
    };
    expect(await readAll()).toHaveLength(200);

    // Act + Assess: an hour on, nothing is old enough; a day and an hour on, all is gone from the store.
    expect(await server.trimExpired(Date.now() + HOUR_MS)).toBe(0);
    expect(await readAll()).toHaveLength(200);
    expect(await server.trimExpired(Date.now() + 25 * HOUR_MS)).toBe(200);
    expect(await readAll()).toHaveLength(0);
  });
});

describe('DynamoDB TTL in the local cloud, for every table the template gives TTL', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    // Only asked sweeps, so the test decides when one runs.
    cloud = await LocalCloud.start({ ttlSweepEveryMs: 0 });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('sweeps the Duplicates, rollups and derived tables: those the stack declares with a TTL attribute', () => {
    const swept = cloud.ttl.tables.map((table) => table.tableName);
    expect(swept).toContain(cloud.resources.rollupsTable.name);
    expect(swept.some((name) => name.includes('Duplicates'))).toBe(true);
    expect(cloud.ttl.tables.every((table) => table.attributeName === 'expiresAt')).toBe(true);
  });

  it('deletes an expired item, keeps an unexpired one, and, as DynamoDB, one whose expiry is not a recent number', async () => {
    // Prepare: four items in the Duplicates table (items of 15 minutes).
    const table = cloud.ttl.tables.find((t) => t.tableName.includes('Duplicates'));
    if (!table) throw new Error('no Duplicates table with TTL in the plan');
    const nowSeconds = Math.floor(Date.now() / 1000);
    const items = {
      expired: nowSeconds - 60,
      unexpired: nowSeconds + 3_600,
      notANumber: String(nowSeconds - 60),
      sixYearsAgo: nowSeconds - 6 * 365 * 86_400,
    };
    for (const [name, expiresAt] of Object.entries(items)) {
      await cloud.clients.documents.send(
        new PutCommand({ TableName: table.tableName, Item: { pk: `ttl-test#${name}`, sk: 'x', expiresAt } }),
      );
    }
    const left = async () =>
      ((await cloud.clients.dynamodb.send(new ScanItems({ TableName: table.tableName }))).Items ?? [])
        .map((item) => item.pk?.S)
        .sort();
    // Act
    const deleted = await cloud.ttl.sweep();

    // Assess: the expired item is gone. (DynamoDB Local may remove one itself under load, in a background pass
    // of its own between the put and the sweep; the sweeper's own work is shown below, on an item only it
    // can see as expired.)
    expect(deleted).toBeLessThanOrEqual(1);
    expect(await left()).toEqual(['ttl-test#notANumber', 'ttl-test#sixYearsAgo', 'ttl-test#unexpired']);
    // Once its expiry passes, the unexpired one goes too.
    expect(await cloud.ttl.sweep(Date.now() + 2 * HOUR_MS)).toBe(1);
    expect(await left()).toEqual(['ttl-test#notANumber', 'ttl-test#sixYearsAgo']);
  });
});
