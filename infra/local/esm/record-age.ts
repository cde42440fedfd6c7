import type { DeliverableRecord } from './batch-delivery.ts';

/**
 * How old a record is, for MaximumRecordAgeInSeconds and the iterator age alike: counted from
 * `ageFromMs` when the source gives one (DynamoDB Local's minute-rounded creation times would
 * otherwise add up to a minute).
 */
export const recordAgeMs = (record: DeliverableRecord, nowMs: number): number =>
  nowMs - (record.ageFromMs ?? record.arrivalMs);

/**
 * How many records of a batch are older than MaximumRecordAgeInSeconds allows (-1: records never
 * expire). Records arrive in order, so these are the first ones of the batch.
 */
export const expiredCount = (
  records: readonly DeliverableRecord[],
  maximumRecordAgeMs: number,
  nowMs: number,
): number => {
  if (maximumRecordAgeMs < 0) return 0;
  return records.filter((record) => recordAgeMs(record, nowMs) > maximumRecordAgeMs).length;
};
