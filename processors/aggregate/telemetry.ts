import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ClassifiedBatch } from '../shared/classify.ts';
import type { RollupWriteReport } from './rollup-writer.ts';

export const logger = new Logger({ serviceName: 'streamlake-aggregate' });
export const metrics = new Metrics({ namespace: 'Streamlake', serviceName: 'streamlake-aggregate' });

/** Publishes one batch's counters as CloudWatch embedded-metric-format lines. */
export const publishBatchMetrics = (
  records: number,
  batch: ClassifiedBatch,
  report: RollupWriteReport,
): void => {
  metrics.addMetric('RecordsIn', MetricUnit.Count, records);
  metrics.addMetric('RecordsAggregated', MetricUnit.Count, batch.accepted.length);
  metrics.addMetric('RecordsQuarantined', MetricUnit.Count, batch.rejected.length);
  metrics.addMetric('RollupItems', MetricUnit.Count, report.items);
  metrics.addMetric('RollupWrites', MetricUnit.Count, report.writes);
  metrics.addMetric('RollupConflictRetries', MetricUnit.Count, report.conflictRetries);
  metrics.addMetric('RollupExtremesRefinements', MetricUnit.Count, report.extremesRefinements);
  metrics.addMetric('DuplicatesSkipped', MetricUnit.Count, report.duplicatesSkipped);
  metrics.addMetric('RollupWriteFailures', MetricUnit.Count, report.failed.length);
  metrics.publishStoredMetrics();
  const byReason = new Map<string, number>();
  for (const record of batch.rejected) byReason.set(record.reason, (byReason.get(record.reason) ?? 0) + 1);
  for (const [reason, count] of byReason) {
    const metric = metrics.singleMetric();
    metric.addDimension('reason', reason);
    metric.addMetric('QuarantinedByReason', MetricUnit.Count, count);
  }
};
