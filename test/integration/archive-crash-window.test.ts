import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisEvent, type PolledRecord } from '../../infra/local/esm/kinesis-event.ts';
import type { FaultRule } from '../../infra/local/faults/fault-rules.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { control } from './support/fault-control.ts';
import { lakeBucketOf, putRecords, readShards } from './support/local-cloud-fixture.ts';

describe('the archive crashing between its last lake file and its memory write (issue 11)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-archive-window-'));
  let cloud: LocalCloud;
  const events = sampleEvents(600);

  const deliver = async (shardId: string, records: PolledRecord[]) => {
    const { mappings, functions } = cloud.resources;
    const event = kinesisEvent(mappings.archive, shardId, 'us-east-1', 'arn:aws:iam::0:role/x', records);
    return (await cloud.localFunction(functions.archive).invoke(event)) as KinesisStreamBatchResponse;
  };

  const lakeObjects = async () => {
    const listed = await cloud.clients.s3.send(
      new ListObjectsV2Command({ Bucket: lakeBucketOf(cloud), Prefix: 'lake/' }),
    );
    return (listed.Contents ?? []).map((object) => String(object.Key));
  };

  const storedRows = async () => {
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const files = join(stateDir, 's3', lakeBucketOf(cloud), 'lake', '*', '*', '*', '*._S3rver_object');
    const [row] = (
      await db.runAndReadAll(
        `SELECT count(*)::INTEGER AS rows, count(DISTINCT event_id)::INTEGER AS events FROM read_parquet('${files}', union_by_name = true)`,
      )
    ).getRowObjects();
    return row;
  };

  beforeAll(async () => {
    cloud = await LocalCloud.start({ stateDir, faults: true });
    await putRecords(cloud, asRecords(events));
  });
  afterAll(async () => {
    await cloud?.stop();
    if (!process.env.KEEP_STATE) rmSync(stateDir, { recursive: true, force: true });
  });

  it('a re-delivery cut differently after that crash stores every event once', async () => {
    // Prepare: on every shard, a batch of its first two thirds whose files land but whose memory write fails:
    // DynamoDB refuses every PutItem (the memory's write) for as long as the invocation retries it.
    const shards = await readShards(cloud);
    const { id } = (await control(cloud, 'POST', '/faults', {
      service: 'dynamodb',
      operations: ['PutItem'],
      effect: 'unavailable',
    })) as { id: string };
    const crashed: unknown[] = [];
    for (const [shardId, records] of shards) {
      const twoThirds = Math.ceil((records.length * 2) / 3);
      crashed.push(await deliver(shardId, records.slice(0, twoThirds)).catch((error: Error) => error));
    }
    const refused = ((await control(cloud, 'GET', '/faults')) as FaultRule[]).find((r) => r.id === id);
    await control(cloud, 'DELETE', '/faults');
    const filesOfCrashedBatches = await lakeObjects();

    // Act: the retry finds other boundaries (a restart cut the shard anew): the first third, then the rest.
    for (const [shardId, records] of shards) {
      const third = Math.floor(records.length / 3);
      expect((await deliver(shardId, records.slice(0, third))).batchItemFailures).toEqual([]);
      expect((await deliver(shardId, records.slice(third))).batchItemFailures).toEqual([]);
    }

    // Assess: the window was hit (every crashed batch failed after its files landed), and nothing is stored twice.
    expect(crashed).toHaveLength(shards.size);
    expect(crashed.every((outcome) => outcome instanceof Error)).toBe(true);
    expect(refused?.answered).toBeGreaterThanOrEqual(shards.size);
    expect(filesOfCrashedBatches.length).toBeGreaterThanOrEqual(shards.size);
    expect(await storedRows()).toEqual({ rows: events.length, events: events.length });
  });
});
