import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisEvent, type PolledRecord } from '../../infra/local/esm/kinesis-event.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { expectedRollups, rollupDifferences } from './support/expected-rollups.ts';
import { putRecords, readShards, scanRollups } from './support/local-cloud-fixture.ts';

describe('aggregate function on the local cloud: exactly-once rollups', () => {
  let cloud: LocalCloud;
  const events = sampleEvents(1200);
  let shards: Map<string, PolledRecord[]>;

  const deliver = async (shardId: string, records: PolledRecord[]) => {
    const { mappings, functions } = cloud.resources;
    const event = kinesisEvent(
      mappings.aggregate,
      shardId,
      'us-east-1',
      'arn:aws:iam::000000000000:role/x',
      records,
    );
    return (await cloud.localFunction(functions.aggregate).invoke(event)) as KinesisStreamBatchResponse;
  };

  beforeAll(async () => {
    // Prepare: the real stack on the real local servers; records written to the real stream.
    cloud = await LocalCloud.start();
    await putRecords(cloud, asRecords(events));
    shards = await readShards(cloud);
  });
  afterAll(async () => cloud?.stop());

  it('a batch delivered once counts every event exactly', async () => {
    // Act
    for (const [shardId, records] of shards) {
      const response = await deliver(shardId, records);
      expect(response.batchItemFailures).toEqual([]);
    }
    // Assess
    expect(rollupDifferences(expectedRollups(events), await scanRollups(cloud))).toEqual([]);
  });

  it('the same batch delivered again counts nothing twice', async () => {
    // Act
    for (const [shardId, records] of shards) await deliver(shardId, records);
    // Assess
    expect(rollupDifferences(expectedRollups(events), await scanRollups(cloud))).toEqual([]);
    expect(cloud.metrics.get('DuplicatesSkipped')).toBeGreaterThan(0);
  });

  it('a re-delivery with different, overlapping batch boundaries counts nothing twice', async () => {
    // Act: thirds that overlap each other, in order, as a retry after a partial failure would deliver them.
    for (const [shardId, records] of shards) {
      const third = Math.floor(records.length / 3);
      await deliver(shardId, records.slice(0, third + 17));
      await deliver(shardId, records.slice(third - 5, 2 * third));
      await deliver(shardId, records.slice(third, records.length));
    }
    // Assess
    expect(rollupDifferences(expectedRollups(events), await scanRollups(cloud))).toEqual([]);
  });

  it('writes each touched rollup item once per batch: writes equal the distinct items', async () => {
    // Assess: conflicts only come from re-deliveries, refinements only from min/max improvements.
    const writes = cloud.metrics.get('RollupWrites');
    const items = cloud.metrics.get('RollupItems');
    const overhead =
      cloud.metrics.get('RollupConflictRetries') + cloud.metrics.get('RollupExtremesRefinements');
    expect(writes).toBe(items + overhead);
  });
});
