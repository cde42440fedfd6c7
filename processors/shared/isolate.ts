import type { KinesisStreamRecord } from 'aws-lambda';
import {
  type AcceptedRecord,
  type ClassifiedBatch,
  eventRecordData,
  type RejectedRecord,
} from './classify.ts';

export interface IsolatedStep<T> {
  /** The step's result over the records it could process. */
  readonly result: T;
  /** The batch with the records the step could not process moved from accepted to rejected. */
  readonly batch: ClassifiedBatch;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Splits `records` into those `step` processes alone or in groups, and those that make it throw. */
const bisect = <T>(
  records: readonly AcceptedRecord[],
  step: (records: readonly AcceptedRecord[]) => T,
  failed: { record: AcceptedRecord; error: unknown }[],
): AcceptedRecord[] => {
  if (records.length === 0) return [];
  try {
    step(records);
    return [...records];
  } catch (error) {
    const [only] = records;
    if (records.length === 1 && only) {
      failed.push({ record: only, error });
      return [];
    }
    const middle = Math.ceil(records.length / 2);
    return [
      ...bisect(records.slice(0, middle), step, failed),
      ...bisect(records.slice(middle), step, failed),
    ];
  }
};

/**
 * Runs a pure per-batch step (pre-aggregation, Parquet encoding) so that a record which makes it throw
 * costs only itself: on a throw, the records that fail alone are found by bisecting in process and
 * quarantined as `unprocessable`, and the step runs again over the rest. The same batch always loses
 * the same records, so retries still produce the same items and the same lake file names. A step that
 * fails only for a combination of records that each pass alone still throws: Lambda retries the batch.
 */
export const isolateUnprocessable = <T>(
  records: readonly KinesisStreamRecord[],
  batch: ClassifiedBatch,
  step: (accepted: readonly AcceptedRecord[]) => T,
): IsolatedStep<T> => {
  try {
    return { result: step(batch.accepted), batch };
  } catch {
    const failed: { record: AcceptedRecord; error: unknown }[] = [];
    const kept = bisect(batch.accepted, step, failed);
    const bySequence = new Map(records.map((record) => [record.kinesis.sequenceNumber, record]));
    const unprocessable = failed.map(({ record, error }): RejectedRecord => {
      const raw = bySequence.get(record.sequenceNumber);
      return {
        reason: 'unprocessable',
        detail: `${messageOf(error)}: the event passed its contract but the consumer could not process it; fix the consumer or the contract, then npm run replay`,
        shardId: batch.shardId,
        sequenceNumber: record.sequenceNumber,
        ...(record.index === undefined ? {} : { index: record.index }),
        partitionKey: raw?.kinesis.partitionKey ?? '',
        approximateArrivalTimestamp: raw?.kinesis.approximateArrivalTimestamp ?? 0,
        // One event of a batch is quarantined alone (D36), its edge included.
        data: record.index === undefined ? (raw?.kinesis.data ?? '') : eventRecordData(record.event),
      };
    });
    return {
      result: step(kept),
      batch: { shardId: batch.shardId, accepted: kept, rejected: [...batch.rejected, ...unprocessable] },
    };
  }
};
