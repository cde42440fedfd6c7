import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { mapWithConcurrency } from '../shared/concurrency.ts';
import type { ListedLakeFile } from './lake-files.ts';

/** The lake bucket as compaction uses it: list, read (whole or a byte range), write, delete. */
export interface LakeObjects {
  list(prefix: string): Promise<ListedLakeFile[]>;
  /** The object's bytes, or those from `start` to `end` exclusive. */
  get(key: string, range?: { readonly start: number; readonly end: number }): Promise<Uint8Array>;
  put(key: string, body: Uint8Array): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
}

/** Deletes in flight at once (S3 does not bill DELETE requests; one key a request works on every S3). */
const DELETE_CONCURRENCY = 8;

/** LakeObjects on S3 (or the local s3rver, through the same client). */
export const s3LakeObjects = (s3: S3Client, bucket: string): LakeObjects => ({
  async list(prefix) {
    const files: ListedLakeFile[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        files.push({
          key: object.Key,
          lastModifiedMs: object.LastModified?.getTime() ?? 0,
          bytes: object.Size ?? 0,
        });
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return files;
  },
  async get(key, range) {
    const response = await s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(range && { Range: `bytes=${range.start}-${range.end - 1}` }),
      }),
    );
    if (!response.Body) throw new Error(`s3://${bucket}/${key} came back without a body`);
    return response.Body.transformToByteArray();
  },
  async put(key, body) {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/vnd.apache.parquet',
      }),
    );
  },
  async delete(keys) {
    await mapWithConcurrency(keys, DELETE_CONCURRENCY, async (Key) => {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
    });
  },
});
