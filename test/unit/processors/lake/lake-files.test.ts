import { describe, expect, it } from 'vitest';
import {
  compactedFileKey,
  type ListedLakeFile,
  lakeSnapshot,
  parseLakeFileName,
} from '../../../../processors/lake/lake-files.ts';

const P = 'lake/clickstream/dt=2026-11-22/hour=05/';
const file = (name: string, lastModifiedMs: number, bytes = 100): ListedLakeFile => ({
  key: `${P}${name}`,
  lastModifiedMs,
  bytes,
});
const G = 1_795_000_000_000;
const keys = (files: readonly ListedLakeFile[]) => files.map((f) => f.key.slice(P.length));

describe('parseLakeFileName', () => {
  it('reads stream files and compacted parts, and nothing else', () => {
    expect(parseLakeFileName('shardId-000000000000-100-219.parquet')).toEqual({
      kind: 'stream',
      shardId: 'shardId-000000000000',
      first: '100',
      last: '219',
    });
    expect(parseLakeFileName(`compacted-${G}-2-of-3.parquet`)).toEqual({
      kind: 'compacted',
      generationMs: G,
      part: 2,
      parts: 3,
    });
    expect(parseLakeFileName('again.parquet')).toBeUndefined();
    expect(parseLakeFileName(`compacted-${G}-4-of-3.parquet`)).toBeUndefined();
    expect(parseLakeFileName('notes.txt')).toBeUndefined();
  });

  it('names a part so that it parses back, and refuses a bad part number naming it', () => {
    const key = compactedFileKey('lake/', 'clickstream', 'dt=2026-11-22/hour=05', G, 1, 2);
    expect(key).toBe(`${P}compacted-${G}-1-of-2.parquet`);
    expect(() => compactedFileKey('lake/', 'clickstream', 'dt=2026-11-22/hour=05', G, 3, 2)).toThrow(
      'given part 3 of 2',
    );
    expect(() => compactedFileKey('lake/', 'clickstream', 'hour=05', G, 1, 1)).toThrow('"hour=05"');
  });
});

describe('lakeSnapshot', () => {
  it('without a generation, a query reads every stream file', () => {
    const [hour] = lakeSnapshot([file('s-1-1.parquet', G), file('s-2-2.parquet', G)], 'lake/');
    expect(keys(hour?.visible ?? [])).toEqual(['s-1-1.parquet', 's-2-2.parquet']);
    expect(hour?.generationMs).toBeUndefined();
  });

  it('a complete generation replaces the stream files written before it; later ones stay visible', () => {
    const [hour] = lakeSnapshot(
      [
        file('s-1-1.parquet', G - 5000),
        file('s-2-2.parquet', G),
        file('s-3-3.parquet', G + 1000),
        file(`compacted-${G}-1-of-2.parquet`, G + 3000),
        file(`compacted-${G}-2-of-2.parquet`, G + 4000),
      ],
      'lake/',
    );
    expect(keys(hour?.visible ?? [])).toEqual([
      `compacted-${G}-1-of-2.parquet`,
      `compacted-${G}-2-of-2.parquet`,
      's-3-3.parquet',
    ]);
    expect(keys(hour?.superseded ?? [])).toEqual(['s-1-1.parquet', 's-2-2.parquet']);
    expect(hour?.generationMs).toBe(G);
    expect(hour?.committedMs).toBe(G + 4000);
  });

  it('compares Last-Modified to the second, as every S3 listing shows it', () => {
    const [hour] = lakeSnapshot(
      [file('s-1-1.parquet', G + 999), file(`compacted-${G}-1-of-1.parquet`, G + 2000)],
      'lake/',
    );
    expect(keys(hour?.superseded ?? [])).toEqual(['s-1-1.parquet']);
  });

  it('an incomplete generation is never read, and the stream files stay visible', () => {
    const [hour] = lakeSnapshot(
      [file('s-1-1.parquet', G - 5000), file(`compacted-${G}-1-of-2.parquet`, G + 3000)],
      'lake/',
    );
    expect(keys(hour?.visible ?? [])).toEqual(['s-1-1.parquet']);
    expect(keys(hour?.incomplete ?? [])).toEqual([`compacted-${G}-1-of-2.parquet`]);
  });

  it('parts that disagree on their count never make a complete generation', () => {
    const [hour] = lakeSnapshot(
      [file(`compacted-${G}-1-of-1.parquet`, G), file(`compacted-${G}-2-of-2.parquet`, G)],
      'lake/',
    );
    expect(hour?.generationMs).toBeUndefined();
    expect(hour?.incomplete).toHaveLength(2);
  });

  it('the newest complete generation wins; older generations are superseded', () => {
    const older = G - 3_600_000;
    const [hour] = lakeSnapshot(
      [
        file(`compacted-${older}-1-of-1.parquet`, older + 1000),
        file(`compacted-${G}-1-of-1.parquet`, G + 1000),
        file(`compacted-${G + 60_000}-1-of-2.parquet`, G + 61_000),
      ],
      'lake/',
    );
    expect(keys(hour?.visible ?? [])).toEqual([`compacted-${G}-1-of-1.parquet`]);
    expect(keys(hour?.superseded ?? [])).toEqual([`compacted-${older}-1-of-1.parquet`]);
    expect(keys(hour?.incomplete ?? [])).toEqual([`compacted-${G + 60_000}-1-of-2.parquet`]);
  });

  it('foreign objects are reported, never read; objects outside partitions are left out', () => {
    const snapshot = lakeSnapshot(
      [
        file('again.parquet', G),
        file('s-1-1.parquet', G),
        { key: 'lake/clickstream/readme.txt', lastModifiedMs: G, bytes: 1 },
        { key: 'lake/nope/dt=2026-11-22/hour=05/s-1-1.parquet', lastModifiedMs: G, bytes: 1 },
      ],
      'lake/',
    );
    expect(snapshot).toHaveLength(1);
    expect(keys(snapshot[0]?.foreign ?? [])).toEqual(['again.parquet']);
    expect(keys(snapshot[0]?.visible ?? [])).toEqual(['s-1-1.parquet']);
  });
});
