import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CompactionReport } from '../lake/compaction-run.ts';

export const logger = new Logger({ serviceName: 'streamlake-compaction' });
export const metrics = new Metrics({ namespace: 'Streamlake', serviceName: 'streamlake-compaction' });

/** One run's figures, summed over the partitions it compacted. */
export const compactionTotals = (report: CompactionReport) => {
  const sum = (pick: (r: CompactionReport['results'][number]) => number) =>
    report.results.reduce((total, r) => total + pick(r), 0);
  return {
    partitionsCompacted: report.results.filter((r) => r.complete).length,
    partitionsDue: report.due,
    filesBefore: sum((r) => r.filesBefore),
    bytesBefore: sum((r) => r.bytesBefore),
    partsWritten: sum((r) => r.partsWritten),
    bytesWritten: sum((r) => r.bytesWritten),
    duplicatesDropped: sum((r) => r.duplicates),
    filesDeleted: report.deletedFiles,
    bytesDeleted: report.deletedBytes,
  };
};

/** Publishes one run's figures as CloudWatch embedded-metric-format lines, and logs them. */
export const publishCompactionMetrics = (report: CompactionReport, durationMs: number): void => {
  const totals = compactionTotals(report);
  metrics.addMetric('PartitionsCompacted', MetricUnit.Count, totals.partitionsCompacted);
  metrics.addMetric('PartitionsDue', MetricUnit.Count, totals.partitionsDue);
  metrics.addMetric('CompactionFilesBefore', MetricUnit.Count, totals.filesBefore);
  metrics.addMetric('CompactionBytesBefore', MetricUnit.Bytes, totals.bytesBefore);
  metrics.addMetric('CompactionPartsWritten', MetricUnit.Count, totals.partsWritten);
  metrics.addMetric('CompactionBytesWritten', MetricUnit.Bytes, totals.bytesWritten);
  metrics.addMetric('CompactionDuplicatesDropped', MetricUnit.Count, totals.duplicatesDropped);
  metrics.addMetric('CompactionFilesDeleted', MetricUnit.Count, totals.filesDeleted);
  metrics.addMetric('CompactionDuration', MetricUnit.Milliseconds, durationMs);
  metrics.publishStoredMetrics();
  logger.info('compaction run', { ...totals, partitions: report.partitions, open: report.open, durationMs });
};
