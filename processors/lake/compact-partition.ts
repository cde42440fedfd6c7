import { mapWithConcurrency } from '../shared/concurrency.ts';
import type { PartitionWork } from './compaction-plan.ts';
import { type EventTimePiece, type EventTimeSlice, planSlices } from './event-time-slices.ts';
import { compactedFileKey, partitionStartMs } from './lake-files.ts';
import type { LakeObjects } from './lake-objects.ts';
import { writePart } from './part-writer.ts';
import { rowGroupRanges } from './row-group-ranges.ts';
import { readSlice } from './slice-reader.ts';

export interface CompactorOptions {
  readonly objects: LakeObjects;
  /** `lake/`. */
  readonly prefix: string;
  /** Compressed input bytes a slice may span (estimated from row-group statistics): bounds memory. */
  readonly sliceBytes: number;
  /** Whether there is time to write one more part (a Lambda's remaining time); else the next run resumes. */
  readonly hasTimeForPart?: () => boolean;
  /** Awaited before each part's PUT (tests slow compaction down here so queries interleave). */
  readonly beforePut?: (part: number, parts: number) => Promise<void>;
}

/** What compacting one partition did. */
export interface PartitionResult {
  readonly dataset: string;
  readonly partition: string;
  readonly generationMs: number;
  readonly filesBefore: number;
  readonly bytesBefore: number;
  readonly parts: number;
  /** Parts written by this run (a resumed generation had some already). */
  readonly partsWritten: number;
  readonly bytesWritten: number;
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly duplicates: number;
  /** All parts exist: the generation is what queries read from now on. */
  readonly complete: boolean;
}

/** Footer reads in flight at once: small ranged GETs. */
const FOOTER_CONCURRENCY = 8;

/** Input bytes, fetched once per part and kept only while a later slice of the part still needs them. */
const sliceBytesSource = (objects: LakeObjects, slices: readonly EventTimeSlice[]) => {
  const cache = new Map<string, Promise<Uint8Array>>();
  return (index: number) => {
    const keep = new Set((slices[index + 1]?.pieces ?? []).map((p) => p.key));
    const current = new Set((slices[index]?.pieces ?? []).map((p) => p.key));
    for (const key of cache.keys()) if (!current.has(key) && !keep.has(key)) cache.delete(key);
    return (key: string) => {
      let bytes = cache.get(key);
      if (!bytes) {
        bytes = objects.get(key);
        cache.set(key, bytes);
      }
      return bytes;
    };
  };
};

/**
 * Writes one partition's generation: the inputs' row groups cut into event-time slices (planSlices), each
 * part streamed slice by slice (readSlice: filtered, unified, deduplicated, sorted) and PUT as
 * `compacted-<generation>-<i>-of-<n>.parquet`. The part that completes the generation is written last: that
 * PUT is the commit, because a query lists once when it plans. Parts a stopped run already wrote are kept.
 */
export const compactPartition = async (
  work: PartitionWork,
  options: CompactorOptions,
): Promise<PartitionResult> => {
  const hourStartMs = partitionStartMs(work.partition);
  const pieces: EventTimePiece[][] = [];
  await mapWithConcurrency(work.inputs, FOOTER_CONCURRENCY, async (file, i) => {
    pieces[i] = await rowGroupRanges(options.objects, file, hourStartMs);
  });
  const plan = planSlices(pieces.flat(), work.parts, options.sliceBytes);
  const written = new Set(work.resume ?? []);
  const totals = { partsWritten: 0, bytesWritten: 0, rowsRead: 0, rowsWritten: 0, duplicates: 0 };
  for (const { part, slices } of plan) {
    if (written.has(part)) continue;
    if (options.hasTimeForPart && !options.hasTimeForPart()) break;
    const source = sliceBytesSource(options.objects, slices);
    async function* rows() {
      for (const [index, slice] of slices.entries()) {
        const read = await readSlice(work.dataset, slice, source(index));
        totals.rowsRead += read.rowsRead;
        totals.rowsWritten += read.events.length;
        totals.duplicates += read.duplicates;
        yield read.events;
      }
    }
    const bytes = await writePart(work.dataset, rows());
    await options.beforePut?.(part, work.parts);
    const key = compactedFileKey(
      options.prefix,
      work.dataset,
      work.partition,
      work.generationMs,
      part,
      work.parts,
    );
    await options.objects.put(key, bytes);
    written.add(part);
    totals.partsWritten++;
    totals.bytesWritten += bytes.byteLength;
  }
  return {
    dataset: work.dataset,
    partition: work.partition,
    generationMs: work.generationMs,
    filesBefore: work.inputs.length,
    bytesBefore: work.inputBytes,
    parts: work.parts,
    ...totals,
    complete: written.size === work.parts,
  };
};
