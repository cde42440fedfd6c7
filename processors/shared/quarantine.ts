import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RejectedRecord } from './classify.ts';

/**
 * Quarantined records are JSON lines under `quarantine/dt=<arrival date>/<consumer>/<shard>/<first>-<last>.jsonl`.
 * The key depends only on the consumer and the records it holds, so a retried batch overwrites its own
 * file. Every consumer of the stream quarantines what it refuses; replay deduplicates by shard and sequence.
 */
export const quarantineKey = (
  prefix: string,
  records: readonly RejectedRecord[],
  consumer = 'aggregate',
): string => {
  const first = records[0];
  const last = records[records.length - 1];
  if (!first || !last) throw new Error('quarantineKey needs at least one record');
  const dt = new Date(first.approximateArrivalTimestamp * 1000).toISOString().slice(0, 10);
  return `${prefix}dt=${dt}/${consumer}/${first.shardId}/${first.sequenceNumber}-${last.sequenceNumber}.jsonl`;
};

export const quarantineLines = (records: readonly RejectedRecord[]): string =>
  `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;

export interface QuarantineTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  /** Which stream consumer refused the records, e.g. `aggregate` or `archive`. */
  readonly consumer: string;
}

/** Writes a batch's rejected records; resolves with the object key, or undefined when there were none. */
export const quarantine = async (
  target: QuarantineTarget,
  records: readonly RejectedRecord[],
): Promise<string | undefined> => {
  if (records.length === 0) return undefined;
  const key = quarantineKey(target.prefix, records, target.consumer);
  await target.client.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: key,
      Body: quarantineLines(records),
      ContentType: 'application/x-ndjson',
    }),
  );
  return key;
};
