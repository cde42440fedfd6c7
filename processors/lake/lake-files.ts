import { DATASETS, type Dataset } from '../../schemas/envelope.ts';

/** A lake object as a listing sees it (S3 ListObjectsV2, or a stat of the local object). */
export interface ListedLakeFile {
  readonly key: string;
  /** S3's Last-Modified: whole seconds (a listing never shows milliseconds). */
  readonly lastModifiedMs: number;
  readonly bytes: number;
}

/** What a lake file's name says it is. */
export type LakeFileName =
  /** `<shard>-<first>-<last>.parquet`: written by the archive (D8). */
  | { readonly kind: 'stream'; readonly shardId: string; readonly first: string; readonly last: string }
  /** `compacted-<13-digit ms>-<part>-of-<parts>.parquet`: one part of a compaction generation. */
  | {
      readonly kind: 'compacted';
      readonly generationMs: number;
      readonly part: number;
      readonly parts: number;
    };

const COMPACTED = /^compacted-(\d{13})-(\d+)-of-(\d+)\.parquet$/;
const STREAM = /^(.+)-(\d+)-(\d+)\.parquet$/;
const PARTITION = /^dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}$/;

/** The kind of a lake file by its name; undefined for a foreign object (readers ignore it). */
export const parseLakeFileName = (name: string): LakeFileName | undefined => {
  const compacted = COMPACTED.exec(name);
  if (compacted) {
    const part = Number(compacted[2]);
    const parts = Number(compacted[3]);
    if (part < 1 || part > parts) return undefined;
    return { kind: 'compacted', generationMs: Number(compacted[1]), part, parts };
  }
  const stream = STREAM.exec(name);
  if (!stream) return undefined;
  return {
    kind: 'stream',
    shardId: stream[1] as string,
    first: stream[2] as string,
    last: stream[3] as string,
  };
};

/** `lake/<dataset>/dt=…/hour=…/compacted-<generation>-<part>-of-<parts>.parquet`. */
export const compactedFileKey = (
  prefix: string,
  dataset: Dataset,
  partition: string,
  generationMs: number,
  part: number,
  parts: number,
): string => {
  const generation = String(generationMs);
  if (!Number.isSafeInteger(generationMs) || generation.length !== 13) {
    throw new Error(`a generation is a 13-digit epoch millisecond (given ${generationMs})`);
  }
  if (!Number.isInteger(parts) || parts < 1 || !Number.isInteger(part) || part < 1 || part > parts) {
    throw new Error(`a compacted part is numbered 1 to its parts (given part ${part} of ${parts})`);
  }
  if (!PARTITION.test(partition)) {
    throw new Error(`a lake partition reads dt=YYYY-MM-DD/hour=HH (given ${JSON.stringify(partition)})`);
  }
  return `${prefix}${dataset}/${partition}/compacted-${generation}-${part}-of-${parts}.parquet`;
};

/** Per partition of a listing: what a query reads and what compaction has made obsolete. */
export interface PartitionFiles {
  readonly dataset: Dataset;
  /** `dt=2026-11-22/hour=05`. */
  readonly partition: string;
  /** What a query reads: the newest complete generation and the stream files written after it. */
  readonly visible: ListedLakeFile[];
  /** Covered by the newest complete generation; deletable once no query can still be reading them. */
  readonly superseded: ListedLakeFile[];
  /** Parts of generations not (yet) complete: never read. */
  readonly incomplete: ListedLakeFile[];
  /** Objects whose names are no lake file's: never read, reported. */
  readonly foreign: ListedLakeFile[];
  /** The newest complete generation, if any. */
  readonly generationMs?: number;
  /** When the newest complete generation became visible (its last part's Last-Modified). */
  readonly committedMs?: number;
}

/** S3 reports Last-Modified to the second; local listings are cut to the same precision. */
export const listedSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

interface Generation {
  readonly parts: Map<number, ListedLakeFile>;
  readonly counts: Set<number>;
  readonly files: ListedLakeFile[];
}

/** A generation is complete when all its parts 1..parts exist (and every part agrees on `parts`). */
const isComplete = (generation: Generation | undefined): boolean =>
  generation !== undefined &&
  generation.counts.size === 1 &&
  generation.parts.size === [...generation.counts][0];

/** The generations of one partition's compacted files, and which ones are complete. */
const generationsOf = (files: readonly { file: ListedLakeFile; name: LakeFileName }[]) => {
  const generations = new Map<number, Generation>();
  for (const { file, name } of files) {
    if (name.kind !== 'compacted') continue;
    let generation = generations.get(name.generationMs);
    if (!generation) {
      generation = { parts: new Map(), counts: new Set(), files: [] };
      generations.set(name.generationMs, generation);
    }
    generation.parts.set(name.part, file);
    generation.counts.add(name.parts);
    generation.files.push(file);
  }
  const complete = [...generations].filter(([, g]) => isComplete(g)).map(([ms]) => ms);
  return { generations, newest: complete.length > 0 ? Math.max(...complete) : undefined };
};

const byKey = (a: ListedLakeFile, b: ListedLakeFile) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** One partition's files sorted into visible, superseded, incomplete and foreign (the rule of D31). */
const snapshotOf = (
  dataset: Dataset,
  partition: string,
  files: readonly { file: ListedLakeFile; name: LakeFileName | undefined }[],
): PartitionFiles => {
  const named = files.filter((f): f is { file: ListedLakeFile; name: LakeFileName } => f.name !== undefined);
  const foreign = files.filter((f) => f.name === undefined).map((f) => f.file);
  const { generations, newest } = generationsOf(named);
  const visible: ListedLakeFile[] = [];
  const superseded: ListedLakeFile[] = [];
  const incomplete: ListedLakeFile[] = [];
  for (const { file, name } of named) {
    if (name.kind === 'stream') {
      if (newest === undefined || listedSecond(file.lastModifiedMs) > newest) visible.push(file);
      else superseded.push(file);
    } else if (name.generationMs === newest) visible.push(file);
    else if (
      newest !== undefined &&
      name.generationMs < newest &&
      isComplete(generations.get(name.generationMs))
    )
      superseded.push(file);
    else incomplete.push(file);
  }
  const committed = newest === undefined ? undefined : generations.get(newest)?.files;
  return {
    dataset,
    partition,
    visible: visible.sort(byKey),
    superseded: superseded.sort(byKey),
    incomplete: incomplete.sort(byKey),
    foreign: foreign.sort(byKey),
    ...(newest !== undefined && {
      generationMs: newest,
      committedMs: Math.max(...(committed ?? []).map((f) => f.lastModifiedMs)),
    }),
  };
};

/**
 * A listing of `<prefix><dataset>/dt=…/hour=…/` objects, per partition: what a query reads (the newest
 * complete generation plus stream files written after it, or every stream file), what is superseded, what
 * belongs to an incomplete generation. Objects outside a dataset's partitions are left out.
 */
export const lakeSnapshot = (files: readonly ListedLakeFile[], prefix: string): PartitionFiles[] => {
  const partitions = new Map<string, { file: ListedLakeFile; name: LakeFileName | undefined }[]>();
  for (const file of files) {
    if (!file.key.startsWith(prefix)) continue;
    const [dataset, dt, hour, name, ...rest] = file.key.slice(prefix.length).split('/');
    const partition = `${dt}/${hour}`;
    if (!DATASETS.includes(dataset as Dataset) || !PARTITION.test(partition) || !name || rest.length > 0)
      continue;
    const id = `${dataset}/${partition}`;
    const entries = partitions.get(id) ?? [];
    entries.push({ file, name: parseLakeFileName(name) });
    partitions.set(id, entries);
  }
  return [...partitions]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, entries]) => {
      const slash = id.indexOf('/');
      return snapshotOf(id.slice(0, slash) as Dataset, id.slice(slash + 1), entries);
    });
};

/** `dt=2026-11-22/hour=05` → the epoch ms its hour starts. */
export const partitionStartMs = (partition: string): number => {
  const match = /^dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})$/.exec(partition);
  const ms = match ? Date.parse(`${match[1]}T${match[2]}:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new Error(`a lake partition reads dt=YYYY-MM-DD/hour=HH (given ${JSON.stringify(partition)})`);
  }
  return ms;
};
