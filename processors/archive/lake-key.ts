import type { LakePartition } from './partition.ts';

/**
 * `lake/<dataset>/dt=YYYY-MM-DD/hour=HH/<shardId>-<firstSeq>-<lastSeq>.parquet`. First and last are
 * the sequence numbers of the first and last record in the file, so the key depends only on what the
 * file holds: a re-delivered batch rewrites exactly the same objects instead of adding duplicates.
 */
export const lakeKey = (prefix: string, shardId: string, group: LakePartition): string => {
  const first = group.records[0];
  const last = group.records[group.records.length - 1];
  if (!first || !last) {
    throw new Error(`lakeKey needs at least one record (given an empty ${group.dataset} ${group.partition})`);
  }
  if (!shardId) throw new Error('lakeKey needs the shard id the records came from (given an empty string)');
  return `${prefix}${group.dataset}/${group.partition}/${shardId}-${first.sequenceNumber}-${last.sequenceNumber}.parquet`;
};
