import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { RollupWriteReport } from '../rollups/rollup-writer.ts';
import type { ClassifiedBatch } from '../shared/classify.ts';
import { freshnessOf } from '../shared/freshness.ts';
import { addFreshnessMetrics, publishQuarantinedByReason } from '../shared/telemetry.ts';

export const logger = new Logger({ serviceName: 'streamlake-aggregate' });
export const metrics = new Metrics({ namespace: 'Streamlake', serviceName: 'streamlake-aggregate' });

/** Publishes one batch's counters and freshness as CloudWatch embedded-metric-format lines. */
export const publishBatchMetrics = (
  records: readonly KinesisStreamRecord[],
  batch: ClassifiedBatch,
  report: RollupWriteReport,
  producerDuplicates: number,
  nowMs = Date.now(),
): void => {
  metrics.addMetric('RecordsIn', MetricUnit.Count, records.length);
  // A batch record holds several events (D36): what was counted, quarantined or left out, event by event.
  metrics.addMetric(
    'EventsIn',
    MetricUnit.Count,
    batch.accepted.length + batch.rejected.length + producerDuplicates,
  );
  metrics.addMetric('RecordsAggregated', MetricUnit.Count, batch.accepted.length);
  metrics.addMetric('RecordsQuarantined', MetricUnit.Count, batch.rejected.length);
  metrics.addMetric('ProducerDuplicates', MetricUnit.Count, producerDuplicates);
  metrics.addMetric('RollupItems', MetricUnit.Count, report.items);
  metrics.addMetric('RollupWrites', MetricUnit.Count, report.writes);
  metrics.addMetric('RollupConflictRetries', MetricUnit.Count, report.conflictRetries);
  metrics.addMetric('RollupExtremesRefinements', MetricUnit.Count, report.refinements);
  metrics.addMetric('DuplicatesSkipped', MetricUnit.Count, report.duplicatesSkipped);
  metrics.addMetric('RollupWriteFailures', MetricUnit.Count, report.failed.length);
  addFreshnessMetrics(metrics, freshnessOf(records, batch, nowMs));
  metrics.publishStoredMetrics();
  publishQuarantinedByReason(metrics, batch.rejected);
};
