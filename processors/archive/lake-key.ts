import type { Dataset } from '../../schemas/index.ts';
import type { LakePartition } from './partition.ts';

/** What a lake file holds, which is also what names it: one dataset, one event-time hour, a sequence range. */
export interface LakeFileRange {
  readonly dataset: Dataset;
  /** `dt=2026-11-22/hour=05`. */
  readonly partition: string;
  /** Sequence numbers of the first and last record in the file. */
  readonly first: string;
  readonly last: string;
}

/** The range of a group of records about to become one file. */
export const rangeOf = (group: LakePartition): LakeFileRange => {
  const first = group.records[0];
  const last = group.records[group.records.length - 1];
  if (!first || !last) {
    throw new Error(
      `a lake file needs at least one record (given an empty ${group.dataset} ${group.partition})`,
    );
  }
  return {
    dataset: group.dataset,
    partition: group.partition,
    first: first.sequenceNumber,
    last: last.sequenceNumber,
  };
};

/**
 * `lake/<dataset>/dt=YYYY-MM-DD/hour=HH/<shardId>-<firstSeq>-<lastSeq>.parquet`. First and last are
 * the sequence numbers of the first and last record in the file, so the key depends only on what the
 * file holds: a re-delivered batch rewrites exactly the same objects instead of adding duplicates.
 */
export const lakeFileKey = (prefix: string, shardId: string, range: LakeFileRange): string => {
  if (!shardId) throw new Error('lakeKey needs the shard id the records came from (given an empty string)');
  return `${prefix}${range.dataset}/${range.partition}/${shardId}-${range.first}-${range.last}.parquet`;
};

export const lakeKey = (prefix: string, shardId: string, group: LakePartition): string =>
  lakeFileKey(prefix, shardId, rangeOf(group));
