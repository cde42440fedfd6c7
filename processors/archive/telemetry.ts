import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { ClassifiedBatch } from '../shared/classify.ts';
import { freshnessOf } from '../shared/freshness.ts';
import { addFreshnessMetrics, publishQuarantinedByReason } from '../shared/telemetry.ts';

export const logger = new Logger({ serviceName: 'streamlake-archive' });
export const metrics = new Metrics({ namespace: 'Streamlake', serviceName: 'streamlake-archive' });

/** What one batch put in the lake. */
export interface ArchiveReport {
  readonly files: number;
  readonly bytes: number;
  /** Later copies of events already archived, left out. */
  readonly producerDuplicates: number;
}

/** Publishes one batch's counters and freshness as CloudWatch embedded-metric-format lines. */
export const publishBatchMetrics = (
  records: readonly KinesisStreamRecord[],
  batch: ClassifiedBatch,
  report: ArchiveReport,
  nowMs = Date.now(),
): void => {
  metrics.addMetric('RecordsIn', MetricUnit.Count, records.length);
  // A batch record holds several events (D36): what was archived, quarantined or left out, event by event.
  metrics.addMetric(
    'EventsIn',
    MetricUnit.Count,
    batch.accepted.length + batch.rejected.length + report.producerDuplicates,
  );
  metrics.addMetric('RecordsArchived', MetricUnit.Count, batch.accepted.length);
  metrics.addMetric('RecordsQuarantined', MetricUnit.Count, batch.rejected.length);
  metrics.addMetric('ProducerDuplicates', MetricUnit.Count, report.producerDuplicates);
  metrics.addMetric('ParquetFiles', MetricUnit.Count, report.files);
  metrics.addMetric('ParquetBytes', MetricUnit.Bytes, report.bytes);
  addFreshnessMetrics(metrics, freshnessOf(records, batch, nowMs));
  metrics.publishStoredMetrics();
  publishQuarantinedByReason(metrics, batch.rejected);
};
