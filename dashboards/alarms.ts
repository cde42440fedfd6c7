import { type DeviceThresholds, deviceAlarms } from './devices.ts';
import { type EdgeThresholds, edgeAlarms } from './edge.ts';
import {
  kinesisMetrics,
  lakeMetrics,
  lambdaMetrics,
  pipelineMetric,
  tableAndIndexMetrics,
} from './metrics.ts';
import { type RawZoneThresholds, rawZoneAlarms } from './raw-zone.ts';
import type { ConsumerKey, OpsResources } from './resources.ts';
import type { SeriesSpec } from './series.ts';

export type Comparison = 'GreaterThanThreshold' | 'LessThanThreshold';
export type MissingData = 'breaching' | 'notBreaching' | 'missing' | 'ignore';

/** One alarm as data: CDK renders it as a CloudWatch alarm, the local cloud evaluates it the same way. */
export interface AlarmSpec {
  /** Construct id and local key, unique in a stack. */
  readonly id: string;
  readonly title: string;
  readonly series: SeriesSpec;
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: MissingData;
  /** What it means and what to do: the notification carries it. */
  readonly description: string;
}

/** What makes an ops alarm go off; every value is configurable per deployment. */
export interface OpsThresholds extends EdgeThresholds, DeviceThresholds, RawZoneThresholds {
  /** Oldest record a consumer has yet to process, in seconds, per consumer. */
  readonly iteratorAgeSeconds: Readonly<Record<ConsumerKey, number>>;
  /** Consecutive one-minute periods above the iterator-age threshold. */
  readonly iteratorAgePeriods: number;
  /** Failed invocations as a share of invocations, in 3 of 5 minutes. */
  readonly errorRatePercent: number;
  /** Quarantined records as a share of records read, in 3 of 5 minutes. */
  readonly quarantineRatePercent: number;
  /** Throttled requests per minute on a table, two minutes in a row. */
  readonly tableThrottlesPerMinute: number;
  /** Minutes without a single record arriving on the stream. */
  readonly noIncomingRecordsMinutes: number;
}

export const DEFAULT_OPS_THRESHOLDS: OpsThresholds = {
  iteratorAgeSeconds: { aggregate: 60, archive: 300, fanout: 60 },
  iteratorAgePeriods: 3,
  errorRatePercent: 1,
  quarantineRatePercent: 5,
  tableThrottlesPerMinute: 0,
  noIncomingRecordsMinutes: 15,
  collectorErrorRatePercent: 1,
  collectorThrottlesPerMinute: 0,
  deviceRuleErrorsPerMinute: 0,
  rawZoneFreshnessSeconds: 900,
};

const MINUTE = 60;

/** The ops alarms of a stack; each one notifies the ops topic when it goes to ALARM and back to OK. */
export const opsAlarms = (resources: OpsResources, thresholds: OpsThresholds): AlarmSpec[] => {
  const alarms: AlarmSpec[] = [];
  for (const consumer of resources.consumers) {
    const seconds = thresholds.iteratorAgeSeconds[consumer.key];
    alarms.push({
      id: `${pascal(consumer.key)}IteratorAge`,
      title: `${consumer.title} iterator age above ${seconds}s`,
      series: lambdaMetrics(consumer.functionName, consumer.title).iteratorAge,
      comparison: 'GreaterThanThreshold',
      threshold: seconds * 1000,
      periodSeconds: MINUTE,
      evaluationPeriods: thresholds.iteratorAgePeriods,
      datapointsToAlarm: thresholds.iteratorAgePeriods,
      treatMissingData: 'notBreaching',
      description:
        `${consumer.title} is more than ${seconds}s behind its ${consumer.source === 'kinesis' ? 'Kinesis stream' : 'DynamoDB stream'}. ` +
        'Check its Errors and Duration on the ops dashboard: failing batches are retried and hold the shard; slow ones need more memory or a larger batch. ' +
        "Records older than the mapping's maximum record age go to the on-failure destination.",
    });
  }
  const functions = [
    ...resources.consumers.map((fn) => ({ ...fn, name: fn.key as string })),
    ...resources.scheduled.map((fn) => ({ ...fn, name: fn.title })),
  ];
  for (const fn of functions) {
    const metrics = lambdaMetrics(fn.functionName, fn.title);
    alarms.push({
      id: `${pascal(fn.name)}ErrorRate`,
      title: `${fn.title} error rate above ${thresholds.errorRatePercent}%`,
      series: {
        kind: 'percent',
        part: metrics.errors,
        whole: metrics.invocations,
        label: `${fn.title} error rate`,
      },
      comparison: 'GreaterThanThreshold',
      threshold: thresholds.errorRatePercent,
      periodSeconds: MINUTE,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      description:
        `More than ${thresholds.errorRatePercent}% of ${fn.title} invocations fail. ` +
        "Read the function's ERROR log lines (they name the failing item and sequence number); a DynamoDB or S3 outage or a missing permission shows there. " +
        'Bad records never cause errors — they are quarantined — so an error is a bug or an outage.',
    });
  }
  const lake = lakeMetrics(resources.lakeBucketName);
  alarms.push({
    id: 'OnFailureRecords',
    title: 'records given up on (on-failure destination)',
    series: lake.onFailurePuts,
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    periodSeconds: MINUTE,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
    description:
      `An event source mapping gave up on records and wrote an on-failure record under s3://${resources.lakeBucketName}/aws/lambda/. ` +
      'Those records were skipped: read the failure record (it names the shard and sequence range and carries the payload), fix the cause, then replay them with `npm run replay`.',
  });
  for (const consumer of resources.consumers.filter((c) => c.source === 'kinesis')) {
    alarms.push({
      id: `${pascal(consumer.key)}QuarantineRate`,
      title: `${consumer.title} quarantine rate above ${thresholds.quarantineRatePercent}%`,
      series: {
        kind: 'percent',
        part: pipelineMetric(consumer.service, 'RecordsQuarantined', 'quarantined'),
        // Events, not records: a batch record holds several, and each is quarantined alone (D36).
        whole: pipelineMetric(consumer.service, 'EventsIn', 'read'),
        label: `${consumer.title} quarantine rate`,
      },
      comparison: 'GreaterThanThreshold',
      threshold: thresholds.quarantineRatePercent,
      periodSeconds: MINUTE,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      description:
        `More than ${thresholds.quarantineRatePercent}% of the events ${consumer.title} reads are quarantined. ` +
        'The "Quarantined by reason" chart says why (invalid, unknown schema, too late, from the future …); the records are under quarantine/ with their reason. ' +
        'A producer deploying a new event version or a clock problem is the usual cause; once fixed, replay the quarantine.',
    });
  }
  for (const table of resources.tables) {
    // The table's own throttles and its indexes': an index short of capacity throttles the table's writes.
    const throttles = tableAndIndexMetrics(table).flatMap((m) => [m.writeThrottles, m.readThrottles]);
    alarms.push({
      id: `${pascal(table.title)}Throttles`,
      title: `${table.title} table throttled`,
      series: { kind: 'total', of: throttles, label: `${table.title} throttles` },
      comparison: 'GreaterThanThreshold',
      threshold: thresholds.tableThrottlesPerMinute,
      periodSeconds: MINUTE,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: 'notBreaching',
      description:
        `DynamoDB throttled requests on the ${table.title} table${table.indexes?.length ? ' or its indexes' : ''} for two minutes. ` +
        (table.provisioned
          ? 'The table is provisioned with auto scaling: traffic outgrew its units faster than scaling follows (a catch-up after an outage, a backfill, a replay), or the maximum units are reached — compare consumed and provisioned write units on the dashboard, raise streamlake:tableMaxUnits, or deploy on demand. '
          : 'On-demand tables throttle when traffic more than doubles its previous peak or one partition key is hot: check the consumed capacity chart and whether a single rollup item takes every write. ') +
        'Throttled writes are retried, so counts stay exact, but the iterator age grows.',
    });
  }
  const minutes = thresholds.noIncomingRecordsMinutes;
  alarms.push({
    id: 'NoIncomingRecords',
    title: `no events for ${minutes} minutes`,
    series: kinesisMetrics(resources.streamName).incomingRecords,
    comparison: 'LessThanThreshold',
    threshold: 1,
    periodSeconds: MINUTE,
    evaluationPeriods: minutes,
    datapointsToAlarm: minutes,
    treatMissingData: 'breaching',
    description:
      `Not one record reached the stream ${resources.streamName} for ${minutes} minutes. ` +
      "Check the producers (their unsent-records report and credentials) and the stream's write throttles; the pipeline itself is idle, not broken.",
  });
  if (resources.collector) alarms.push(...edgeAlarms(resources.collector, thresholds));
  if (resources.devices) {
    alarms.push(...deviceAlarms(resources.devices, resources.lakeBucketName, thresholds));
  }
  if (resources.rawZone) alarms.push(...rawZoneAlarms(resources.rawZone, thresholds));
  return alarms;
};

const pascal = (text: string) =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');

/** CloudWatch evaluates at most one day of one-minute periods. */
const MAX_MINUTE_PERIODS = 1440;

/**
 * Thresholds must be finite and non-negative (percentages at most 100), periods whole, at least 1 and
 * at most a day of minutes; the error names the bad value.
 */
export const validateThresholds = (thresholds: OpsThresholds): OpsThresholds => {
  const check = (name: string, value: number, kind: 'amount' | 'percent' | 'periods') => {
    const valid =
      Number.isFinite(value) &&
      value >= 0 &&
      (kind !== 'percent' || value <= 100) &&
      (kind !== 'periods' || (Number.isInteger(value) && value >= 1 && value <= MAX_MINUTE_PERIODS));
    if (!valid) {
      const range = {
        amount: 'a number of at least 0',
        percent: 'a percentage from 0 to 100',
        periods: `a whole number of one-minute periods from 1 to ${MAX_MINUTE_PERIODS} (a day)`,
      }[kind];
      throw new Error(`ops threshold ${name} must be ${range} (given ${value})`);
    }
  };
  for (const [key, seconds] of Object.entries(thresholds.iteratorAgeSeconds))
    check(`iteratorAgeSeconds.${key}`, seconds, 'amount');
  check('iteratorAgePeriods', thresholds.iteratorAgePeriods, 'periods');
  check('errorRatePercent', thresholds.errorRatePercent, 'percent');
  check('quarantineRatePercent', thresholds.quarantineRatePercent, 'percent');
  check('tableThrottlesPerMinute', thresholds.tableThrottlesPerMinute, 'amount');
  check('noIncomingRecordsMinutes', thresholds.noIncomingRecordsMinutes, 'periods');
  check('collectorErrorRatePercent', thresholds.collectorErrorRatePercent, 'percent');
  check('collectorThrottlesPerMinute', thresholds.collectorThrottlesPerMinute, 'amount');
  check('deviceRuleErrorsPerMinute', thresholds.deviceRuleErrorsPerMinute, 'amount');
  check('rawZoneFreshnessSeconds', thresholds.rawZoneFreshnessSeconds, 'amount');
  return thresholds;
};
