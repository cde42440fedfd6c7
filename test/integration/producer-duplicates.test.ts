import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisEvent, type PolledRecord } from '../../infra/local/esm/kinesis-event.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { expectedRollups, rollupDifferences } from './support/expected-rollups.ts';
import { lakeBucketOf, putRecords, readShards, scanRollups } from './support/local-cloud-fixture.ts';

describe('producer duplicates on the local cloud: each event counted and stored once', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-duplicates-'));
  let cloud: LocalCloud;
  const events = sampleEvents(900);
  // A producer's retries: every 7th event again, in a later PutRecords, and every 11th in the same one.
  const retried = events.filter((_, i) => i % 7 === 0);
  const sameCall = events.filter((_, i) => i % 11 === 0);
  const duplicatesPut = retried.length + sameCall.length;

  const deliver = async (consumer: 'aggregate' | 'archive', shardId: string, records: PolledRecord[]) => {
    const { mappings, functions } = cloud.resources;
    const event = kinesisEvent(mappings[consumer], shardId, 'us-east-1', 'arn:aws:iam::0:role/x', records);
    const response = (await cloud
      .localFunction(functions[consumer])
      .invoke(event)) as KinesisStreamBatchResponse;
    expect(response?.batchItemFailures ?? []).toEqual([]);
  };

  beforeAll(async () => {
    // Prepare: the real stack on the real local servers, with duplicates put as producers put them.
    cloud = await LocalCloud.start({ stateDir });
    await putRecords(cloud, asRecords([...events, ...sameCall]));
    await putRecords(cloud, asRecords(retried));
    // Act: each consumer reads every shard in three batches, so copies meet within and across batches.
    for (const [shardId, records] of await readShards(cloud)) {
      const third = Math.ceil(records.length / 3);
      for (const consumer of ['aggregate', 'archive'] as const) {
        for (let at = 0; at < records.length; at += third) {
          await deliver(consumer, shardId, records.slice(at, at + third));
        }
      }
    }
  });
  afterAll(async () => {
    await cloud?.stop();
    if (!process.env.KEEP_STATE) rmSync(stateDir, { recursive: true, force: true });
  });

  it('counts every event once in the rollups', async () => {
    expect(rollupDifferences(expectedRollups(events), await scanRollups(cloud))).toEqual([]);
  });

  it('stores every event once in the lake', async () => {
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const files = join(stateDir, 's3', lakeBucketOf(cloud), 'lake', '*', '*', '*', '*._S3rver_object');
    const [row] = (
      await db.runAndReadAll(
        `SELECT count(*)::INTEGER AS rows, count(DISTINCT event_id)::INTEGER AS events FROM read_parquet('${files}', union_by_name = true)`,
      )
    ).getRowObjects();
    expect(row).toEqual({ rows: events.length, events: events.length });
  });

  it('reports each duplicate left out, by both consumers', () => {
    expect(cloud.metrics.get('ProducerDuplicates')).toBe(2 * duplicatesPut);
  });
});
