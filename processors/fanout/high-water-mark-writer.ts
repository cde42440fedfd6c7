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

/** A target item and the records (in sequence order) that contribute to it in this batch. */
export interface MarkedTarget<R extends { readonly sequenceNumber: string }> {
  readonly key: Readonly<Record<string, string>>;
  readonly records: readonly R[];
}

/**
 * How one kind of target is written exactly once: the D2 high-water-mark scheme, generalised from the
 * aggregate's rollup writer. `update` must ADD what `records` contribute and set the mark to the last
 * record, on condition that the mark is below the first; `refine` (optional) improves min/max afterwards.
 */
export interface HighWaterMarkWriter<
  T extends MarkedTarget<R>,
  R extends { readonly sequenceNumber: string },
> {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The attribute holding the mark, e.g. `hwm_<stream label>`. */
  readonly markAttribute: string;
  /** UpdateItem calls in flight at once. */
  readonly concurrency: number;
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
  failed: { target: T; firstSequenceNumber: string; error: Error }[];
}

/** Writes each target once per batch; on a conditional failure re-applies only the records past the mark. */
export const writeOnce = async <T extends MarkedTarget<R>, R extends { readonly sequenceNumber: string }>(
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

  const storedOf = async (target: T, error: ConditionalCheckFailedException) => {
    if (error.Item) return unmarshall(error.Item as Parameters<typeof unmarshall>[0]);
    const got = await writer.client.send(
      new GetCommand({ TableName: writer.tableName, Key: target.key, ConsistentRead: true }),
    );
    return got.Item ?? {};
  };

  const refine = async (target: T, records: readonly R[], stored: Record<string, unknown>) => {
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
        current = await storedOf(target, error);
      }
    }
  };

  const writeTarget = async (target: T) => {
    let records = target.records;
    while (records.length > 0) {
      try {
        report.writes++;
        const result = await writer.client.send(new UpdateCommand(writer.update(target, records)));
        if (result.Attributes) await refine(target, records, result.Attributes);
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const mark = String((await storedOf(target, error))[writer.markAttribute] ?? '');
        const beyond = records.filter((r) => padSequence(r.sequenceNumber) > mark);
        report.duplicatesSkipped += records.length - beyond.length;
        if (beyond.length === records.length) {
          throw new Error(
            `conditional check failed on ${JSON.stringify(target.key)} although no record was applied (mark ${mark})`,
          );
        }
        if (beyond.length > 0) report.conflictRetries++;
        records = beyond;
      }
    }
  };

  await mapWithConcurrency(targets, writer.concurrency, async (target) => {
    try {
      await writeTarget(target);
    } catch (error) {
      const first = target.records[0];
      if (first)
        report.failed.push({ target, firstSequenceNumber: first.sequenceNumber, error: error as Error });
    }
  });
  return report;
};
