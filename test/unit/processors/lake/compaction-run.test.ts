import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import * as parquet from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { toArrowBatch } from '../../../../processors/archive/arrow-table.ts';
import { encodeParquet } from '../../../../processors/archive/parquet-encoder.ts';
import type { CompactionSettings } from '../../../../processors/lake/compaction-plan.ts';
import { runCompaction } from '../../../../processors/lake/compaction-run.ts';
import { lakeSnapshot } from '../../../../processors/lake/lake-files.ts';
import type { PageView } from '../../../../schemas/index.ts';
import { pageView } from '../../support/kinesis-records.ts';
import { MemoryLake } from './memory-lake.ts';

const P = 'lake/clickstream/dt=2026-11-22/hour=05/';
const HOUR05 = Date.parse('2026-11-22T05:00:00Z');
const SETTINGS: CompactionSettings = {
  allowedLatenessMs: 3_600_000,
  settleMarginMs: 0,
  graceMs: 3_600_000,
  targetPartBytes: 1,
  minPartBytes: 1,
  maxPartBytes: Number.MAX_SAFE_INTEGER,
  writeMarginMs: 1000,
};
const at = (minute: number, second = 0) => new Date(HOUR05 + minute * 60_000 + second * 1000).toISOString();

/** 12 files of 20 page views each across the hour; every file repeats 2 events of the file before it. */
const lakeOfStreamFiles = (lake: MemoryLake) => {
  const all: PageView[] = [];
  let previous: PageView[] = [];
  for (let f = 0; f < 12; f++) {
    const events = Array.from({ length: 20 }, (_, i) =>
      pageView({ eventTime: at(f * 5, i), page: `/p${i % 3}` }),
    );
    all.push(...events);
    lake.objects.set(`${P}shardId-000000000000-${f * 100}-${f * 100 + 19}.parquet`, {
      bytes: encodeParquet('clickstream', [...previous.slice(0, 2), ...events]),
      lastModifiedMs: HOUR05 + 2 * 3_600_000,
    });
    previous = events;
  }
  return all;
};

const rowsOf = (bytes: Uint8Array) => tableFromIPC(parquet.readParquet(bytes).intoIPCStream());

const run = (lake: MemoryLake, options: Partial<Parameters<typeof runCompaction>[0]> = {}) =>
  runCompaction({
    objects: lake,
    prefix: 'lake/',
    settings: { ...SETTINGS, targetPartBytes: 30_000 },
    sliceBytes: 8000,
    nowMs: lake.nowMs,
    ...options,
  });

describe('runCompaction', () => {
  it('rewrites a closed hour into parts sorted by event time, each event once, with every column', async () => {
    const lake = new MemoryLake();
    const events = lakeOfStreamFiles(lake);
    // Arrange: one more file as an older writer left it, without the newer duration_ms column.
    const old = pageView({ eventTime: at(59, 59) });
    const { table } = toArrowBatch('clickstream', [old]);
    const narrow = table.select(table.schema.fields.map((f) => f.name).filter((n) => n !== 'duration_ms'));
    lake.objects.set(`${P}shardId-000000000001-1-1.parquet`, {
      bytes: parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(narrow, 'stream'))),
      lastModifiedMs: HOUR05 + 2 * 3_600_000,
    });

    const report = await run(lake);

    const snapshot = lakeSnapshot(await lake.list('lake/'), 'lake/');
    const parts = snapshot[0]?.visible ?? [];
    expect(report.results[0]).toMatchObject({ filesBefore: 13, complete: true, duplicates: 22 });
    expect(parts.length).toBe(report.results[0]?.parts);
    expect(parts.length).toBeGreaterThan(1);
    const tables = parts.map((f) => rowsOf(lake.objects.get(f.key)?.bytes as Uint8Array));
    const ids = tables.flatMap((t) => t.getChild('event_id')?.toArray() as string[]);
    const times = tables.flatMap((t) => [...(t.getChild('event_time')?.toArray() ?? [])].map(Number));
    expect(ids.sort()).toEqual([...events, old].map((e) => e.eventId).sort());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const t of tables) expect(t.schema.fields.map((f) => f.name)).toContain('duration_ms');
  });

  it('writes parts encoded as the archive writes stream files: ZSTD, delta-packed event times', async () => {
    const lake = new MemoryLake();
    lakeOfStreamFiles(lake);
    await run(lake);
    const part = [...lake.objects].find(([key]) => key.includes('compacted-'))?.[1].bytes as Uint8Array;
    const columns = parquetMetadata(part).row_groups[0]?.columns ?? [];
    const eventTime = columns.find((c) => c.meta_data?.path_in_schema[0] === 'event_time');
    expect(eventTime?.meta_data?.codec).toBe('ZSTD');
    expect(eventTime?.meta_data?.encodings).toContain('DELTA_BINARY_PACKED');
  });

  it('a run stopped between parts is finished by the next, into the same parts a single run writes', async () => {
    const whole = new MemoryLake();
    lakeOfStreamFiles(whole);
    await run(whole);
    const stopped = new MemoryLake();
    for (const [key, object] of whole.objects)
      if (!key.includes('compacted-')) stopped.objects.set(key, object);

    // Time for the partition and its first part only.
    let asked = 0;
    const first = await run(stopped, { hasTimeForPart: () => asked++ < 2 });
    expect(first.results[0]).toMatchObject({ partsWritten: 1, complete: false });
    expect(lakeSnapshot(await stopped.list('lake/'), 'lake/')[0]?.generationMs).toBeUndefined();
    stopped.nowMs += 60_000;
    const second = await run(stopped);

    expect(second.results[0]?.complete).toBe(true);
    const parts = (lake: MemoryLake) =>
      [...lake.objects]
        .filter(([key]) => key.includes('compacted-'))
        .map(([key, o]) => [key, o.bytes.length]);
    expect(parts(stopped)).toEqual(parts(whole));
  });

  it('a second run changes nothing; a run after the grace period deletes what the generation replaced', async () => {
    const lake = new MemoryLake();
    lakeOfStreamFiles(lake);
    await run(lake);
    const after = await lake.list('lake/');
    lake.nowMs += 60_000;

    const again = await run(lake);
    expect(again).toMatchObject({ results: [], deletedFiles: 0 });
    expect(await lake.list('lake/')).toEqual(after);

    lake.nowMs += 3_600_000;
    const later = await run(lake);
    expect(later.deletedFiles).toBe(12);
    expect((await lake.list('lake/')).every((f) => f.key.includes('compacted-'))).toBe(true);
  });

  it('reads only footers to plan: ranged GETs of each file before any whole-file GET', async () => {
    const lake = new MemoryLake();
    lakeOfStreamFiles(lake);
    await run(lake);
    const firstWhole = lake.gets.findIndex((g) => !g.includes(' '));
    expect(lake.gets.slice(0, firstWhole).every((g) => g.includes(' '))).toBe(true);
    expect(firstWhole).toBeGreaterThanOrEqual(12);
  });
});
