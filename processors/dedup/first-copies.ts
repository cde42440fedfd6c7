import type { KinesisStreamRecord } from 'aws-lambda';
import type { AcceptedRecord, ClassifiedBatch } from '../shared/classify.ts';
import type { DedupMemory } from './shard-memory.ts';

/** A classified batch with producer duplicates taken out of what it accepted. */
export interface FirstCopies {
  readonly batch: ClassifiedBatch;
  /** Accepted records that were later copies of an event already counted (dropped, counted in the metrics). */
  readonly duplicates: readonly AcceptedRecord[];
  /** Stores what this batch adds to the memory; the batch may succeed only once this resolved. */
  remember(): Promise<void>;
}

const idOf = (record: AcceptedRecord) => ({
  eventId: record.event.eventId,
  sequenceNumber: record.sequenceNumber,
});

/** Splits off the duplicates of a consumer's batch (docs/decisions.md, D14). */
export const firstCopiesOf = async (
  memory: DedupMemory,
  records: readonly KinesisStreamRecord[],
  classified: ClassifiedBatch,
): Promise<FirstCopies> => {
  const first = records[0];
  if (!first || classified.accepted.length === 0) {
    return { batch: classified, duplicates: [], remember: async () => undefined };
  }
  const arrivedAtMs = first.kinesis.approximateArrivalTimestamp * 1000;
  const split = await memory.split(classified.shardId, arrivedAtMs, classified.accepted, idOf);
  return {
    batch: { ...classified, accepted: split.first },
    duplicates: split.duplicates,
    remember: () =>
      memory.remember(classified.shardId, arrivedAtMs, first.kinesis.sequenceNumber, split.remembered),
  };
};
