import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import { padSequence } from '../shared/sequence.ts';
import { type WriteFailure, writeFailure } from '../shared/write-failure.ts';

export interface Sequenced {
  readonly sequenceNumber: string;
}

/** A target item and the records (in sequence order) that contribute to it in this batch. */
export interface MarkedTarget<R extends Sequenced> {
  readonly records: readonly R[];
}

/**
 * How one kind of target is written exactly once: the high-water-mark scheme (docs/decisions.md, D2).
 * `update` must ADD what `records` contribute and set the mark to the last record, on condition that the
 * mark is below the first (ReturnValuesOnConditionCheckFailure ALL_OLD spares a re-read); `refine`
 * (optional) improves min/max afterwards, since update expressions have no min()/max().
 */
export interface HighWaterMarkWriter<T extends MarkedTarget<R>, R extends Sequenced> {
  readonly client: DynamoDBDocumentClient;
  /** The attribute holding the mark, e.g. `hwm_<shard id or stream label>`. */
  readonly markAttribute: string;
  /** UpdateItem calls in flight at once. */
  readonly concurrency: number;
  /** How the log names a target whose write failed, e.g. its key. */
  subjectOf(target: T): string;
  update(target: T, records: readonly R[]): UpdateCommandInput;
  refine?(target: T, records: readonly R[], stored: Record<string, unknown>): UpdateCommandInput | undefined;
}

export interface HighWaterMarkReport<T> {
  /** Distinct target items: the lower bound on writes. */
  items: number;
  /** UpdateItem calls, including conflict retries and refinements. */
  writes: number;
  conflictRetries: number;
  refinements: number;
  /** Records an earlier delivery already applied, skipped by the mark. */
  duplicatesSkipped: number;
  /** Targets whose write failed; the batch reports their first record so Lambda retries from there. */
  failed: (WriteFailure & { readonly target: T })[];
}

/** The item as the failed write found it: from the exception, or re-read when it carries none. */
const storedOf = async (
  client: DynamoDBDocumentClient,
  write: UpdateCommandInput,
  error: ConditionalCheckFailedException,
): Promise<Record<string, unknown>> => {
  if (error.Item) return unmarshall(error.Item as Parameters<typeof unmarshall>[0]);
  const got = await client.send(
    new GetCommand({ TableName: write.TableName, Key: write.Key, ConsistentRead: true }),
  );
  return got.Item ?? {};
};

/** Improves min/max until the stored item needs no refinement, re-reading it when another writer got there first. */
const refine = async <T extends MarkedTarget<R>, R extends Sequenced>(
  writer: HighWaterMarkWriter<T, R>,
  report: HighWaterMarkReport<T>,
  target: T,
  records: readonly R[],
  stored: Record<string, unknown>,
): Promise<void> => {
  for (let current = stored; writer.refine; ) {
    const refinement = writer.refine(target, records, current);
    if (!refinement) return;
    try {
      report.writes++;
      report.refinements++;
      await writer.client.send(new UpdateCommand(refinement));
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      current = await storedOf(writer.client, refinement, error);
    }
  }
};

/**
 * Of the records a failed condition refused, those past the stored mark (an earlier delivery applied the
 * rest), with the item as stored. Throws when the mark is below all of them: then something other than the
 * mark refused the write.
 */
const recordsPastMark = async <T extends MarkedTarget<R>, R extends Sequenced>(
  writer: HighWaterMarkWriter<T, R>,
  report: HighWaterMarkReport<T>,
  update: UpdateCommandInput,
  records: readonly R[],
  error: ConditionalCheckFailedException,
): Promise<{ beyond: readonly R[]; applied: readonly R[]; stored: Record<string, unknown> }> => {
  const stored = await storedOf(writer.client, update, error);
  const mark = String(stored[writer.markAttribute] ?? '');
  const beyond = records.filter((r) => padSequence(r.sequenceNumber) > mark);
  const applied = records.filter((r) => padSequence(r.sequenceNumber) <= mark);
  report.duplicatesSkipped += applied.length;
  if (beyond.length === records.length) {
    throw new Error(
      `conditional check failed on ${JSON.stringify(update.Key)} although no record was applied (mark ${mark})`,
    );
  }
  if (beyond.length > 0) report.conflictRetries++;
  return { beyond, applied, stored };
};

/** Writes one target; on a conditional failure re-applies only the records past the mark. */
const writeTarget = async <T extends MarkedTarget<R>, R extends Sequenced>(
  writer: HighWaterMarkWriter<T, R>,
  report: HighWaterMarkReport<T>,
  target: T,
): Promise<void> => {
  let records = target.records;
  while (records.length > 0) {
    const update = writer.update(target, records);
    try {
      report.writes++;
      const result = await writer.client.send(new UpdateCommand(update));
      if (result.Attributes) await refine(writer, report, target, records, result.Attributes);
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { beyond, applied, stored } = await recordsPastMark(writer, report, update, records, error);
      // An earlier delivery may have added these records and died before its refinement (a crash, a timeout,
      // a throttled write): refining again is idempotent, and costs a write only when min/max are still owed.
      await refine(writer, report, target, applied, stored);
      records = beyond;
    }
  }
};

/** Writes each target once per batch; a target whose write fails is reported by its first record. */
export const writeOnce = async <T extends MarkedTarget<R>, R extends Sequenced>(
  writer: HighWaterMarkWriter<T, R>,
  targets: readonly T[],
): Promise<HighWaterMarkReport<T>> => {
  const report: HighWaterMarkReport<T> = {
    items: targets.length,
    writes: 0,
    conflictRetries: 0,
    refinements: 0,
    duplicatesSkipped: 0,
    failed: [],
  };
  await mapWithConcurrency(targets, writer.concurrency, async (target) => {
    try {
      await writeTarget(writer, report, target);
    } catch (error) {
      const first = target.records[0];
      if (first)
        report.failed.push({
          ...writeFailure(writer.subjectOf(target), first.sequenceNumber, error),
          target,
        });
    }
  });
  return report;
};
