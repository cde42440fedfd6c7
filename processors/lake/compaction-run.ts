import { type CompactorOptions, compactPartition, type PartitionResult } from './compact-partition.ts';
import { type CompactionSettings, planCompaction } from './compaction-plan.ts';

export interface CompactionRunOptions extends CompactorOptions {
  readonly settings: CompactionSettings;
  readonly nowMs: number;
}

/** What one run did, for its metrics and log line. */
export interface CompactionReport {
  /** Partitions in the listing, and how many of them are still open. */
  readonly partitions: number;
  readonly open: number;
  /** Partitions that needed work (this run may have finished only some of them: its time budget). */
  readonly due: number;
  readonly results: PartitionResult[];
  readonly deletedFiles: number;
  readonly deletedBytes: number;
}

/**
 * One compaction run: list the lake prefix once, plan (closed hours only), write each due partition's
 * generation while there is time, then delete what earlier runs superseded more than the grace period ago.
 * What this run supersedes is deleted by a later run: a query planned before this run's commits may still
 * be reading it.
 */
export const runCompaction = async (options: CompactionRunOptions): Promise<CompactionReport> => {
  const listing = await options.objects.list(options.prefix);
  const plan = planCompaction(listing, options.prefix, options.nowMs, options.settings);
  const results: PartitionResult[] = [];
  for (const work of plan.work) {
    if (options.hasTimeForPart && !options.hasTimeForPart()) break;
    results.push(await compactPartition(work, options));
  }
  await options.objects.delete(plan.deletions.map((f) => f.key));
  return {
    partitions: plan.partitions,
    open: plan.open,
    due: plan.work.length,
    results,
    deletedFiles: plan.deletions.length,
    deletedBytes: plan.deletions.reduce((sum, f) => sum + f.bytes, 0),
  };
};
