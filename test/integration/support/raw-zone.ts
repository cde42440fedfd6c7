import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DeliveryStreamPlan } from '../../../infra/local/firehose/delivery-stream-plan.ts';
import type { LocalCloud } from '../../../infra/local/local-cloud.ts';

export interface StoredObject {
  readonly key: string;
  readonly body: Buffer;
}

/** Every object of `bucket` under `prefix`, with its bytes, page by page. */
export const objectsUnder = async (s3: S3Client, bucket: string, prefix: string): Promise<StoredObject[]> => {
  const objects: StoredObject[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }),
    );
    for (const { Key } of page.Contents ?? []) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      objects.push({ key: Key ?? '', body: Buffer.from((await object.Body?.transformToByteArray()) ?? []) });
    }
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return objects;
};

/** The records of a GZIP object of newline-terminated records, as text. */
export const recordsOf = (object: StoredObject): string[] => {
  const text = gunzipSync(object.body).toString('utf8');
  if (!text.endsWith('\n')) throw new Error(`${object.key} does not end with the newline delimiter`);
  return text.slice(0, -1).split('\n');
};

/** The one delivery stream of the stack that reads the event stream. */
export const eventStreamDelivery = (cloud: LocalCloud): DeliveryStreamPlan => {
  const found = cloud.plan.deliveryStreams.filter(
    (d) => d.source.streamArn === cloud.resources.eventStream.arn,
  );
  const [delivery] = found;
  if (!delivery || found.length > 1) {
    throw new Error(
      `expected one delivery stream on the event stream, found ${found.map((d) => d.logicalId).join(', ') || 'none'}`,
    );
  }
  return delivery;
};

/** How often each item occurs. */
export const counted = (items: readonly string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
};
