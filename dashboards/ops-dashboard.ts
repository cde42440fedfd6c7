import { devicesRow } from './devices.ts';
import { edgeRow } from './edge.ts';
import {
  kinesisMetrics,
  lakeMetrics,
  lambdaMetrics,
  mappingMetrics,
  pipelineMetric,
  quarantinedByReason,
  tableAndIndexMetrics,
  tableMetrics,
  topicMetrics,
} from './metrics.ts';
import { rawZoneRow } from './raw-zone.ts';
import { consumerOf, type OpsResources } from './resources.ts';
import type { MetricSpec, SeriesSpec } from './series.ts';
import type { DashboardRow, DashboardSpec, GraphWidgetSpec, WidgetSpec } from './widgets.ts';

const graph = (
  title: string,
  left: readonly SeriesSpec[],
  width = 8,
  right?: readonly SeriesSpec[],
): GraphWidgetSpec => ({
  kind: 'graph',
  title,
  left,
  width,
  ...(right ? { right } : {}),
});

const perSecond = (of: MetricSpec, label = `${of.label}/s`): SeriesSpec => ({ kind: 'perSecond', of, label });

/**
 * The ops dashboard, defined once: CDK renders it as a CloudWatch dashboard, the local cloud serves
 * it live on 127.0.0.1. Rows follow the data flow: edges (web, devices) → stream → functions → processing → tables → lake
 * → raw zone → alerts.
 */
export const opsDashboard = (resources: OpsResources): DashboardSpec => {
  const aggregate = consumerOf(resources, 'aggregate');
  const archive = consumerOf(resources, 'archive');
  const fanout = consumerOf(resources, 'fanout');
  const stream = kinesisMetrics(resources.streamName);
  const lake = lakeMetrics(resources.lakeBucketName);
  const topic = topicMetrics(resources.alertsTopicName);
  const functions = [...resources.consumers, ...resources.scheduled].map((fn) =>
    lambdaMetrics(fn.functionName, fn.title),
  );
  const consumers = resources.consumers.map((c) => lambdaMetrics(c.functionName, c.title));
  const tables = resources.tables.map((t) => tableMetrics(t.tableName, t.title));
  const givenUp = resources.consumers.map((c) => mappingMetrics(c.mappingUuid, c.title).droppedEvents);
  const a = (name: string, label: string) => pipelineMetric(aggregate.service, name, label);
  const r = (name: string, label: string) => pipelineMetric(archive.service, name, label);
  const f = (name: string, label: string) => pipelineMetric(fanout.service, name, label);
  const age = (service: string, name: string, label: string) =>
    pipelineMetric(service, name, label, 'Maximum', 'Milliseconds');

  const overview: DashboardRow = {
    title: 'Overview',
    widgets: [
      {
        kind: 'number',
        title: 'Events in the time range',
        series: [
          stream.incomingRecords,
          a('RecordsAggregated', 'aggregated'),
          r('RecordsArchived', 'archived'),
          a('RecordsQuarantined', 'quarantined'),
          ...givenUp,
          f('AlertsOpened', 'alerts opened'),
        ],
        width: 12,
      },
      { kind: 'alarms', title: 'Alarms', width: 12 },
    ],
  };
  const flow: DashboardRow = {
    title: 'Flow and freshness',
    widgets: [
      graph(
        'Events per second: into the stream, through each consumer',
        [
          perSecond(stream.incomingRecords, 'into the stream/s'),
          perSecond(a('RecordsIn', 'aggregate'), 'aggregate read/s'),
          perSecond(r('RecordsIn', 'archive'), 'archive read/s'),
          perSecond(f('StreamRecordsIn', 'fan-out'), 'fan-out read/s'),
        ],
        12,
      ),
      graph(
        'Freshness: now − newest event time / arrival time per batch',
        [
          age(aggregate.service, 'FreshnessEventAge', 'aggregate event age'),
          age(aggregate.service, 'FreshnessArrivalAge', 'aggregate arrival age'),
          age(archive.service, 'FreshnessEventAge', 'archive event age'),
          age(fanout.service, 'FreshnessArrivalAge', 'fan-out arrival age'),
        ],
        12,
      ),
    ],
  };
  const kinesis: DashboardRow = {
    title: `Kinesis stream ${resources.streamName}`,
    widgets: [
      graph('Incoming records and bytes', [stream.incomingRecords], 8, [stream.incomingBytes]),
      graph('GetRecords iterator age', [stream.iteratorAge]),
      graph('Write throttles', [stream.writeThrottles]),
    ],
  };
  const lambda: DashboardRow = {
    title: 'Lambda functions',
    widgets: [
      graph(
        'Invocations',
        functions.map((m) => m.invocations),
      ),
      graph(
        'Errors',
        functions.map((m) => m.errors),
      ),
      graph(
        'Duration',
        functions.flatMap((m) => [m.durationAverage, m.durationMaximum]),
      ),
      graph(
        'Throttles',
        functions.map((m) => m.throttles),
      ),
      graph(
        'Concurrent executions',
        functions.map((m) => m.concurrency),
      ),
      graph(
        'Iterator age',
        consumers.map((m) => m.iteratorAge),
      ),
    ],
  };
  const processing: DashboardRow = {
    title: 'Processing',
    widgets: [
      graph('Records counted and archived', [
        a('RecordsAggregated', 'aggregated'),
        r('RecordsArchived', 'archived'),
        a('RecordsQuarantined', 'aggregate quarantined'),
        r('RecordsQuarantined', 'archive quarantined'),
      ]),
      graph('Quarantined by reason', [
        quarantinedByReason(aggregate.service, aggregate.title),
        quarantinedByReason(archive.service, archive.title),
      ]),
      graph('Records given up on after retries or maximum age (should stay 0)', givenUp),
      graph('Rollup writes and the exactly-once guard', [
        a('RollupWrites', 'rollup writes'),
        a('DuplicatesSkipped', 'duplicates skipped'),
        a('RollupConflictRetries', 'conflict retries'),
        a('RollupWriteFailures', 'write failures'),
      ]),
      graph('Parquet files and bytes', [r('ParquetFiles', 'files')], 8, [
        pipelineMetric(archive.service, 'ParquetBytes', 'bytes', 'Sum', 'Bytes'),
      ]),
      graph('Fan-out: derivative-table updates', [
        f('DerivedUpdates', 'derived rollup updates'),
        f('DeviceStateUpdates', 'device state updates'),
        f('DuplicatesSkipped', 'duplicates skipped'),
        f('FanoutFailures', 'failures'),
      ]),
    ],
  };
  // Provisioned tables and indexes: write units consumed per second against what auto scaling provisioned.
  const provisioned = resources.tables.filter((t) => t.provisioned).flatMap(tableAndIndexMetrics);
  const dynamodb: DashboardRow = {
    title: 'DynamoDB tables',
    widgets: [
      graph(
        'Consumed write capacity',
        tables.map((t) => t.consumedWrites),
      ),
      ...(provisioned.length > 0
        ? [
            graph(
              'Write units per second: consumed against provisioned',
              provisioned.flatMap((t) => [perSecond(t.consumedWrites), t.provisionedWrites]),
            ),
          ]
        : []),
      graph(
        'Consumed read capacity',
        tables.map((t) => t.consumedReads),
      ),
      graph(
        'Throttled requests',
        tables.flatMap((t) => [t.writeThrottles, t.readThrottles]),
      ),
      graph(
        'Conditional check failures',
        tables.map((t) => t.conditionalCheckFailures),
      ),
    ],
  };
  const lakeRow: DashboardRow = {
    title: `Lake bucket ${resources.lakeBucketName}`,
    widgets: [
      graph('Lake output (objects, bytes)', [lake.lakePuts], 8, [lake.lakeBytes]),
      graph('Quarantine objects', [lake.quarantinePuts]),
      graph('On-failure records (should stay empty)', [lake.onFailurePuts]),
    ],
  };
  const alerts: DashboardRow = {
    title: 'Alerts',
    widgets: [
      graph(
        'Alert transitions',
        [f('AlertsOpened', 'opened'), f('AlertsResolved', 'resolved'), topic.published],
        12,
      ),
      {
        kind: 'alerts',
        title: 'Recent alerts',
        // Alert transitions are logged by whichever function made them: the fan-out and the silent-device check.
        logGroupNames: [fanout.logGroupName, ...resources.scheduled.map((fn) => fn.logGroupName)].filter(
          (name): name is string => name !== undefined,
        ),
        width: 12,
      },
    ],
  };
  return {
    title: 'streamlake operations',
    periodSeconds: 60,
    rows: [
      overview,
      ...(resources.collector ? [edgeRow(resources.collector, resources.streamName)] : []),
      ...(resources.devices ? [devicesRow(resources.devices, resources.lakeBucketName)] : []),
      flow,
      kinesis,
      lambda,
      processing,
      dynamodb,
      lakeRow,
      ...(resources.rawZone ? [rawZoneRow(resources.rawZone)] : []),
      alerts,
    ],
  };
};

/** Every widget of a dashboard, row by row. */
export const widgetsOf = (dashboard: DashboardSpec): WidgetSpec[] =>
  dashboard.rows.flatMap((row) => row.widgets);
