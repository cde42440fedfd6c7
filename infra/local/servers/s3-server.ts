import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LocalServer } from './kinesis-server.ts';
import { atomicPutObject, type ObjectStore } from './s3-atomic-put.ts';

const require = createRequire(import.meta.url);

/** An object written through the S3 API: PutObject (`Put`), CopyObject (`Copy`), POST or multipart upload (`Post`). */
export interface ObjectCreated {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly method: 'Put' | 'Post' | 'Copy';
}

/** The S3 event notification s3rver emits (its `event` event) after it stored or removed an object. */
interface S3rverEvent {
  Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number } } }[];
}

interface S3rver {
  readonly store: ObjectStore;
  run(): Promise<unknown>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3rverEvent) => void): void;
}

export interface S3ServerOptions {
  /** Told about every object created, after it is stored. */
  readonly onObjectCreated?: (object: ObjectCreated) => void;
}

/** s3rver: an in-process S3 API server keeping objects on disk under `directory`, each written whole. */
export const startS3 = async (
  port: number,
  directory: string,
  options: S3ServerOptions = {},
): Promise<LocalServer> => {
  const S3rver = require('s3rver') as new (options: object) => S3rver;
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ port, address: '127.0.0.1', directory, silent: true });
  // Objects appear whole or not at all, as on S3 (s3-atomic-put.ts).
  server.store.putObject = atomicPutObject(server.store);
  const { onObjectCreated } = options;
  if (onObjectCreated) {
    server.on('event', (event) => {
      for (const record of event.Records) {
        const method = record.eventName.startsWith('ObjectCreated:') ? record.eventName.slice(14) : undefined;
        if (method !== 'Put' && method !== 'Post' && method !== 'Copy') continue;
        const { bucket, object } = record.s3;
        onObjectCreated({ bucket: bucket.name, key: object.key, size: Number(object.size ?? 0), method });
      }
    });
  }
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
};
