import { ROW_GROUP_SIZE } from '../../processors/archive/parquet-encoder.ts';
import { partitionOf } from '../../processors/archive/partition.ts';
import { type CompactionSettings, partsFor } from '../../processors/lake/compaction-plan.ts';
import {
  compactedFileKey,
  lakeSnapshot,
  listedSecond,
  type PartitionFiles,
} from '../../processors/lake/lake-files.ts';
import type { LakeObjects } from '../../processors/lake/lake-objects.ts';
import { writePart } from '../../processors/lake/part-writer.ts';
import type { AcceptancePolicy } from '../../processors/shared/classify.ts';
import { mapWithConcurrency } from '../../processors/shared/concurrency.ts';
import { DATASETS, type Dataset } from '../../schemas/envelope.ts';
import type { EventTimeRange } from '../verify/rollup-sql.ts';
import { HOUR_MS } from './backfill-range.ts';
import { HourTooLargeError } from './raw-budget.ts';
import { type RawObject, type RebuiltHour, rebuildHour } from './raw-hour.ts';
import { rawArrivalMs, rawLines, rawPrefixes, rawReadWindow } from './raw-objects.ts';

/** The raw zone as the rebuild reads it: the Firehose destination's bucket, prefix and buffering. */
export interface RawZone {
  readonly objects: Pick<LakeObjects, 'list' | 'get'>;
  /** The delivery stream's data Prefix as declared, e.g. `raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/`. */
  readonly dataPrefix: string;
  /** Its BufferingHints interval: how much later than its object's stamp a record may have arrived. */
  readonly bufferIntervalMs: number;
}

export interface LakeRebuildRequest {
  readonly raw: RawZone;
  readonly lake: LakeObjects;
  /** `lake/`: the archive's LAKE_PREFIX. */
  readonly lakePrefix: string;
  /** The archive's acceptance policy (its environment). */
  readonly policy: AcceptancePolicy;
  /** Compaction's settings: parts are sized as compaction sizes them. */
  readonly compaction: CompactionSettings;
  /** Whole, closed hours of event time. */
  readonly range: EventTimeRange;
  /**
   * The most stored raw bytes one hour may read: the rebuild holds an hour in memory (≈ 16–18.5 heap bytes per
   * compressed raw byte, D32), so a larger hour is refused before any is read. @default no limit
   */
  readonly maxHourBytes?: number;
  /** Read and report, write nothing. @default false */
  readonly dryRun?: boolean;
  /** The clock generations are dated by (a real one: it orders them against the lake's own writes). @default Date.now */
  readonly now?: () => number;
}

/** One dataset's new generation for the hour. */
export interface RebuiltGeneration {
  readonly dataset: Dataset;
  readonly events: number;
  readonly generationMs: number;
  readonly parts: number;
  readonly bytes: number;
  /** The files queries read before (stream files and older generations), replaced by this generation. */
  readonly replacedFiles: number;
}

export interface HourRebuild extends Omit<RebuiltHour, 'partitions'> {
  readonly hourMs: number;
  readonly objectsRead: number;
  /** The stored (compressed) bytes of those objects, as listed. */
  readonly rawBytes: number;
  readonly generations: RebuiltGeneration[];
  /** Datasets with files in the lake for the hour but no record in raw: left as they are. */
  readonly keptDatasets: Dataset[];
}

export interface LakeRebuildReport {
  readonly range: EventTimeRange;
  readonly dryRun: boolean;
  readonly hours: HourRebuild[];
}

/** Raw objects fetched and unzipped at once. */
const READ_CONCURRENCY = 8;

/** One listed raw object of an hour's read window: its key, its stamp, its stored (compressed) size. */
interface ListedRawObject {
  readonly key: string;
  readonly arrivalMs: number;
  readonly bytes: number;
}

/** The raw objects whose stamps fall in the hour's read window, in stamp order, from the listing only. */
const listRawHour = async (
  raw: RawZone,
  hourMs: number,
  policy: AcceptancePolicy,
): Promise<ListedRawObject[]> => {
  const window = rawReadWindow(hourMs, policy, raw.bufferIntervalMs);
  return (await Promise.all(rawPrefixes(raw.dataPrefix, window).map((p) => raw.objects.list(p))))
    .flat()
    .map((file) => ({ key: file.key, arrivalMs: rawArrivalMs(file.key), bytes: file.bytes }))
    .filter((o) => o.arrivalMs >= window.fromMs && o.arrivalMs < window.toMs)
    .sort((a, b) => a.arrivalMs - b.arrivalMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
};

/** The listed objects fetched and unzipped, in the listing's (stamp) order. */
const readRawObjects = async (raw: RawZone, listed: readonly ListedRawObject[]): Promise<RawObject[]> => {
  const objects: RawObject[] = [];
  await mapWithConcurrency(listed, READ_CONCURRENCY, async (o, i) => {
    objects[i] = { key: o.key, arrivalMs: o.arrivalMs, lines: rawLines(await raw.objects.get(o.key)) };
  });
  return objects;
};

/** The events in row groups the size the archive's encoder uses, one slice at a time for the part writer. */
async function* slicesOf(events: readonly object[]) {
  for (let i = 0; i < events.length; i += ROW_GROUP_SIZE) yield events.slice(i, i + ROW_GROUP_SIZE);
}

/** The hour's events as a generation's part bodies: one part unless compaction's sizes call for more. */
const encodeParts = async (dataset: Dataset, events: readonly object[], settings: CompactionSettings) => {
  const whole = await writePart(dataset, slicesOf(events));
  const parts = partsFor(whole.byteLength, settings);
  if (parts === 1) return [whole];
  const size = Math.ceil(events.length / parts);
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < parts; i++) {
    bodies.push(await writePart(dataset, slicesOf(events.slice(i * size, (i + 1) * size))));
  }
  return bodies;
};

/**
 * A generation newer than everything queries read now: the newest complete generation and every visible
 * file (whole seconds, as listings show them), and not before the clock's current second.
 */
const nextGenerationMs = (files: PartitionFiles | undefined, nowMs: number): number =>
  Math.max(
    listedSecond(nowMs),
    (files?.generationMs ?? 0) + 1_000,
    ...(files?.visible ?? []).map((f) => listedSecond(f.lastModifiedMs)),
  );

/** The hour's files per dataset, from one listing per dataset partition. */
const lakeFilesOf = async (request: LakeRebuildRequest, hourMs: number) => {
  const partition = partitionOf(hourMs);
  const snapshots = await Promise.all(
    DATASETS.map(async (dataset) =>
      lakeSnapshot(
        await request.lake.list(`${request.lakePrefix}${dataset}/${partition}/`),
        request.lakePrefix,
      ),
    ),
  );
  return new Map(snapshots.flat().map((files) => [files.dataset, files]));
};

/** Rebuilds one hour: reads its raw window, then writes each dataset's generation, its last part last. */
const rebuildOneHour = async (
  request: LakeRebuildRequest,
  hourMs: number,
  listed: readonly ListedRawObject[],
): Promise<HourRebuild> => {
  const objects = await readRawObjects(request.raw, listed);
  const { partitions, ...counts } = rebuildHour(
    objects,
    hourMs,
    request.policy,
    request.raw.bufferIntervalMs,
  );
  const lakeFiles = await lakeFilesOf(request, hourMs);
  const now = request.now ?? Date.now;
  const generations: RebuiltGeneration[] = [];
  for (const { dataset, partition, events } of partitions) {
    const files = lakeFiles.get(dataset);
    const generationMs = nextGenerationMs(files, now());
    const bodies = await encodeParts(dataset, events, request.compaction);
    if (!request.dryRun) {
      // In order: the last part completes the generation, and that PUT is what makes it visible (D31).
      for (const [i, body] of bodies.entries()) {
        const key = compactedFileKey(
          request.lakePrefix,
          dataset,
          partition,
          generationMs,
          i + 1,
          bodies.length,
        );
        await request.lake.put(key, body);
      }
    }
    generations.push({
      dataset,
      events: events.length,
      generationMs,
      parts: bodies.length,
      bytes: bodies.reduce((sum, b) => sum + b.byteLength, 0),
      replacedFiles: files?.visible.length ?? 0,
    });
  }
  const rebuilt = new Set(partitions.map((p) => p.dataset));
  const keptDatasets = [...lakeFiles.values()]
    .filter((files) => files.visible.length > 0 && !rebuilt.has(files.dataset))
    .map((files) => files.dataset);
  const rawBytes = listed.reduce((sum, o) => sum + o.bytes, 0);
  return { hourMs, objectsRead: objects.length, rawBytes, ...counts, generations, keptDatasets };
};

/**
 * Rebuilds the lake's hours from the raw zone through the archive's own code (classification, partitioning,
 * encoding): per event-time hour, a new complete generation per dataset, which the lake's visibility rule
 * (lakeSnapshot) makes replace the hour's stream files and older generations for queries at once; compaction
 * deletes the replaced files after its grace period. The range must be closed for the live consumers and for
 * the raw zone's buffering (the caller checks). An hour's events are held in memory while it is written, so every
 * hour is listed first and the range refused, before anything is read or written, when one exceeds `maxHourBytes`.
 */
export const rebuildLakeFromRaw = async (request: LakeRebuildRequest): Promise<LakeRebuildReport> => {
  const listings: { hourMs: number; listed: ListedRawObject[] }[] = [];
  for (let hourMs = request.range.fromMs; hourMs < request.range.toMs; hourMs += HOUR_MS) {
    listings.push({ hourMs, listed: await listRawHour(request.raw, hourMs, request.policy) });
  }
  if (request.maxHourBytes !== undefined) {
    const limit = request.maxHourBytes;
    const over = listings
      .map(({ hourMs, listed }) => ({ hourMs, rawBytes: listed.reduce((sum, o) => sum + o.bytes, 0) }))
      .filter((h) => h.rawBytes > limit);
    if (over.length > 0) throw new HourTooLargeError(over, limit);
  }
  const hours: HourRebuild[] = [];
  for (const { hourMs, listed } of listings) hours.push(await rebuildOneHour(request, hourMs, listed));
  return { range: request.range, dryRun: request.dryRun === true, hours };
};
