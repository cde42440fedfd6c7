import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBRecord } from 'aws-lambda';
import { streamFreshnessOf } from '../shared/freshness.ts';
import { addFreshnessMetrics } from '../shared/telemetry.ts';
import { alertIdOf } from './alert-evaluation.ts';
import type { Transition } from './alert-state.ts';

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

const METRIC_NAMES: Record<keyof FanoutCounts, string> = {
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

/**
 * Publishes one batch's (or one silent-device check's) counters as CloudWatch embedded-metric-format
 * lines, with the batch's freshness when it has stream records (the scheduled check has none).
 */
export const publishFanoutMetrics = (
  counts: Partial<FanoutCounts>,
  records: readonly DynamoDBRecord[] = [],
  nowMs = Date.now(),
): void => {
  for (const [key, value] of Object.entries(counts)) {
    if (value !== undefined)
      metrics.addMetric(METRIC_NAMES[key as keyof FanoutCounts], MetricUnit.Count, value);
  }
  addFreshnessMetrics(metrics, streamFreshnessOf(records, nowMs));
  metrics.publishStoredMetrics();
};

/**
 * One line per published alert transition, after SNS accepted it: the ops dashboard lists recent
 * alerts with `filter message = "alert transition"`, so the message and keys are a contract.
 */
export const logAlertTransition = (transition: Transition): void => {
  logger.info('alert transition', {
    alertId: alertIdOf(transition.rule, transition.subject),
    rule: transition.rule,
    subject: transition.subject,
    state: transition.state,
    severity: transition.severity,
  });
};
