import { datasetOf } from '../../schemas/index.ts';
import type { AcceptedRecord } from '../shared/classify.ts';
import { compareSequence } from '../shared/sequence.ts';
import type { LakeFileRange } from './lake-key.ts';
import { partitionOf } from './partition.ts';

/**
 * What a batch announces, per shard, before it writes its lake files (docs/decisions.md, the archive's crash
 * window): the files it is about to write, and the files of an earlier batch that are known to be in the lake
 * and may still hold records a later delivery brings again. The batch's memory item carries the intent's id
 * once every file landed; an intent whose id no memory item carries was cut short, and the next batch asks
 * the lake which of its files exist.
 */
export interface LakeIntent {
  /** Unique per batch. */
  readonly id: string;
  readonly files: readonly LakeFileRange[];
}

/**
 * The partition keys of the intents in the dedup table start so (`archive-intent#<shard>`): apart from the
 * memory's `archive#<shard>`, so the memory's Query never returns an intent; the stack grants by this prefix.
 */
export const INTENT_PARTITION_PREFIX = 'archive-intent#';

/** Whether `record` is one the file holds: same dataset and hour, its sequence number within the range. */
export const holds = (file: LakeFileRange, record: AcceptedRecord): boolean =>
  compareSequence(record.sequenceNumber, file.first) >= 0 &&
  compareSequence(record.sequenceNumber, file.last) <= 0 &&
  datasetOf(record.event.schema) === file.dataset &&
  partitionOf(record.eventTimeMs) === file.partition;

/**
 * The files a batch starting at `firstSequenceNumber` may find records of: those ending at or after it. One
 * that ends before it was passed by batches that succeeded (the mapping moved its checkpoint past them), and
 * those batches remembered its records.
 */
export const stillOpen = (files: readonly LakeFileRange[], firstSequenceNumber: string): LakeFileRange[] =>
  files.filter((file) => compareSequence(file.last, firstSequenceNumber) >= 0);

export interface StoredSplit {
  /** Records no file in the lake holds: to write. */
  readonly toWrite: AcceptedRecord[];
  /** Records a file in the lake holds already (a batch cut short after its file landed): left out. */
  readonly stored: AcceptedRecord[];
}

/** Splits accepted records (a batch's first copies) by whether one of the lake files `inLake` holds them. */
export const leaveOutStored = (
  records: readonly AcceptedRecord[],
  inLake: readonly LakeFileRange[],
): StoredSplit => {
  if (inLake.length === 0) return { toWrite: [...records], stored: [] };
  const split: StoredSplit = { toWrite: [], stored: [] };
  for (const record of records) {
    (inLake.some((file) => holds(file, record)) ? split.stored : split.toWrite).push(record);
  }
  return split;
};

/** The intent of a batch about to write `own`, keeping the files in the lake that later records may fall in. */
export const nextIntent = (
  id: string,
  inLake: readonly LakeFileRange[],
  own: readonly LakeFileRange[],
): LakeIntent => ({ id, files: [...inLake, ...own] });
