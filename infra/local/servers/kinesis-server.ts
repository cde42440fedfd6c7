import type { Server } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface LocalServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * kinesalite: an in-process Kinesis API server. Chosen over kinesis-local for throughput
 * (≈ 8,600 vs ≈ 630 PutRecords records/s measured on 2 cores) — see docs/decisions.md.
 * With a `path` it keeps streams in LevelDB, so records and sequence numbers survive a restart.
 */
export const startKinesis = async (port: number, path?: string): Promise<LocalServer> => {
  const kinesalite = require('kinesalite') as (options: object) => Server;
  const server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 100,
    ...(path ? { path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
