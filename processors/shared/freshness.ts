import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import type { ClassifiedBatch } from './classify.ts';

/** How far behind a processor is when it handles a batch, in ms; a side is absent when nothing measured it. */
export interface Freshness {
  /** now − the newest accepted event time: how old the freshest data it just counted is. */
  readonly eventAgeMs?: number;
  /** now − the newest arrival in the stream: how long the freshest record waited to be processed. */
  readonly arrivalAgeMs?: number;
}

/**
 * Pure: now − the newest of the items' times (epoch ms), or undefined when no item has one. Never
 * negative: producers' clocks may run ahead of Lambda's, and "ahead" still means fresh.
 */
export const ageOfNewest = <T>(
  items: readonly T[],
  timeMsOf: (item: T) => number | undefined,
  nowMs: number,
): number | undefined => {
  let newest = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const timeMs = timeMsOf(item);
    if (timeMs !== undefined && timeMs > newest) newest = timeMs;
  }
  return Number.isFinite(newest) ? Math.max(0, nowMs - newest) : undefined;
};

/** Pure: the freshness of a Kinesis batch; Kinesis gives arrival times in epoch seconds. */
export const freshnessOf = (
  records: readonly KinesisStreamRecord[],
  batch: ClassifiedBatch,
  nowMs: number,
): Freshness => {
  const eventAgeMs = ageOfNewest(batch.accepted, (record) => record.eventTimeMs, nowMs);
  const arrivalAgeMs = ageOfNewest(
    records,
    (record) => record.kinesis.approximateArrivalTimestamp * 1000,
    nowMs,
  );
  return {
    ...(eventAgeMs !== undefined ? { eventAgeMs } : {}),
    ...(arrivalAgeMs !== undefined ? { arrivalAgeMs } : {}),
  };
};

/**
 * Pure: the freshness of a DynamoDB stream batch. Only the arrival side: a stream record is an item
 * change, not an event, and its `ApproximateCreationDateTime` is in epoch seconds.
 */
export const streamFreshnessOf = (records: readonly DynamoDBRecord[], nowMs: number): Freshness => {
  const arrivalAgeMs = ageOfNewest(
    records,
    (record) => {
      const created = record.dynamodb?.ApproximateCreationDateTime;
      return created === undefined ? undefined : created * 1000;
    },
    nowMs,
  );
  return arrivalAgeMs !== undefined ? { arrivalAgeMs } : {};
};
