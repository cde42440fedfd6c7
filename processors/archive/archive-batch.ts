import { randomUUID } from 'node:crypto';
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
import type { LakeIntents } from './intent-store.ts';
import { type LakeIntent, leaveOutStored, nextIntent, stillOpen } from './lake-intent.ts';
import { type LakeFileRange, lakeFileKey, rangeOf } from './lake-key.ts';
import { encodeParquet } from './parquet-encoder.ts';
import { partitionBatch } from './partition.ts';
import { logger, publishBatchMetrics } from './telemetry.ts';

/** What the archive runs on: its settings and clients (the real ones in handler.ts, fakes in tests). */
export interface ArchiveDeps {
  readonly config: ArchiveConfig;
  readonly s3: S3Client;
  /** The first copies this consumer stored, for the duplicate horizon. */
  readonly duplicates: DedupMemory;
  /** What each shard's last batch announced before it wrote its files. */
  readonly intents: LakeIntents;
}

interface LakeFile {
  readonly range: LakeFileRange;
  readonly key: string;
  readonly body: Uint8Array;
}

/** Pure: the batch's lake files, one per dataset and event-time hour, named by the records they hold. */
const lakeFiles = (lakePrefix: string, shardId: string) => (accepted: readonly AcceptedRecord[]) =>
  partitionBatch(accepted).map((group): LakeFile => {
    const range = rangeOf(group);
    return {
      range,
      key: lakeFileKey(lakePrefix, shardId, range),
      body: encodeParquet(
        group.dataset,
        group.records.map((record) => record.event),
      ),
    };
  });

/**
 * Puts the files in the lake; resolves with the bytes written, rejects with the first write that failed, but
 * only once no write is in flight any more (none is started after a failure): a retry in this environment
 * then finds in the lake exactly what this attempt wrote.
 */
const writeLakeFiles = async ({ config, s3 }: ArchiveDeps, files: readonly LakeFile[]): Promise<number> => {
  let bytes = 0;
  let failure: { error: unknown } | undefined;
  await mapWithConcurrency(files, config.writeConcurrency, async ({ key, body }) => {
    if (failure) return;
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: config.lakeBucket,
          Key: key,
          Body: body,
          ContentType: 'application/vnd.apache.parquet',
        }),
      );
      bytes += body.byteLength;
    } catch (error) {
      logger.error('lake write failed; failing the batch so Lambda retries it whole', { key, error });
      failure ??= { error };
    }
  });
  if (failure) throw failure.error;
  return bytes;
};

/**
 * The lake files of the shard's last intent that this batch may hold records of and that are in the lake: all
 * of them when the batch that announced them remembered its entries (it got past its last file write),
 * otherwise those the lake lists (it was cut short, perhaps half-way through its files).
 */
const filesInLake = async (
  deps: ArchiveDeps,
  shardId: string,
  previous: LakeIntent | undefined,
  firstSequenceNumber: string,
): Promise<LakeFileRange[]> => {
  const open = previous ? stillOpen(previous.files, firstSequenceNumber) : [];
  if (!previous || open.length === 0 || deps.duplicates.remembersBatch(shardId, previous.id)) return open;
  const inLake = await deps.intents.inLake(shardId, open);
  logger.warn('the last batch on this shard was cut short after announcing its lake files; looked them up', {
    intentId: previous.id,
    announced: open.length,
    inLake: inLake.length,
  });
  return inLake;
};

/**
 * Kinesis → Parquet lake. Bad records go to the quarantine; good ones become one Parquet file per
 * dataset and event-time hour. Files are encoded before anything is written, so a record the encoder
 * cannot take is quarantined alone (isolateUnprocessable) instead of failing the batch. Keys are derived
 * from the records each file holds, so when any write fails the whole batch is thrown back to Lambda and
 * a retry of the same batch overwrites what already landed. A retry cut differently would name its files
 * differently: so the batch first announces its files (its intent), and the next batch on the shard leaves
 * out the records that an announced file in the lake holds (docs/decisions.md, the archive's crash window).
 */
export const createArchiveHandler =
  (deps: ArchiveDeps) =>
  async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const { config, s3 } = deps;
    scopeLogsToBatch(logger, kinesisBatchKeys(event.Records));
    const classified = classifyBatch(event.Records, config.policy);
    const { shardId } = classified;
    const [firstCopies, previous] = await Promise.all([
      firstCopiesOf(
        deps.duplicates,
        event.Records,
        classified,
        // Remembered only after its files landed: a record delivered again is in the lake already, whatever
        // batch boundaries this delivery has (a restart from an older checkpoint cuts them anew).
        { leaveOutRedelivered: true },
      ),
      classified.accepted.length > 0 ? deps.intents.last(shardId) : undefined,
    ]);
    const inLake = await filesInLake(
      deps,
      shardId,
      previous,
      event.Records[0]?.kinesis.sequenceNumber ?? '0',
    );
    const { toWrite, stored } = leaveOutStored(firstCopies.batch.accepted, inLake);
    const { result: files, batch } = isolateUnprocessable(
      event.Records,
      { ...firstCopies.batch, accepted: toWrite },
      lakeFiles(config.lakePrefix, shardId),
    );
    const intent =
      files.length > 0
        ? nextIntent(
            randomUUID(),
            inLake,
            files.map((file) => file.range),
          )
        : undefined;
    await Promise.all([
      quarantine(
        { client: s3, bucket: config.lakeBucket, prefix: config.quarantinePrefix, consumer: 'archive' },
        batch.rejected,
      ),
      intent && deps.intents.announce(shardId, intent, previous),
    ]);
    const bytes = await writeLakeFiles(deps, files);
    await firstCopies.remember(intent?.id);
    const producerDuplicates = firstCopies.duplicates.length;
    publishBatchMetrics(event.Records, batch, { files: files.length, bytes, producerDuplicates });
    logger.info('batch archived', {
      archived: batch.accepted.length,
      quarantined: batch.rejected.length,
      producerDuplicates,
      alreadyArchived: firstCopies.redelivered + stored.length,
      files: files.length,
      bytes,
    });
    return { batchItemFailures: [] };
  };
