import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: 'streamlake-fanout' });
export const metrics = new Metrics({ namespace: 'Streamlake', serviceName: 'streamlake-fanout' });

export interface FanoutCounts {
  readonly records: number;
  readonly ignored: number;
  readonly derivedItems: number;
  readonly derivedUpdates: number;
  readonly duplicatesSkipped: number;
  readonly deviceUpdates: number;
  readonly alertsOpened: number;
  readonly alertsResolved: number;
  readonly failures: number;
}

/** Publishes one batch's (or one check's) counters as CloudWatch embedded-metric-format lines. */
export const publishFanoutMetrics = (counts: Partial<FanoutCounts>): void => {
  const names: Record<keyof FanoutCounts, string> = {
    records: 'StreamRecordsIn',
    ignored: 'StreamRecordsIgnored',
    derivedItems: 'DerivedItems',
    derivedUpdates: 'DerivedUpdates',
    duplicatesSkipped: 'DuplicatesSkipped',
    deviceUpdates: 'DeviceStateUpdates',
    alertsOpened: 'AlertsOpened',
    alertsResolved: 'AlertsResolved',
    failures: 'FanoutFailures',
  };
  for (const [key, value] of Object.entries(counts)) {
    if (value !== undefined) metrics.addMetric(names[key as keyof FanoutCounts], MetricUnit.Count, value);
  }
  metrics.publishStoredMetrics();
};
