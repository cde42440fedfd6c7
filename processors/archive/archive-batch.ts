import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { firstCopiesOf } from '../dedup/first-copies.ts';
import type { DedupMemory } from '../dedup/shard-memory.ts';
import type { AcceptedRecord } from '../shared/classify.ts';
import { classifyBatch } from '../shared/classify.ts';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import { isolateUnprocessable } from '../shared/isolate.ts';
import { quarantine } from '../shared/quarantine.ts';
import { kinesisBatchKeys, scopeLogsToBatch } from '../shared/telemetry.ts';
import type { ArchiveConfig } from './config.ts';
import { lakeKey } from './lake-key.ts';
import { encodeParquet } from './parquet-encoder.ts';
import { partitionBatch } from './partition.ts';
import { logger, publishBatchMetrics } from './telemetry.ts';

/** What the archive runs on: its settings and S3 client (the real one in handler.ts, a fake in tests). */
export interface ArchiveDeps {
  readonly config: ArchiveConfig;
  readonly s3: S3Client;
  /** The first copies this consumer stored, for the duplicate horizon. */
  readonly duplicates: DedupMemory;
}

interface LakeFile {
  readonly key: string;
  readonly body: Uint8Array;
}

/** Pure: the batch's lake files, one per dataset and event-time hour, named by the records they hold. */
const lakeFiles = (lakePrefix: string, shardId: string) => (accepted: readonly AcceptedRecord[]) =>
  partitionBatch(accepted).map(
    (group): LakeFile => ({
      key: lakeKey(lakePrefix, shardId, group),
      body: encodeParquet(
        group.dataset,
        group.records.map((record) => record.event),
      ),
    }),
  );

/** Puts the files in the lake; resolves with the bytes written, rejects on the first write that failed. */
const writeLakeFiles = async ({ config, s3 }: ArchiveDeps, files: readonly LakeFile[]): Promise<number> => {
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
  return bytes;
};

/**
 * Kinesis → Parquet lake. Bad records go to the quarantine; good ones become one Parquet file per
 * dataset and event-time hour. Files are encoded before anything is written, so a record the encoder
 * cannot take is quarantined alone (isolateUnprocessable) instead of failing the batch. Keys are derived
 * from the records each file holds, so when any write fails the whole batch is thrown back to Lambda and
 * the retry overwrites what already landed.
 */
export const createArchiveHandler =
  (deps: ArchiveDeps) =>
  async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const { config, s3 } = deps;
    scopeLogsToBatch(logger, kinesisBatchKeys(event.Records));
    const firstCopies = await firstCopiesOf(
      deps.duplicates,
      event.Records,
      classifyBatch(event.Records, config.policy),
      // Remembered only after its files landed: a record delivered again is in the lake already, whatever
      // batch boundaries this delivery has (a restart from an older checkpoint cuts them anew).
      { leaveOutRedelivered: true },
    );
    const { result: files, batch } = isolateUnprocessable(
      event.Records,
      firstCopies.batch,
      lakeFiles(config.lakePrefix, firstCopies.batch.shardId),
    );
    await quarantine(
      { client: s3, bucket: config.lakeBucket, prefix: config.quarantinePrefix, consumer: 'archive' },
      batch.rejected,
    );
    const bytes = await writeLakeFiles(deps, files);
    await firstCopies.remember();
    const producerDuplicates = firstCopies.duplicates.length;
    publishBatchMetrics(event.Records, batch, { files: files.length, bytes, producerDuplicates });
    logger.info('batch archived', {
      archived: batch.accepted.length,
      quarantined: batch.rejected.length,
      producerDuplicates,
      alreadyArchived: firstCopies.redelivered,
      files: files.length,
      bytes,
    });
    return { batchItemFailures: [] };
  };
