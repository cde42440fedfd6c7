import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The part of s3rver's FilesystemStore an object write goes through. */
export interface ObjectStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
}

export interface StoredObject {
  readonly bucket: string;
  readonly key: string;
  readonly metadata: unknown;
  readonly content: Buffer | Readable;
}

/** Temporary files end so: never `._S3rver_object`, so neither s3rver's listings nor the local lake see them. */
const PARTIAL = '.partial-';

/**
 * S3 never shows part of an object: a PUT whose body was cut off (a client that died mid-upload, a function
 * environment killed mid-write) leaves nothing. s3rver writes the object's file in place, so an aborted upload
 * left a truncated object for good (a Parquet file "too small to be a Parquet file" in the local lake). Here the
 * body goes to a temporary file beside it, renamed over the object only once it is whole; a body that errors or
 * closes early removes it and fails the request, as S3 does.
 */
export const atomicPutObject =
  (store: Pick<ObjectStore, 'getResourcePath' | 'putMetadata'>) =>
  async (object: StoredObject): Promise<{ size: number; md5: string }> => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    const partial = join(dirname(objectPath), `${basename(objectPath)}${PARTIAL}${randomUUID()}`);
    const md5 = createHash('md5');
    let size = 0;
    try {
      if (Buffer.isBuffer(object.content)) {
        await writeFile(partial, object.content);
        md5.update(object.content);
        size = object.content.length;
      } else {
        const measure = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            md5.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        // pipeline fails on an error or an early close of any stream (an aborted request), unlike pipe().
        await pipeline(object.content, measure, createWriteStream(partial));
      }
      await rename(partial, objectPath);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
