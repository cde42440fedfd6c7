import type { OpsResources } from '../../../dashboards/index.ts';

/** A stack's ops resources with short physical names, for tests of the local ops view. */
export const OPS_RESOURCES: OpsResources = {
  streamName: 'events',
  consumers: [
    {
      key: 'aggregate',
      title: 'aggregate',
      functionName: 'agg-fn',
      mappingUuid: 'agg-uuid',
      service: 'streamlake-aggregate',
      source: 'kinesis',
    },
    {
      key: 'archive',
      title: 'archive',
      functionName: 'arc-fn',
      mappingUuid: 'arc-uuid',
      service: 'streamlake-archive',
      source: 'kinesis',
    },
    {
      key: 'fanout',
      title: 'fan-out',
      functionName: 'fan-fn',
      mappingUuid: 'fan-uuid',
      service: 'streamlake-fanout',
      source: 'dynamodb-stream',
    },
  ],
  scheduled: [{ title: 'silent-device check', functionName: 'silent-fn' }],
  tables: [{ title: 'rollups', tableName: 'rollups-table' }],
  lakeBucketName: 'lake-bucket',
  alertsTopicName: 'alerts',
};
