import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AcceptedRecord } from '../shared/classify.ts';
import { type HighWaterMarkReport, writeOnce } from './high-water-mark-writer.ts';
import { type RollupContribution, totalsOf } from './preaggregate.ts';
import {
  buildExtremesRefinement,
  buildRollupUpdate,
  highWaterMarkAttribute,
  rollupExpiresAt,
} from './update-expression.ts';

export type RollupWriteReport = HighWaterMarkReport<RollupContribution>;

export interface RollupWriterOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long rollup items live (DynamoDB TTL), from their window start. */
  readonly retentionSeconds: number;
  /** UpdateItem calls in flight at once. */
  readonly concurrency: number;
}

/** The batch's totals were folded by pre-aggregation; only a re-apply past the mark needs them again. */
const totalsFor = (item: RollupContribution, records: readonly AcceptedRecord[]) =>
  records === item.records ? item.totals : totalsOf(item.rollup, records);

/** Writes each minute rollup item of a Kinesis batch exactly once, however often the batch is delivered. */
export const writeRollups = (
  options: RollupWriterOptions,
  shardId: string,
  items: readonly RollupContribution[],
): Promise<RollupWriteReport> =>
  writeOnce<RollupContribution, AcceptedRecord>(
    {
      client: options.client,
      markAttribute: highWaterMarkAttribute(shardId),
      concurrency: options.concurrency,
      subjectOf: (item) => `${item.pk} ${item.sk}`,
      update: (item, records) => {
        const first = records[0];
        const last = records[records.length - 1];
        if (!first || !last) throw new Error(`no records for ${item.pk} ${item.sk}`);
        return buildRollupUpdate({
          tableName: options.tableName,
          shardId,
          item,
          totals: totalsFor(item, records),
          firstSequenceNumber: first.sequenceNumber,
          lastSequenceNumber: last.sequenceNumber,
          expiresAt: rollupExpiresAt(item.windowStartMs, options.retentionSeconds),
        });
      },
      refine: (item, records, stored) =>
        buildExtremesRefinement(options.tableName, item, totalsFor(item, records), stored),
    },
    items,
  );
