import { lambdaKinesisRecord } from '../../infra/local/esm/kinesis-event.ts';
import { partitionBatch, partitionOf } from '../../processors/archive/partition.ts';
import {
  type AcceptancePolicy,
  type AcceptedRecord,
  type ClassifiedBatch,
  classifyBatch,
  type QuarantineReason,
} from '../../processors/shared/classify.ts';
import type { Dataset } from '../../schemas/index.ts';
import { HOUR_MS } from './backfill-range.ts';

/** One raw object as the rebuild reads it: its key, the arrival its name stamps, its records' bytes. */
export interface RawObject {
  readonly key: string;
  readonly arrivalMs: number;
  readonly lines: readonly Uint8Array[];
}

/** A record whose fate depends on when, within its object's buffer interval, it really arrived. */
export interface BorderlineRecord {
  readonly key: string;
  readonly line: number;
  /** What the rebuild did with it (judged at the object's stamp) and what a later arrival would have done. */
  readonly rebuild: 'accepted' | 'too-late' | 'future-dated';
  readonly laterArrival: 'accepted' | 'too-late' | 'future-dated';
}

/** One dataset of the hour: its events in event-time order, producer duplicates left out. */
export interface RebuiltPartition {
  readonly dataset: Dataset;
  /** `dt=2026-11-22/hour=05`. */
  readonly partition: string;
  readonly events: object[];
}

export interface RebuiltHour {
  readonly partitions: RebuiltPartition[];
  /** Lines read from the objects (records of every hour, bad ones included). */
  readonly linesRead: number;
  /** Later copies of an event_id already taken for the hour. */
  readonly duplicates: number;
  /**
   * Bad lines, by reason, of the objects stamped within the hour (so a range counts each once): they are in
   * the quarantine already and are not written to the lake.
   */
  readonly rejected: ReadonlyMap<QuarantineReason, number>;
  /** Records of this hour judged differently at the object's stamp and at its latest possible arrival. */
  readonly borderline: BorderlineRecord[];
}

/** A raw line as the stream delivered it to the consumers, arriving at its object's stamp. */
const asStreamRecord = (line: Uint8Array, index: number, arrivalMs: number) =>
  lambdaKinesisRecord('raw', {
    partitionKey: '',
    sequenceNumber: String(index),
    data: Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('base64'),
    arrivalMs,
  });

type Verdict = BorderlineRecord['rebuild'];

/** The time-based verdict for an event time at an arrival: the last two checks of classify.ts, in its order. */
const verdictAt = (eventTimeMs: number, arrivalMs: number, policy: AcceptancePolicy): Verdict =>
  eventTimeMs < arrivalMs - policy.allowedLatenessMs
    ? 'too-late'
    : eventTimeMs > arrivalMs + policy.clockSkewMs
      ? 'future-dated'
      : 'accepted';

/** What the hour's objects have yielded so far. */
interface Tally {
  readonly rejected: Map<QuarantineReason, number>;
  readonly seen: Set<string>;
  readonly taken: AcceptedRecord[];
  readonly borderline: BorderlineRecord[];
  linesRead: number;
  duplicates: number;
}

/** The bad lines of one object: counted (when it is stamped in the hour), future-dated ones checked for the border. */
const tallyRejected = (
  object: RawObject,
  classified: ClassifiedBatch,
  hour: { readonly ms: number; readonly partition: string; readonly latestMs: number },
  policy: AcceptancePolicy,
  tally: Tally,
) => {
  // Bad lines are counted with the hour their object is stamped in, so each is counted once over a range.
  const stampedInHour = object.arrivalMs >= hour.ms && object.arrivalMs < hour.ms + HOUR_MS;
  for (const bad of classified.rejected) {
    if (stampedInHour) tally.rejected.set(bad.reason, (tally.rejected.get(bad.reason) ?? 0) + 1);
    if (bad.reason !== 'future-dated') continue;
    // Only a future-dated record can change its verdict at a later arrival: classify it again there.
    const line = Number(bad.sequenceNumber);
    const later = classifyBatch(
      [asStreamRecord(object.lines[line] as Uint8Array, line, hour.latestMs)],
      policy,
    );
    // The event itself: a batch line holds several (D36), at their indexes.
    const record = later.accepted.find((accepted) => accepted.index === bad.index);
    if (record && partitionOf(record.eventTimeMs) === hour.partition) {
      tally.borderline.push({ key: object.key, line, rebuild: 'future-dated', laterArrival: 'accepted' });
    }
  }
};

/** The accepted records of one object that belong to the hour: first copies taken, borderline ones noted. */
const tallyAccepted = (
  object: RawObject,
  classified: ClassifiedBatch,
  hour: { readonly partition: string; readonly latestMs: number },
  policy: AcceptancePolicy,
  tally: Tally,
) => {
  for (const record of classified.accepted) {
    if (partitionOf(record.eventTimeMs) !== hour.partition) continue;
    const laterArrival = verdictAt(record.eventTimeMs, hour.latestMs, policy);
    if (laterArrival !== 'accepted') {
      tally.borderline.push({
        key: object.key,
        line: Number(record.sequenceNumber),
        rebuild: 'accepted',
        laterArrival,
      });
    }
    if (tally.seen.has(record.event.eventId)) {
      tally.duplicates++;
      continue;
    }
    tally.seen.add(record.event.eventId);
    tally.taken.push(record);
  }
};

/**
 * The lake's content for one event-time hour, rebuilt from raw objects by the archive's own code: each line
 * classified as the consumers classify a stream record (classifyBatch, the stack's acceptance policy), with its
 * object's stamp as its arrival; the accepted records of the hour grouped by dataset (partitionBatch); producer
 * duplicates dropped by event_id, the first copy kept in arrival order (objects by stamp, then line order).
 * `objects` must come in stamp order. A record whose verdict would differ had it arrived as late as the
 * object's buffer interval allows is counted as borderline.
 */
export const rebuildHour = (
  objects: readonly RawObject[],
  hourMs: number,
  policy: AcceptancePolicy,
  bufferIntervalMs: number,
): RebuiltHour => {
  const partition = partitionOf(hourMs);
  const tally: Tally = {
    rejected: new Map(),
    seen: new Set(),
    taken: [],
    borderline: [],
    linesRead: 0,
    duplicates: 0,
  };
  for (const object of objects) {
    const records = object.lines.map((line, i) => asStreamRecord(line, i, object.arrivalMs));
    tally.linesRead += records.length;
    const classified = classifyBatch(records, policy);
    const hour = { ms: hourMs, partition, latestMs: object.arrivalMs + bufferIntervalMs + 1_000 };
    tallyRejected(object, classified, hour, policy, tally);
    tallyAccepted(object, classified, hour, policy, tally);
  }
  const { rejected, borderline, linesRead, duplicates, taken } = tally;
  const partitions = partitionBatch(taken).map((group) => ({
    dataset: group.dataset,
    partition: group.partition,
    // Stable: records of the same event time stay in arrival order.
    events: [...group.records].sort((a, b) => a.eventTimeMs - b.eventTimeMs).map((r) => r.event),
  }));
  return { partitions, linesRead, duplicates, rejected, borderline };
};
