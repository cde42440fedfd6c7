import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { firstCopiesOf } from '../dedup/first-copies.ts';
import type { DedupMemory } from '../dedup/shard-memory.ts';
import { indexBySchema, preaggregate } from '../rollups/preaggregate.ts';
import { type RollupWriteReport, writeRollups } from '../rollups/rollup-writer.ts';
import { ROLLUPS } from '../rollups/rollups.ts';
import { type ClassifiedBatch, classifyBatch } from '../shared/classify.ts';
import { isolateUnprocessable } from '../shared/isolate.ts';
import { quarantine } from '../shared/quarantine.ts';
import { kinesisBatchKeys, scopeLogsToBatch } from '../shared/telemetry.ts';
import { batchResponseOf } from '../shared/write-failure.ts';
import type { loadAggregateConfig } from './config.ts';
import { logger, publishBatchMetrics } from './telemetry.ts';

/** What the aggregate runs on: its settings and clients (real ones in handler.ts, fakes in tests). */
export interface AggregateDeps {
  readonly config: ReturnType<typeof loadAggregateConfig>;
  readonly dynamodb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  /** The first copies this consumer counted, for the duplicate horizon. */
  readonly duplicates: DedupMemory;
}

const rollupsFor = indexBySchema(ROLLUPS);

/** Publishes the batch's counters, logs each failed rollup write and the batch's summary. */
const reportBatch = (
  event: KinesisStreamEvent,
  batch: ClassifiedBatch,
  report: RollupWriteReport,
  producerDuplicates: number,
): void => {
  publishBatchMetrics(event.Records, batch, report, producerDuplicates);
  for (const failure of report.failed) {
    logger.error('rollup write failed; reporting its first record for retry', {
      pk: failure.target.pk,
      sk: failure.target.sk,
      sequenceNumber: failure.firstSequenceNumber,
      error: failure.error,
    });
  }
  logger.info('batch aggregated', {
    accepted: batch.accepted.length,
    quarantined: batch.rejected.length,
    producerDuplicates,
    items: report.items,
    writes: report.writes,
    duplicatesSkipped: report.duplicatesSkipped,
  });
};

/**
 * Kinesis → rollups. Bad records go to the quarantine (written first, so a crash never loses them),
 * and so does a record pre-aggregation cannot take (isolateUnprocessable); good ones are
 * pre-aggregated and each touched rollup item is written once, guarded by the shard's high-water mark.
 * Items whose write failed are reported so Lambda retries from there.
 */
export const createAggregateHandler =
  ({ config, dynamodb, s3, duplicates }: AggregateDeps) =>
  async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    scopeLogsToBatch(logger, kinesisBatchKeys(event.Records));
    const firstCopies = await firstCopiesOf(
      duplicates,
      event.Records,
      classifyBatch(event.Records, config.policy),
    );
    const { result: items, batch } = isolateUnprocessable(event.Records, firstCopies.batch, (accepted) =>
      preaggregate(accepted, ROLLUPS, rollupsFor),
    );
    await quarantine(
      { client: s3, bucket: config.lakeBucket, prefix: config.quarantinePrefix, consumer: 'aggregate' },
      batch.rejected,
    );
    const report = await writeRollups(
      {
        client: dynamodb,
        tableName: config.rollupsTable,
        retentionSeconds: config.retentionSeconds,
        concurrency: config.writeConcurrency,
      },
      batch.shardId,
      items,
    );
    // Remembered even when some rollup writes failed: the retry meets its own records again (same tags).
    await firstCopies.remember();
    reportBatch(event, batch, report, firstCopies.duplicates.length);
    return batchResponseOf(report.failed);
  };
