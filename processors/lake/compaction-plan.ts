import type { Dataset } from '../../schemas/envelope.ts';
import {
  type ListedLakeFile,
  lakeSnapshot,
  listedSecond,
  type PartitionFiles,
  partitionStartMs,
} from './lake-files.ts';

const HOUR_MS = 3_600_000;

/** What decides which hours are compacted, into how many parts, and when obsolete files go. */
export interface CompactionSettings {
  /** The stack's event-time policy: how late an event may arrive and still be archived. */
  readonly allowedLatenessMs: number;
  /** Beyond the lateness: how far behind the archive may run (its iterator age) before an hour counts as closed. */
  readonly settleMarginMs: number;
  /** How long superseded files stay after the generation that covers them became visible: the longest query. */
  readonly graceMs: number;
  /** The size a part aims at; parts stay within [minPartBytes, maxPartBytes] where the hour's size allows. */
  readonly targetPartBytes: number;
  readonly minPartBytes: number;
  readonly maxPartBytes: number;
  /**
   * The longest a lake PUT can be in flight (the archive function's timeout): a generation is dated this far
   * before its listing, so every file it covers had landed when the listing ran.
   */
  readonly writeMarginMs: number;
}

/** One partition to (re)write as a generation. */
export interface PartitionWork {
  readonly dataset: Dataset;
  readonly partition: string;
  /** The files the generation replaces: what a query reads now, written no later than the generation. */
  readonly inputs: ListedLakeFile[];
  readonly inputBytes: number;
  /** The generation's id: no input was written after it (whole seconds, as listings show times). */
  readonly generationMs: number;
  readonly parts: number;
  /** Parts of this generation already written by an earlier run that stopped between parts. */
  readonly resume?: readonly number[];
}

export interface CompactionPlan {
  readonly work: PartitionWork[];
  /** Superseded and incomplete files no query can be reading any more. */
  readonly deletions: ListedLakeFile[];
  /** Partitions seen, and how many of them are still open (within lateness + margin of now). */
  readonly partitions: number;
  readonly open: number;
}

/** Parts for `bytes`: near the target, each within [min, max] when the hour is big enough for that. */
export const partsFor = (bytes: number, settings: CompactionSettings): number => {
  const { targetPartBytes, minPartBytes, maxPartBytes } = settings;
  let parts = Math.max(1, Math.round(bytes / targetPartBytes));
  if (bytes / parts > maxPartBytes) parts = Math.ceil(bytes / maxPartBytes);
  if (parts > 1 && bytes / parts < minPartBytes) parts = Math.max(1, Math.floor(bytes / minPartBytes));
  return parts;
};

/** Whether an hour can no longer receive events from the live pipeline: end + lateness + margin ≤ now. */
export const isClosed = (partition: string, nowMs: number, settings: CompactionSettings): boolean =>
  partitionStartMs(partition) + HOUR_MS + settings.allowedLatenessMs + settings.settleMarginMs <= nowMs;

const sum = (files: readonly ListedLakeFile[]) => files.reduce((total, f) => total + f.bytes, 0);

const generationOfKey = (key: string): { generationMs: number; part: number; parts: number } | undefined => {
  const match = /compacted-(\d{13})-(\d+)-of-(\d+)\.parquet$/.exec(key);
  return match
    ? { generationMs: Number(match[1]), part: Number(match[2]), parts: Number(match[3]) }
    : undefined;
};

/**
 * The newest incomplete generation newer than the complete one, to be finished rather than started anew: a
 * run that stopped between parts (its time budget, a crash) left it; its inputs are still visible.
 */
const resumable = (files: PartitionFiles) => {
  const newer = files.incomplete
    .map((f) => generationOfKey(f.key))
    .filter((g) => g !== undefined && g.generationMs > (files.generationMs ?? 0));
  if (newer.length === 0) return undefined;
  const generationMs = Math.max(...newer.map((g) => g?.generationMs ?? 0));
  const mine = newer.filter((g) => g?.generationMs === generationMs);
  const counts = new Set(mine.map((g) => g?.parts));
  if (counts.size !== 1) return undefined;
  return {
    generationMs,
    parts: [...counts][0] as number,
    written: mine.map((g) => g?.part as number).sort(),
  };
};

/**
 * A closed partition's work, if any: stream files beside a generation, or more stream files than the hour's
 * size needs parts.
 */
const workOf = (
  files: PartitionFiles,
  generationMs: number,
  settings: CompactionSettings,
): PartitionWork | undefined => {
  const resume = resumable(files);
  const generation = resume?.generationMs ?? generationMs;
  // Only files the listing shows as written by the generation's time: a PUT in flight then lists later.
  const inputs = files.visible.filter((f) => listedSecond(f.lastModifiedMs) <= generation);
  const base = { dataset: files.dataset, partition: files.partition, inputs, inputBytes: sum(inputs) };
  if (resume) return { ...base, generationMs: generation, parts: resume.parts, resume: resume.written };
  if (inputs.length <= 1) return undefined;
  const streamFiles = inputs.some((f) => !generationOfKey(f.key));
  // A generation alone is left as it is: its parts were planned from its inputs' size, and its output (better
  // compressed, duplicates gone) would otherwise plan fewer parts every run.
  if (!streamFiles) return undefined;
  const parts = partsFor(base.inputBytes, settings);
  const streamBeside = files.generationMs !== undefined;
  return streamBeside || parts < inputs.length ? { ...base, generationMs, parts } : undefined;
};

/** Files a query can no longer be reading: superseded ≥ grace after the commit, incomplete ≥ grace old. */
const deletionsOf = (files: PartitionFiles, nowMs: number, settings: CompactionSettings, keep?: number) => {
  const committed = files.committedMs ?? Number.POSITIVE_INFINITY;
  const superseded = committed + settings.graceMs <= nowMs ? files.superseded : [];
  const incomplete = files.incomplete.filter(
    (f) => f.lastModifiedMs + settings.graceMs <= nowMs && generationOfKey(f.key)?.generationMs !== keep,
  );
  return [...superseded, ...incomplete];
};

/**
 * What one compaction run does, from one listing of the lake prefix: which closed partitions to rewrite (and
 * into how many parts) and which obsolete files to delete. Open hours are left alone entirely.
 */
export const planCompaction = (
  listing: readonly ListedLakeFile[],
  prefix: string,
  nowMs: number,
  settings: CompactionSettings,
): CompactionPlan => {
  const snapshot = lakeSnapshot(listing, prefix);
  const generationMs = listedSecond(nowMs - settings.writeMarginMs);
  const work: PartitionWork[] = [];
  const deletions: ListedLakeFile[] = [];
  let open = 0;
  for (const files of snapshot) {
    if (!isClosed(files.partition, nowMs, settings)) {
      open++;
      continue;
    }
    const partitionWork = workOf(files, generationMs, settings);
    if (partitionWork) work.push(partitionWork);
    deletions.push(
      ...deletionsOf(files, nowMs, settings, partitionWork?.resume && partitionWork.generationMs),
    );
  }
  return { work, deletions, partitions: snapshot.length, open };
};
