import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import { padSequence } from '../shared/sequence.ts';
import type { RollupContribution } from './preaggregate.ts';
import { totalsOf } from './preaggregate.ts';
import { buildExtremesRefinement, buildRollupUpdate, highWaterMarkAttribute } from './update-expression.ts';

export interface RollupWriteReport {
  /** Distinct rollup items the batch touched: the lower bound on writes. */
  items: number;
  /** UpdateItem calls made, including conflict retries and min/max refinements. */
  writes: number;
  conflictRetries: number;
  extremesRefinements: number;
  /** Contributions already counted by an earlier delivery, skipped by the high-water mark. */
  duplicatesSkipped: number;
  /** Items whose write failed; the batch reports their first record as failed so Lambda retries from there. */
  failed: { item: RollupContribution; firstSequenceNumber: string; error: Error }[];
}

export interface RollupWriterOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long rollup items live (DynamoDB TTL), from their window start. */
  readonly retentionSeconds: number;
  /** UpdateItem calls in flight at once. */
  readonly concurrency: number;
}

const storedItemOf = async (
  options: RollupWriterOptions,
  item: RollupContribution,
  error: ConditionalCheckFailedException,
): Promise<Record<string, unknown>> => {
  if (error.Item) return unmarshall(error.Item as Parameters<typeof unmarshall>[0]);
  const got = await options.client.send(
    new GetCommand({ TableName: options.tableName, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
  );
  return got.Item ?? {};
};

/** Writes each rollup item of a batch exactly once, however often the batch is delivered. */
export const writeRollups = async (
  options: RollupWriterOptions,
  shardId: string,
  items: readonly RollupContribution[],
): Promise<RollupWriteReport> => {
  const report: RollupWriteReport = {
    items: items.length,
    writes: 0,
    conflictRetries: 0,
    extremesRefinements: 0,
    duplicatesSkipped: 0,
    failed: [],
  };
  const mark = highWaterMarkAttribute(shardId);

  const writeItem = async (item: RollupContribution): Promise<void> => {
    let records = item.records;
    let totals = item.totals;
    for (;;) {
      const first = records[0];
      const last = records[records.length - 1];
      if (!first || !last) return;
      const update = buildRollupUpdate({
        tableName: options.tableName,
        shardId,
        item,
        totals,
        firstSequenceNumber: first.sequenceNumber,
        lastSequenceNumber: last.sequenceNumber,
        expiresAt: Math.floor(item.windowStartMs / 1000) + options.retentionSeconds,
      });
      try {
        report.writes++;
        const result = await options.client.send(new UpdateCommand(update));
        if (result.Attributes) await refineExtremes(item, totals, result.Attributes);
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const stored = await storedItemOf(options, item, error);
        const highWaterMark = String(stored[mark] ?? '');
        const beyond = records.filter((r) => padSequence(r.sequenceNumber) > highWaterMark);
        report.duplicatesSkipped += records.length - beyond.length;
        if (beyond.length === records.length) {
          throw new Error(`conditional check failed on ${item.pk} ${item.sk} although no record was counted`);
        }
        if (beyond.length > 0) report.conflictRetries++;
        records = beyond;
        totals = totalsOf(item.rollup, beyond);
      }
    }
  };

  const refineExtremes = async (
    item: RollupContribution,
    totals: Readonly<Record<string, number>>,
    stored: Record<string, unknown>,
  ): Promise<void> => {
    for (let current = stored; ; ) {
      const refinement = buildExtremesRefinement(options.tableName, item, totals, current);
      if (!refinement) return;
      try {
        report.writes++;
        report.extremesRefinements++;
        await options.client.send(new UpdateCommand(refinement));
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        current = await storedItemOf(options, item, error);
      }
    }
  };

  await mapWithConcurrency(items, options.concurrency, async (item) => {
    try {
      await writeItem(item);
    } catch (error) {
      const first = item.records[0];
      if (first)
        report.failed.push({ item, firstSequenceNumber: first.sequenceNumber, error: error as Error });
    }
  });
  return report;
};
