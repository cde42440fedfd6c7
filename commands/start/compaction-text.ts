import type { CompactionFigures } from '../lake/lake-listing.ts';

const n = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });
const MiB = 1024 * 1024;
const size = (bytes: number) => (bytes < MiB ? `${n(bytes / 1024)} KiB` : `${n(bytes / MiB)} MiB`);
const files = (count: number) => `${n(count)} file${count === 1 ? '' : 's'}`;

/**
 * The summary's compaction line (D31): how many of the lake's hours a generation covers, what queries read now, and
 * what compaction replaced that still waits out the grace period. A short demo's hours are still open.
 */
export const compactionSummaryLine = (figures: CompactionFigures): string => {
  const head = `  compaction (hourly)     ${n(figures.hours)} dataset-hour${figures.hours === 1 ? '' : 's'} in the lake, ${n(figures.hoursCompacted)} compacted`;
  const reads = `queries read ${files(figures.visibleFiles)} (${size(figures.visibleBytes)})`;
  if (figures.hoursCompacted === 0) {
    return `${head}: ${reads} — an hour is compacted once closed (its end + the allowed lateness + a settle margin), by a later run`;
  }
  const replaced =
    figures.supersededFiles > 0
      ? `; ${files(figures.supersededFiles)} (${size(figures.supersededBytes)}) replaced, deleted after the grace period`
      : '';
  return `${head}: ${reads}${replaced}`;
};
