import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { ClassifiedBatch } from '../shared/classify.ts';

export const logger = new Logger({ serviceName: 'streamlake-archive' });
export const metrics = new Metrics({ namespace: 'Streamlake', serviceName: 'streamlake-archive' });

/** What one batch put in the lake. */
export interface ArchiveReport {
  readonly files: number;
  readonly bytes: number;
}

/** How far behind the lake is: now − newest event time and now − newest arrival, in ms. */
export const freshnessOf = (
  records: readonly KinesisStreamRecord[],
  batch: ClassifiedBatch,
  nowMs: number,
): { eventAgeMs?: number; arrivalAgeMs?: number } => {
  let newestEvent = Number.NEGATIVE_INFINITY;
  for (const record of batch.accepted) newestEvent = Math.max(newestEvent, record.eventTimeMs);
  let newestArrival = Number.NEGATIVE_INFINITY;
  for (const record of records)
    newestArrival = Math.max(newestArrival, record.kinesis.approximateArrivalTimestamp * 1000);
  return {
    ...(Number.isFinite(newestEvent) ? { eventAgeMs: Math.max(0, nowMs - newestEvent) } : {}),
    ...(Number.isFinite(newestArrival) ? { arrivalAgeMs: Math.max(0, nowMs - newestArrival) } : {}),
  };
};

/** Publishes one batch's counters and freshness as CloudWatch embedded-metric-format lines. */
export const publishBatchMetrics = (
  records: readonly KinesisStreamRecord[],
  batch: ClassifiedBatch,
  report: ArchiveReport,
  nowMs = Date.now(),
): void => {
  metrics.addMetric('RecordsIn', MetricUnit.Count, records.length);
  metrics.addMetric('RecordsArchived', MetricUnit.Count, batch.accepted.length);
  metrics.addMetric('RecordsQuarantined', MetricUnit.Count, batch.rejected.length);
  metrics.addMetric('ParquetFiles', MetricUnit.Count, report.files);
  metrics.addMetric('ParquetBytes', MetricUnit.Bytes, report.bytes);
  const freshness = freshnessOf(records, batch, nowMs);
  if (freshness.eventAgeMs !== undefined)
    metrics.addMetric('FreshnessEventAge', MetricUnit.Milliseconds, freshness.eventAgeMs);
  if (freshness.arrivalAgeMs !== undefined)
    metrics.addMetric('FreshnessArrivalAge', MetricUnit.Milliseconds, freshness.arrivalAgeMs);
  metrics.publishStoredMetrics();
  const byReason = new Map<string, number>();
  for (const record of batch.rejected) byReason.set(record.reason, (byReason.get(record.reason) ?? 0) + 1);
  for (const [reason, count] of byReason) {
    const metric = metrics.singleMetric();
    metric.addDimension('reason', reason);
    metric.addMetric('QuarantinedByReason', MetricUnit.Count, count);
  }
};
