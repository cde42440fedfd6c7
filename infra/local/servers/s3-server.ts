import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LocalServer } from './kinesis-server.ts';

const require = createRequire(import.meta.url);

interface S3rver {
  run(): Promise<unknown>;
  close(): Promise<void>;
}

/** s3rver: an in-process S3 API server keeping objects on disk under `directory`. */
export const startS3 = async (port: number, directory: string): Promise<LocalServer> => {
  const S3rver = require('s3rver') as new (options: object) => S3rver;
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ port, address: '127.0.0.1', directory, silent: true });
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
};
