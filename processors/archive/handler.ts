import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { s3 } from '../clients.ts';
import { classifyBatch } from '../shared/classify.ts';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import { quarantine } from '../shared/quarantine.ts';
import { kinesisBatchKeys, scopeLogsToBatch } from '../shared/telemetry.ts';
import { loadArchiveConfig } from './config.ts';
import { lakeKey } from './lake-key.ts';
import { encodeParquet } from './parquet-encoder.ts';
import { partitionBatch } from './partition.ts';
import { logger, publishBatchMetrics } from './telemetry.ts';

const config = loadArchiveConfig();

/**
 * Kinesis → Parquet lake. Bad records go to the quarantine; good ones become one Parquet file per
 * dataset and event-time hour. Keys are derived from the records each file holds, so when any write
 * fails the whole batch is thrown back to Lambda and the retry overwrites what already landed.
 */
export const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  scopeLogsToBatch(logger, kinesisBatchKeys(event.Records));
  const batch = classifyBatch(event.Records, config.policy);
  await quarantine(
    { client: s3, bucket: config.lakeBucket, prefix: config.quarantinePrefix, consumer: 'archive' },
    batch.rejected,
  );
  const groups = partitionBatch(batch.accepted);
  let bytes = 0;
  await mapWithConcurrency(groups, config.writeConcurrency, async (group) => {
    const key = lakeKey(config.lakePrefix, batch.shardId, group);
    const body = encodeParquet(
      group.dataset,
      group.records.map((record) => record.event),
    );
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: config.lakeBucket,
          Key: key,
          Body: body,
          ContentType: 'application/vnd.apache.parquet',
        }),
      );
    } catch (error) {
      logger.error('lake write failed; failing the batch so Lambda retries it whole', { key, error });
      throw error;
    }
    bytes += body.byteLength;
  });
  publishBatchMetrics(event.Records, batch, { files: groups.length, bytes });
  logger.info('batch archived', {
    archived: batch.accepted.length,
    quarantined: batch.rejected.length,
    files: groups.length,
    bytes,
  });
  return { batchItemFailures: [] };
};
