import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/clients.ts';
import type { LocalServer } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { startS3 } from '../../infra/local/servers/s3-server.ts';

/** Starts a PUT of `declared` bytes, sends `sent` of them, then drops the connection (a writer that died). */
const cutOffPut = (endpoint: string, path: string, declared: number, sent: number) =>
  new Promise<void>((resolve) => {
    const url = new URL(path, endpoint);
    const req = request(url, { method: 'PUT', headers: { 'content-length': declared } });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(Buffer.alloc(sent, 1), () => setTimeout(() => req.destroy(), 100));
  });

describe('the local S3 server (s3rver) shows an object whole or not at all', () => {
  let directory: string;
  let server: LocalServer;
  let s3: S3Client;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'streamlake-s3-abort-'));
    server = await startS3(await freePort(), directory);
    s3 = new S3Client({
      endpoint: server.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      forcePathStyle: true,
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('leaves no object, and no file in its folder, for an upload cut off mid-body', async () => {
    // Act
    await cutOffPut(server.endpoint, '/lake/lake/clickstream/part.parquet', 100_000, 4_096);
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'lake' }));
    expect(listed.Contents ?? []).toEqual([]);
    const folder = join(directory, 'lake', 'lake', 'clickstream');
    const files = (() => {
      try {
        return readdirSync(folder);
      } catch {
        return [];
      }
    })();
    expect(files.filter((name) => name.endsWith('._S3rver_object'))).toEqual([]);
  });
});
