import type { AlarmSpec } from './alarms.ts';
import { metric } from './metrics.ts';
import type { RawZoneResource } from './resources.ts';
import type { MetricSpec, Statistic, Unit } from './series.ts';
import type { DashboardRow, GraphWidgetSpec } from './widgets.ts';

export const FIREHOSE_NAMESPACE = 'AWS/Firehose';

/**
 * Firehose's metrics of the raw zone's delivery stream (dimension `DeliveryStreamName`), by the names CloudWatch
 * gives them; the local cloud publishes the same names for the delivery streams it runs.
 */
export const FIREHOSE_METRIC_NAMES = {
  /** Records and bytes Firehose read from the Kinesis source. */
  recordsRead: 'DataReadFromKinesisStream.Records',
  bytesRead: 'DataReadFromKinesisStream.Bytes',
  /** Records and bytes delivered to S3. */
  recordsDelivered: 'DeliveryToS3.Records',
  bytesDelivered: 'DeliveryToS3.Bytes',
  /** Successful S3 puts over all S3 puts: 1 while every delivery succeeds. */
  deliverySuccess: 'DeliveryToS3.Success',
  /** Age in seconds of the oldest record not yet delivered to S3. */
  dataFreshness: 'DeliveryToS3.DataFreshness',
} as const;

export const rawZoneMetrics = (rawZone: RawZoneResource) => {
  const of = (name: string, statistic: Statistic, label: string, unit: Unit): MetricSpec =>
    metric(
      FIREHOSE_NAMESPACE,
      name,
      { DeliveryStreamName: rawZone.deliveryStreamName },
      statistic,
      label,
      unit,
    );
  const names = FIREHOSE_METRIC_NAMES;
  return {
    recordsRead: of(names.recordsRead, 'Sum', 'records read from the stream', 'Count'),
    bytesRead: of(names.bytesRead, 'Sum', 'bytes read from the stream', 'Bytes'),
    recordsDelivered: of(names.recordsDelivered, 'Sum', 'records delivered to S3', 'Count'),
    bytesDelivered: of(names.bytesDelivered, 'Sum', 'bytes delivered to S3', 'Bytes'),
    // Each datapoint is a ratio: the average over a period is the share of S3 puts that succeeded.
    deliverySuccess: of(names.deliverySuccess, 'Average', 'S3 delivery success (1 = all)', 'None'),
    deliverySuccessMinimum: of(names.deliverySuccess, 'Minimum', 'S3 delivery success, worst', 'None'),
    // The worst moment matters: a record waiting longer than the buffer is one not delivering.
    dataFreshness: of(names.dataFreshness, 'Maximum', 'oldest record not yet in S3', 'Seconds'),
  };
};

const graph = (
  title: string,
  left: readonly MetricSpec[],
  right?: readonly MetricSpec[],
): GraphWidgetSpec => ({ kind: 'graph', title, left, width: 6, ...(right ? { right } : {}) });

/** The Raw zone row: delivery success, data freshness, records and bytes in and out. */
export const rawZoneRow = (rawZone: RawZoneResource): DashboardRow => {
  const firehose = rawZoneMetrics(rawZone);
  return {
    title: `Raw zone: Firehose ${rawZone.deliveryStreamName} → s3://${rawZone.bucketName}/${rawZone.prefix}`,
    widgets: [
      graph('Delivery success (share of S3 puts; 1 = every one)', [
        firehose.deliverySuccess,
        firehose.deliverySuccessMinimum,
      ]),
      graph('Data freshness: age of the oldest record not yet in S3 (seconds)', [firehose.dataFreshness]),
      graph('Records read from the stream and delivered to S3', [
        firehose.recordsRead,
        firehose.recordsDelivered,
      ]),
      graph('Bytes read from the stream and delivered to S3', [firehose.bytesRead, firehose.bytesDelivered]),
    ],
  };
};

export interface RawZoneThresholds {
  /** Age in seconds of the oldest undelivered record above which the raw zone is late. */
  readonly rawZoneFreshnessSeconds: number;
}

/** Firehose publishes its metrics in five-minute batches: one batch above the threshold is enough. */
const FIVE_MINUTES = 300;

/** The raw zone's alarm: records waiting longer than the threshold (the buffer plus delivery) to reach S3. */
export const rawZoneAlarms = (rawZone: RawZoneResource, thresholds: RawZoneThresholds): AlarmSpec[] => {
  const seconds = thresholds.rawZoneFreshnessSeconds;
  return [
    {
      id: 'RawZoneFreshness',
      title: `raw zone more than ${seconds}s behind`,
      series: rawZoneMetrics(rawZone).dataFreshness,
      comparison: 'GreaterThanThreshold',
      threshold: seconds,
      periodSeconds: FIVE_MINUTES,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      description:
        `Firehose ${rawZone.deliveryStreamName} holds records older than ${seconds}s that are not yet in s3://${rawZone.bucketName}/${rawZone.prefix}. ` +
        "Its delivery log (the raw zone's log group) names the failure: a missing permission of the delivery role, a deleted bucket or a KMS key it cannot use, or S3 throttling. " +
        'Firehose retries S3 delivery for up to 24 hours, then gives up on the records; until then nothing is lost, and the lake and rollups are unaffected.',
    },
  ];
};
