import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { dynamodb, s3 } from '../clients.ts';
import { indexBySchema, preaggregate } from '../rollups/preaggregate.ts';
import { writeRollups } from '../rollups/rollup-writer.ts';
import { ROLLUPS } from '../rollups/rollups.ts';
import { classifyBatch } from '../shared/classify.ts';
import { isolateUnprocessable } from '../shared/isolate.ts';
import { quarantine } from '../shared/quarantine.ts';
import { kinesisBatchKeys, scopeLogsToBatch } from '../shared/telemetry.ts';
import { loadAggregateConfig } from './config.ts';
import { logger, publishBatchMetrics } from './telemetry.ts';

const config = loadAggregateConfig();
const rollupsFor = indexBySchema(ROLLUPS);

/**
 * Kinesis → rollups. Bad records go to the quarantine (written first, so a crash never loses them),
 * and so does a record pre-aggregation cannot take (isolateUnprocessable); good ones are
 * pre-aggregated and each touched rollup item is written once, guarded by the shard's high-water mark. Items whose write failed are reported so Lambda retries from there.
 */
export const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  scopeLogsToBatch(logger, kinesisBatchKeys(event.Records));
  const { result: items, batch } = isolateUnprocessable(
    event.Records,
    classifyBatch(event.Records, config.policy),
    (accepted) => preaggregate(accepted, ROLLUPS, rollupsFor),
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
  publishBatchMetrics(event.Records, batch, report);
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
    items: report.items,
    writes: report.writes,
    duplicatesSkipped: report.duplicatesSkipped,
  });
  const failed = [...new Set(report.failed.map((f) => f.firstSequenceNumber))];
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
};
