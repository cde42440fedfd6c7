import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { atomicPutObject } from '../../../../../infra/local/servers/s3-atomic-put.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A store laid out as s3rver lays it out: `<root>/<bucket>/<key>._S3rver_<resource>`. */
const storeIn = () => {
  const root = mkdtempSync(join(tmpdir(), 'streamlake-s3-put-'));
  folders.push(root);
  const metadata: string[] = [];
  const store = {
    getResourcePath: (bucket: string, key: string, resource: string) =>
      join(root, bucket, `${key}._S3rver_${resource}`),
    putMetadata: async (_bucket: string, key: string, _metadata: unknown, md5: string) => {
      metadata.push(`${key} ${md5}`);
    },
  };
  const files = () => readdirSync(join(root, 'lake')).sort();
  const object = (key: string) => readFileSync(join(root, 'lake', `${key}._S3rver_object`), 'utf8');
  return { store, metadata, files, object };
};

/** A request body that sends `chunks`, then fails as an aborted upload does. */
const cutOff = (chunks: string[]) =>
  new Readable({
    read() {
      const chunk = chunks.shift();
      if (chunk !== undefined) this.push(chunk);
      else this.destroy(new Error('aborted'));
    },
  });

describe('atomicPutObject (the local S3 writes each object whole)', () => {
  it('stores a streamed body under its key, with its size and MD5, and no temporary file left', async () => {
    // Prepare
    const { store, metadata, files, object } = storeIn();
    const put = atomicPutObject(store);

    // Act
    const result = await put({
      bucket: 'lake',
      key: 'a.parquet',
      metadata: {},
      content: Readable.from(['ab', 'cd']),
    });

    // Assess
    expect(result).toEqual({ size: 4, md5: 'e2fc714c4727ee9395f324cd2e7f331f' });
    expect(object('a.parquet')).toBe('abcd');
    expect(files()).toEqual(['a.parquet._S3rver_object']);
    expect(metadata).toEqual(['a.parquet e2fc714c4727ee9395f324cd2e7f331f']);
  });

  it('stores a body given whole (a Buffer)', async () => {
    const { store, object } = storeIn();

    await atomicPutObject(store)({ bucket: 'lake', key: 'b.json', metadata: {}, content: Buffer.from('{}') });

    expect(object('b.json')).toBe('{}');
  });

  it('leaves no object, no metadata and no temporary file when the upload is cut off', async () => {
    // Prepare
    const { store, metadata, files } = storeIn();
    const put = atomicPutObject(store);
    await put({ bucket: 'lake', key: 'other', metadata: {}, content: Buffer.from('x') });

    // Act
    const cut = put({
      bucket: 'lake',
      key: 'c.parquet',
      metadata: {},
      content: cutOff(['PAR1', 'half a row group']),
    });

    // Assess
    await expect(cut).rejects.toThrow('aborted');
    expect(files()).toEqual(['other._S3rver_object']);
    expect(metadata).toHaveLength(1);
  });

  it('keeps the object it would have replaced when the new upload is cut off, as S3 does', async () => {
    // Prepare
    const { store, object, files } = storeIn();
    const put = atomicPutObject(store);
    await put({ bucket: 'lake', key: 'd.parquet', metadata: {}, content: Buffer.from('whole') });

    // Act
    await expect(
      put({ bucket: 'lake', key: 'd.parquet', metadata: {}, content: cutOff(['tru']) }),
    ).rejects.toThrow();

    // Assess
    expect(object('d.parquet')).toBe('whole');
    expect(files()).toEqual(['d.parquet._S3rver_object']);
  });
});
