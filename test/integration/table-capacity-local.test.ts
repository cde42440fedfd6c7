import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisEvent } from '../../infra/local/esm/kinesis-event.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { expectedRollups, rollupDifferences } from './support/expected-rollups.ts';
import { putRecords, readShards, scanRollups } from './support/local-cloud-fixture.ts';

/** Provisioned tables (D36), read from the template like every resource: the local cloud creates them so. */
describe('the local cloud with provisioned tables (-c streamlake:tablesOnDemand=false)', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ context: { 'streamlake:tablesOnDemand': false } });
  });
  afterAll(async () => cloud?.stop());

  it('creates every table and index with the template’s provisioned throughput', async () => {
    const names = (await cloud.clients.dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
    expect(names).toHaveLength(5);
    for (const TableName of names) {
      const { Table } = await cloud.clients.dynamodb.send(new DescribeTableCommand({ TableName }));
      expect(Table?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 1, WriteCapacityUnits: 1 });
      for (const index of Table?.GlobalSecondaryIndexes ?? []) {
        expect(index.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 1, WriteCapacityUnits: 1 });
      }
    }
  });

  it('counts events into them as into on-demand tables', async () => {
    const events = sampleEvents(200);
    await putRecords(cloud, asRecords(events));
    const { mappings, functions } = cloud.resources;
    for (const [shardId, records] of await readShards(cloud)) {
      const event = kinesisEvent(mappings.aggregate, shardId, 'us-east-1', 'arn:aws:iam::0:role/x', records);
      await cloud.localFunction(functions.aggregate).invoke(event);
    }
    expect(rollupDifferences(expectedRollups(events), await scanRollups(cloud))).toEqual([]);
  });
});
