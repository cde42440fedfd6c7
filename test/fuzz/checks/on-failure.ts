import type { S3Client } from '@aws-sdk/client-s3';
import { readObject } from './s3-objects.ts';

/** Where Lambda's S3 on-failure destinations write the batches given up on. */
export const ON_FAILURE_PREFIX = 'aws/lambda/';

export interface OnFailureObject {
  readonly key: string;
  readonly records: number;
  /** `shard/sequence` of the Kinesis records the object holds, when its payload names them. */
  readonly recordKeys: string[];
}

/** Reads a failure record Lambda (or the local poller) sent to an S3 on-failure destination. */
export const readOnFailureObject = async (
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<OnFailureObject> => {
  const text = await readObject(s3, bucket, key);
  let parsed: {
    KinesisBatchInfo?: { batchSize?: number };
    DDBStreamBatchInfo?: { batchSize?: number };
    payload?: string;
  } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    return { key, records: 1, recordKeys: [] };
  }
  const records = parsed.KinesisBatchInfo?.batchSize ?? parsed.DDBStreamBatchInfo?.batchSize ?? 0;
  const recordKeys: string[] = [];
  if (parsed.KinesisBatchInfo && parsed.payload) {
    try {
      const payload = JSON.parse(parsed.payload) as {
        Records?: { eventID?: string; kinesis?: { sequenceNumber?: string } }[];
      };
      for (const record of payload.Records ?? []) {
        const eventId = record.eventID ?? '';
        recordKeys.push(
          `${eventId.slice(0, eventId.lastIndexOf(':'))}/${record.kinesis?.sequenceNumber ?? ''}`,
        );
      }
    } catch {
      // A payload that does not parse names no records; batchSize still counts them.
    }
  }
  return { key, records, recordKeys };
};
