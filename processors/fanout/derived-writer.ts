import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type HighWaterMarkReport, writeOnce } from '../rollups/high-water-mark-writer.ts';
import { highWaterMarkAttribute } from '../rollups/update-expression.ts';
import type { MinuteChange } from './delta.ts';
import { buildDerivedRefinement, buildDerivedUpdate, type DerivedTarget } from './derived-rollups.ts';

export type DerivedWriteReport = HighWaterMarkReport<DerivedTarget>;

export interface DerivedWriterOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long derived items live (DynamoDB TTL), from their period's start. */
  readonly retentionSeconds: number;
  /** UpdateItem calls in flight at once. */
  readonly concurrency: number;
}

/**
 * Writes each hour and day item a batch of minute changes touches exactly once, guarded by the mark of the
 * rollups stream (`streamLabel`), however often the batch is delivered.
 */
export const writeDerivedRollups = (
  options: DerivedWriterOptions,
  streamLabel: string,
  targets: readonly DerivedTarget[],
): Promise<DerivedWriteReport> =>
  writeOnce<DerivedTarget, MinuteChange>(
    {
      client: options.client,
      markAttribute: highWaterMarkAttribute(streamLabel),
      concurrency: options.concurrency,
      subjectOf: (target) => `${target.key.pk} ${target.key.sk}`,
      update: (target, records) =>
        buildDerivedUpdate({
          tableName: options.tableName,
          streamLabel,
          target,
          records,
          expiresAt: Math.floor(target.windowStartMs / 1000) + options.retentionSeconds,
        }),
      refine: (target, records, stored) => buildDerivedRefinement(options.tableName, target, records, stored),
    },
    targets,
  );
