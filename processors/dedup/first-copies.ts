import type { KinesisStreamRecord } from 'aws-lambda';
import { type AcceptedRecord, type ClassifiedBatch, positionKey } from '../shared/classify.ts';
import type { DedupMemory } from './shard-memory.ts';

/** A classified batch with producer duplicates taken out of what it accepted. */
export interface FirstCopies {
  readonly batch: ClassifiedBatch;
  /** Accepted records that were later copies of an event already counted (dropped, counted in the metrics). */
  readonly duplicates: readonly AcceptedRecord[];
  /** Records of this batch this consumer remembered before (delivered again), left out or not as asked. */
  readonly redelivered: number;
  /**
   * Stores what this batch adds to the memory, with `batchId` if given (DedupMemory.remembersBatch); the batch
   * may succeed only once this resolved.
   */
  remember(batchId?: string): Promise<void>;
}

const idOf = (record: AcceptedRecord) => ({
  eventId: record.event.eventId,
  // A batch's events share a sequence number: the index tells two copies in one record apart (D36).
  sequenceNumber: positionKey(record),
});

/**
 * Splits off the duplicates of a consumer's batch (docs/decisions.md, D14). With `leaveOutRedelivered`, records
 * this consumer remembered before (itself, delivered again) are left out too: for a consumer that remembers a
 * batch only once all its writes landed and has no high-water marks (the archive), they are stored already.
 */
export const firstCopiesOf = async (
  memory: DedupMemory,
  records: readonly KinesisStreamRecord[],
  classified: ClassifiedBatch,
  { leaveOutRedelivered = false } = {},
): Promise<FirstCopies> => {
  const first = records[0];
  if (!first || classified.accepted.length === 0) {
    return { batch: classified, duplicates: [], redelivered: 0, remember: async () => undefined };
  }
  const arrivedAtMs = first.kinesis.approximateArrivalTimestamp * 1000;
  const split = await memory.split(classified.shardId, arrivedAtMs, classified.accepted, idOf);
  const redelivered = new Set(leaveOutRedelivered ? split.redelivered : []);
  return {
    batch: { ...classified, accepted: split.first.filter((record) => !redelivered.has(record)) },
    redelivered: split.redelivered.length,
    duplicates: split.duplicates,
    remember: (batchId) =>
      memory.remember(
        classified.shardId,
        arrivedAtMs,
        first.kinesis.sequenceNumber,
        split.remembered,
        batchId,
      ),
  };
};
