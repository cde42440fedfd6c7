import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamRecord } from 'aws-lambda';
import { type RejectedRecord, shardIdOf } from './classify.ts';
import type { Freshness } from './freshness.ts';

/** What every log line of one invocation says about its batch: where from, which records, how many. */
export interface BatchLogKeys {
  /** Kinesis consumers: the shard the batch came from. */
  readonly shardId?: string;
  /** The fan-out: the label of the DynamoDB stream (its records carry no shard id). */
  readonly stream?: string;
  readonly firstSequenceNumber: string | undefined;
  readonly lastSequenceNumber: string | undefined;
  readonly batchSize: number;
}

/** Pure: the log keys of a Kinesis batch. */
export const kinesisBatchKeys = (records: readonly KinesisStreamRecord[]): BatchLogKeys => {
  const first = records[0];
  return {
    shardId: first ? shardIdOf(first.eventID) : undefined,
    firstSequenceNumber: first?.kinesis.sequenceNumber,
    lastSequenceNumber: records.at(-1)?.kinesis.sequenceNumber,
    batchSize: records.length,
  };
};

/**
 * Makes every following log line of this invocation carry the batch's keys. Powertools' "temporary"
 * keys (appendKeys) outlive the invocation unless its middleware resets them, and appending
 * `undefined` keeps the old value, so the previous batch's keys are dropped first.
 */
export const scopeLogsToBatch = (logger: Logger, keys: BatchLogKeys): void => {
  logger.resetKeys();
  logger.appendKeys({ ...keys });
};

/** Adds the freshness a batch measured; a side nothing measured is left out rather than sent as 0. */
export const addFreshnessMetrics = (metrics: Metrics, freshness: Freshness): void => {
  if (freshness.eventAgeMs !== undefined)
    metrics.addMetric('FreshnessEventAge', MetricUnit.Milliseconds, freshness.eventAgeMs);
  if (freshness.arrivalAgeMs !== undefined)
    metrics.addMetric('FreshnessArrivalAge', MetricUnit.Milliseconds, freshness.arrivalAgeMs);
};

/**
 * Publishes `QuarantinedByReason` once per reason present in the batch. Each goes out as its own EMF
 * line: its dimension set (service, reason) differs from the batch's other metrics (service).
 */
export const publishQuarantinedByReason = (metrics: Metrics, rejected: readonly RejectedRecord[]): void => {
  const byReason = new Map<string, number>();
  for (const record of rejected) byReason.set(record.reason, (byReason.get(record.reason) ?? 0) + 1);
  for (const [reason, count] of byReason) {
    const metric = metrics.singleMetric();
    metric.addDimension('reason', reason);
    metric.addMetric('QuarantinedByReason', MetricUnit.Count, count);
  }
};
