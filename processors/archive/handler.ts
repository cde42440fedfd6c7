import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { s3 } from '../clients.ts';
import type { AcceptedRecord } from '../shared/classify.ts';
import { classifyBatch } from '../shared/classify.ts';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import { isolateUnprocessable } from '../shared/isolate.ts';
import { quarantine } from '../shared/quarantine.ts';
import { kinesisBatchKeys, scopeLogsToBatch } from '../shared/telemetry.ts';
import { loadArchiveConfig } from './config.ts';
import { lakeKey } from './lake-key.ts';
import { encodeParquet } from './parquet-encoder.ts';
import { partitionBatch } from './partition.ts';
import { logger, publishBatchMetrics } from './telemetry.ts';

const config = loadArchiveConfig();

/** Pure: the batch's lake files, one per dataset and event-time hour, named by the records they hold. */
const lakeFiles = (shardId: string) => (accepted: readonly AcceptedRecord[]) =>
  partitionBatch(accepted).map((group) => ({
    key: lakeKey(config.lakePrefix, shardId, group),
    body: encodeParquet(
      group.dataset,
      group.records.map((record) => record.event),
    ),
  }));

/**
 * Kinesis → Parquet lake. Bad records go to the quarantine; good ones become one Parquet file per
 * dataset and event-time hour. Files are encoded before anything is written, so a record the encoder
 * cannot take is quarantined alone (isolateUnprocessable) instead of failing the batch. Keys are derived
 * from the records each file holds, so when any write fails the whole batch is thrown back to Lambda and
 * the retry overwrites what already landed.
 */
export const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  scopeLogsToBatch(logger, kinesisBatchKeys(event.Records));
  const classified = classifyBatch(event.Records, config.policy);
  const { result: files, batch } = isolateUnprocessable(
    event.Records,
    classified,
    lakeFiles(classified.shardId),
  );
  await quarantine(
    { client: s3, bucket: config.lakeBucket, prefix: config.quarantinePrefix, consumer: 'archive' },
    batch.rejected,
  );
  let bytes = 0;
  await mapWithConcurrency(files, config.writeConcurrency, async ({ key, body }) => {
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
  publishBatchMetrics(event.Records, batch, { files: files.length, bytes });
  logger.info('batch archived', {
    archived: batch.accepted.length,
    quarantined: batch.rejected.length,
    files: files.length,
    bytes,
  });
  return { batchItemFailures: [] };
};
