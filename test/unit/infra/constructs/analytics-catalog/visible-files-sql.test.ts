import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  athenaListingSql,
  lakeViewSql,
  visibleFilesCtes,
} from '../../../../../infra/constructs/analytics-catalog/visible-files-sql.ts';
import { type ListedLakeFile, lakeSnapshot } from '../../../../../processors/lake/lake-files.ts';

const PREFIX = 'lake/';
const BUCKET = 's3://lake-bucket/';
const G = Date.parse('2026-11-22T07:20:00Z');
const HOUR = 'lake/clickstream/dt=2026-11-22/hour=05/';

let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** A listing as Athena's hidden columns would give it: the object's URI, its partition, Last-Modified in seconds. */
const listingSql = (files: readonly ListedLakeFile[]) => {
  const rows = files.map((file) => {
    const [, dt, hour] = /dt=([^/]+)\/hour=(\d+)\//.exec(file.key) ?? [];
    return `(${sqlString(BUCKET + file.key)}, ${sqlString(String(dt))}, ${Number(hour)}, ${file.lastModifiedMs / 1000})`;
  });
  return `SELECT * FROM (VALUES ${rows.join(', ')}) AS listed(path, dt, hour, modified_seconds)`;
};

/** What the SQL rule selects from a listing, as keys. */
const visibleBySql = async (files: readonly ListedLakeFile[]): Promise<string[]> => {
  const reader = await db.runAndReadAll(
    `WITH ${visibleFilesCtes(listingSql(files))} SELECT path FROM visible_files ORDER BY path`,
  );
  return reader.getRowObjectsJS().map((row) => String(row.path).slice(BUCKET.length));
};

/** What lakeSnapshot (the rule `Lake.open` and compaction use) selects, as keys. */
const visibleBySnapshot = (files: readonly ListedLakeFile[]): string[] =>
  lakeSnapshot(files, PREFIX)
    .flatMap((p) => p.visible.map((f) => f.key))
    .sort();

const file = (name: string, lastModifiedMs: number, folder = HOUR): ListedLakeFile => ({
  key: folder + name,
  lastModifiedMs,
  bytes: 1,
});

/** `hours` random hours of both datasets: generations complete or not, parts disagreeing, stream files around them. */
const randomListing = (hours: number, seed: number): ListedLakeFile[] => {
  let state = seed;
  const random = (n: number) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 16) % n;
  };
  const generationFiles = (generation: number, folder: string) => {
    const parts = 1 + random(3);
    return Array.from({ length: parts }, (_, i) => i + 1)
      .filter(() => random(5) !== 0)
      .map((part) => {
        const declared = random(10) === 0 ? parts + 1 : parts;
        return file(
          `compacted-${generation}-${part}-of-${declared}.parquet`,
          generation + 30_000 + random(60_000),
          folder,
        );
      });
  };
  const files: ListedLakeFile[] = [];
  for (let h = 0; h < hours; h++) {
    const dataset = h % 2 === 0 ? 'clickstream' : 'telemetry';
    const folder = `lake/${dataset}/dt=2026-11-${10 + Math.floor(h / 24)}/hour=${String(h % 24).padStart(2, '0')}/`;
    for (let g = random(3); g > 0; g--) files.push(...generationFiles(G + random(4) * 600_000, folder));
    for (let s = random(6); s > 0; s--) {
      const modified = G - 1_800_000 + random(3_000) * 1_000 + random(1_000);
      files.push(file(`shardId-${random(2)}-${s}0-${s}9.parquet`, modified, folder));
    }
  }
  return files;
};

describe('the visibility rule in SQL', () => {
  it.each<[string, ListedLakeFile[], string[]]>([
    [
      'every stream file of an hour never compacted',
      [file('shardId-0-1-9.parquet', G), file('shardId-1-3-7.parquet', G + 5_000)],
      ['shardId-0-1-9.parquet', 'shardId-1-3-7.parquet'],
    ],
    [
      'a complete generation and the stream files modified after it, to the second',
      [
        file(`compacted-${G}-1-of-2.parquet`, G + 60_000),
        file(`compacted-${G}-2-of-2.parquet`, G + 61_000),
        file('shardId-0-1-9.parquet', G - 1_000),
        file('shardId-0-10-19.parquet', G),
        file('shardId-0-20-29.parquet', G + 999),
        file('shardId-0-30-39.parquet', G + 1_000),
      ],
      [`compacted-${G}-1-of-2.parquet`, `compacted-${G}-2-of-2.parquet`, 'shardId-0-30-39.parquet'],
    ],
    [
      'every stream file beside an incomplete generation, and none of its parts',
      [file(`compacted-${G}-1-of-2.parquet`, G + 60_000), file('shardId-0-1-9.parquet', G - 1_000)],
      ['shardId-0-1-9.parquet'],
    ],
    [
      'the newest complete generation only',
      [
        file(`compacted-${G - 3_600_000}-1-of-1.parquet`, G - 3_500_000),
        file(`compacted-${G}-1-of-1.parquet`, G + 60_000),
        file(`compacted-${G + 3_600_000}-1-of-2.parquet`, G + 3_660_000),
      ],
      [`compacted-${G}-1-of-1.parquet`],
    ],
    [
      'no generation whose parts disagree on their count',
      [
        file(`compacted-${G}-1-of-2.parquet`, G + 60_000),
        file(`compacted-${G}-2-of-3.parquet`, G + 60_000),
        file('shardId-0-1-9.parquet', G - 1_000),
      ],
      ['shardId-0-1-9.parquet'],
    ],
    [
      'no foreign object',
      [
        file('notes.txt', G),
        file('compacted-123-1-of-1.parquet', G),
        file(`compacted-${G}-0-of-1.parquet`, G),
        file(`compacted-${G}-3-of-2.parquet`, G),
        file('shardId-0-1-9.parquet.tmp', G),
        file('shardId-0-1-9.parquet', G),
      ],
      ['shardId-0-1-9.parquet'],
    ],
    [
      'no part numbered outside its generation, even a complete one',
      [
        file(`compacted-${G}-1-of-1.parquet`, G + 60_000),
        file(`compacted-${G}-0-of-1.parquet`, G + 60_000),
        file(`compacted-${G}-2-of-1.parquet`, G + 60_000),
      ],
      [`compacted-${G}-1-of-1.parquet`],
    ],
  ])('selects %s, as lakeSnapshot does', async (_, files, expected) => {
    const visible = await visibleBySql(files);

    expect(visible).toEqual(expected.map((name) => HOUR + name).sort());
    expect(visible).toEqual(visibleBySnapshot(files));
  });

  it('selects what lakeSnapshot selects from 300 random hours of both datasets', async () => {
    const files = randomListing(300, 14);
    const byDataset = (dataset: string) => files.filter((f) => f.key.startsWith(`lake/${dataset}/`));

    for (const dataset of ['clickstream', 'telemetry']) {
      const visible = await visibleBySql(byDataset(dataset));

      expect(visible.length).toBeGreaterThan(100);
      expect(visible).toEqual(visibleBySnapshot(byDataset(dataset)));
    }
    // The sample exercises every branch of the rule.
    const partitions = lakeSnapshot(files, PREFIX);
    expect(partitions.some((p) => p.generationMs === undefined)).toBe(true);
    expect(partitions.some((p) => p.superseded.some((f) => f.key.includes('compacted-')))).toBe(true);
    expect(partitions.some((p) => p.incomplete.length > 0)).toBe(true);
    expect(
      partitions.some(
        (p) => p.generationMs !== undefined && p.visible.some((f) => !f.key.includes('compacted-')),
      ),
    ).toBe(true);
  });
});

describe('the view', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'lake-view-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** A Parquet object holding the events `ids`, written by DuckDB at `path`. */
  const parquet = async (path: string, ids: readonly string[]) => {
    mkdirSync(dirname(path), { recursive: true });
    const values = ids.map((id) => `(${sqlString(id)})`).join(', ');
    await db.run(
      `COPY (SELECT * FROM (VALUES ${values}) AS e(event_id)) TO ${sqlString(path)} (FORMAT parquet)`,
    );
  };

  it('returns each event once while superseded files still lie beside their generation', async () => {
    const hour = join(folder, 'clickstream/dt=2026-11-22/hour=05');
    await parquet(join(hour, 'shardId-0-1-2.parquet'), ['a', 'b']);
    await parquet(join(hour, 'shardId-1-1-1.parquet'), ['c']);
    await parquet(join(hour, `compacted-${G}-1-of-1.parquet`), ['a', 'b', 'c']);
    await parquet(join(hour, 'shardId-0-3-3.parquet'), ['d']);
    await parquet(join(hour, `compacted-${G + 600_000}-1-of-2.parquet`), ['a', 'b', 'c', 'd']);
    const modified: Record<string, number> = {
      'shardId-0-1-2.parquet': G - 60_000,
      'shardId-1-1-1.parquet': G - 1,
      [`compacted-${G}-1-of-1.parquet`]: G + 90_000,
      'shardId-0-3-3.parquet': G + 120_000,
      [`compacted-${G + 600_000}-1-of-2.parquet`]: G + 700_000,
    };
    const base =
      `(SELECT event_id, dt, hour, filename AS "$path" FROM read_parquet(${sqlString(`${folder}/*/*/*/*.parquet`)}, ` +
      `hive_partitioning = true, filename = true, hive_types = {'dt': VARCHAR, 'hour': INTEGER}))`;
    const listing =
      `SELECT path, dt, hour, modified_seconds FROM (SELECT DISTINCT "$path" AS path, dt, hour FROM ${base}) AS objects ` +
      `JOIN (VALUES ${Object.entries(modified)
        .map(([name, ms]) => `(${sqlString(name)}, ${ms / 1000})`)
        .join(', ')}) ` +
      `AS times(name, modified_seconds) ON objects.path LIKE ('%/' || times.name)`;

    const reader = await db.runAndReadAll(
      `SELECT event_id, regexp_extract("$path", '[^/]+$') AS file, dt, hour FROM (${lakeViewSql({ base, listing, columns: ['event_id'] })}) ORDER BY event_id`,
    );

    expect(reader.getRowObjectsJS()).toEqual([
      { event_id: 'a', file: `compacted-${G}-1-of-1.parquet`, dt: '2026-11-22', hour: 5 },
      { event_id: 'b', file: `compacted-${G}-1-of-1.parquet`, dt: '2026-11-22', hour: 5 },
      { event_id: 'c', file: `compacted-${G}-1-of-1.parquet`, dt: '2026-11-22', hour: 5 },
      { event_id: 'd', file: 'shardId-0-3-3.parquet', dt: '2026-11-22', hour: 5 },
    ]);
  });

  it('reads the listing from Athena hidden columns of the files table, and the rows from the same table', () => {
    const table = '"streamlake"."clickstream_files"';

    const sql = lakeViewSql({
      base: table,
      listing: athenaListingSql(table),
      columns: ['event_id', 'event_time'],
    });

    expect(athenaListingSql(table)).toBe(
      'SELECT DISTINCT "$path" AS path, dt, hour, to_unixtime("$file_modified_time") AS modified_seconds FROM "streamlake"."clickstream_files"',
    );
    expect(sql).toContain(`lake_listing AS (${athenaListingSql(table)})`);
    expect(sql).toContain(
      'SELECT lake_rows."event_id", lake_rows."event_time", lake_rows."$path", lake_rows."dt", lake_rows."hour"\nFROM "streamlake"."clickstream_files" lake_rows',
    );
    expect(sql).toMatch(/JOIN visible_files v ON lake_rows\.dt = v\.dt AND lake_rows\.hour = v\.hour/);
  });
});
