import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DuckDBInstance } from '@duckdb/node-api';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoRun, runDemo } from '../../commands/start/run-demo.ts';
import { liveRecountSettings } from '../../commands/truth/recount-settings.ts';
import { verifyLocalCloud } from '../../commands/verify/verify-local.ts';
import { kinesisEvent, type PolledRecord } from '../../infra/local/esm/kinesis-event.ts';
import { classifyBatch } from '../../processors/shared/classify.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import { sampleEvents } from './support/events.ts';
import { rollupDifferences } from './support/expected-rollups.ts';
import { derivedValuesOf, expectedDerivedRollups } from './support/fanout-events.ts';
import { fanoutTargetsOf, runPipelineUntilCaughtUp, scanTable } from './support/fanout-pipeline.ts';
import { lakeBucketOf, readShards } from './support/local-cloud-fixture.ts';

describe('the lake after a demo-sized run through the local cloud', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-lake-'));
  let run: DemoRun;

  const lakeKeys = async () => {
    const listed = await run.cloud.clients.s3.send(
      new ListObjectsV2Command({ Bucket: lakeBucketOf(run.cloud), Prefix: 'lake/' }),
    );
    return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
  };

  beforeAll(async () => {
    // Prepare + Act: the demo itself, short: simulators → Kinesis → aggregate and archive.
    run = await runDemo(
      {
        rate: 1000,
        durationSeconds: 12,
        forever: false,
        seed: 3,
        devices: 20,
        poisonRate: 0.005,
        archiveWindowSeconds: 2,
        batchingWindowSeconds: 1,
        shards: 2,
        stateDir,
        fresh: true,
        basePort: 0,
      },
      new AbortController().signal,
    );
  });
  afterAll(async () => {
    await run?.cloud.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('has every accepted record in Parquet that DuckDB reads with the contract types', async () => {
    expect(run.drained).toBe(true);
    const keys = await lakeKeys();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys)
      expect(key).toMatch(
        /^lake\/(clickstream|telemetry)\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/shardId-\d+-\d+-\d+\.parquet$/,
      );
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const file = join(
      stateDir,
      's3',
      lakeBucketOf(run.cloud),
      keys.find((k) => k.includes('telemetry')) ?? '',
    );
    const described = (
      await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}._S3rver_object')`)
    ).getRowObjects();
    const types = Object.fromEntries(
      described.map((row) => [String(row.column_name), String(row.column_type)]),
    );
    expect(types).toMatchObject({
      event_time: 'TIMESTAMP',
      temperature: 'DOUBLE',
      device_id: 'VARCHAR',
      version: 'INTEGER',
    });
  });

  it('the archive quarantines the poison records with their reasons, as the aggregator does', async () => {
    const listed = await run.cloud.clients.s3.send(
      new ListObjectsV2Command({ Bucket: lakeBucketOf(run.cloud), Prefix: 'quarantine/' }),
    );
    const keys = (listed.Contents ?? []).map((object) => object.Key ?? '');
    const byConsumer = (consumer: string) => keys.filter((key) => key.split('/')[2] === consumer);
    const reasonsOf = async (consumer: string) => {
      const reasons: Record<string, number> = {};
      for (const Key of byConsumer(consumer)) {
        const object = await run.cloud.clients.s3.send(
          new GetObjectCommand({ Bucket: lakeBucketOf(run.cloud), Key }),
        );
        for (const line of ((await object.Body?.transformToString()) ?? '').split('\n').filter(Boolean)) {
          const { reason } = JSON.parse(line) as { reason: string };
          reasons[reason] = (reasons[reason] ?? 0) + 1;
        }
      }
      return reasons;
    };
    expect(run.producers.poisonSent).toBeGreaterThan(0);
    expect(await reasonsOf('archive')).toEqual(run.producers.poisonByKind);
    expect(await reasonsOf('aggregate')).toEqual(run.producers.poisonByKind);
  });

  it('verify finds no difference between the stream, DynamoDB and the lake, and says what the stream held', async () => {
    const report = await verifyLocalCloud(run.cloud, stateDir);
    expect(report.differences).toEqual([]);
    expect(report.items).toBeGreaterThan(50);
    // Records: web events arrive a batch record per collector request, devices' a batch per message (D36).
    const records = [...(await readShards(run.cloud)).values()].reduce((sum, shard) => sum + shard.length, 0);
    expect(report.stream).toEqual({
      read: records,
      accepted: run.producers.sent - run.producers.poisonSent,
      quarantined: run.producers.poisonByKind,
      producerDuplicates: 0,
    });
  });

  it('the fan-out’s hourly and daily rollups equal a recomputation from the events in the stream', async () => {
    // The accepted first copies, as the consumers judge them: read back from the stream itself.
    const { policy } = liveRecountSettings(run.cloud);
    const mapping = run.cloud.resources.mappings.aggregate;
    const shards = await readShards(run.cloud);
    const byId = new Map<string, StreamlakeEvent>();
    const lastPerShard = new Map<string, string>();
    for (const [shardId, records] of shards) {
      const delivered = kinesisEvent(mapping, shardId, 'us-east-1', 'arn:aws:iam::0:role/x', records);
      for (const { event } of classifyBatch(delivered.Records, policy).accepted)
        if (!byId.has(event.eventId)) byId.set(event.eventId, event);
      const last = records.at(-1);
      if (last) lastPerShard.set(shardId, last.sequenceNumber);
    }
    const fanout = await runPipelineUntilCaughtUp(run.cloud, lastPerShard, 90_000);
    expect(fanout.discarded).toEqual([]);
    const derived = derivedValuesOf(
      await scanTable(run.cloud, fanoutTargetsOf(run.cloud).derivedRollupsTable),
    );
    expect(rollupDifferences(expectedDerivedRollups([...byId.values()]), derived)).toEqual([]);
  });

  it('verify reports the item and measure when a rollup is altered', async () => {
    const report = await verifyLocalCloud(run.cloud, stateDir);
    const table = run.cloud.resources.rollupsTable.name;
    const [victim] = report.items > 0 ? [await firstPageViewItem()] : [];
    async function firstPageViewItem() {
      const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
      const page = await run.cloud.clients.documents.send(new ScanCommand({ TableName: table }));
      return (page.Items ?? []).find((item) => String(item.pk).startsWith('page_views#'));
    }
    if (!victim) throw new Error('no page_views item to alter');
    await run.cloud.clients.documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: victim.pk, sk: victim.sk },
        UpdateExpression: 'ADD #c :one',
        ExpressionAttributeNames: { '#c': 'count' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    const altered = await verifyLocalCloud(run.cloud, stateDir);
    expect(altered.differences).toHaveLength(1);
    expect(altered.differences[0]).toContain(`${victim.pk} ${victim.sk} count`);
  });
  it('a re-delivered batch spanning two hours rewrites the same two files, no duplicates', async () => {
    const before = await lakeKeys();
    const events = sampleEvents(20, Date.parse('2026-01-01T10:59:50.000Z'));
    events.forEach((event, i) => {
      event.eventTime = new Date(Date.parse('2026-01-01T10:59:50.000Z') + i * 1000).toISOString();
    });
    const records: PolledRecord[] = events.map((event, i) => ({
      sequenceNumber: String(10n ** 55n + BigInt(i)),
      partitionKey: 'k',
      data: Buffer.from(JSON.stringify(event)).toString('base64'),
      arrivalMs: Date.parse(event.eventTime) + 500,
    }));
    const mapping = run.cloud.resources.mappings.archive;
    const event = kinesisEvent(
      mapping,
      'shardId-000000000009',
      'us-east-1',
      'arn:aws:iam::000000000000:role/x',
      records,
    );
    const archive = run.cloud.localFunction(run.cloud.resources.functions.archive);
    const first = (await archive.invoke(event)) as KinesisStreamBatchResponse;
    const afterFirst = await lakeKeys();
    await archive.invoke(event);
    const afterSecond = await lakeKeys();

    expect(first.batchItemFailures).toEqual([]);
    const added = afterFirst.filter((key) => !before.includes(key));
    expect(added.filter((key) => key.includes('/dt=2026-01-01/hour=10/'))).toHaveLength(
      added.filter((key) => key.includes('/dt=2026-01-01/hour=11/')).length,
    );
    expect(added.some((key) => key.includes('/dt=2026-01-01/hour=10/'))).toBe(true);
    expect(added.some((key) => key.includes('/dt=2026-01-01/hour=11/'))).toBe(true);
    expect(afterSecond).toEqual(afterFirst);
  });
});
