import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AwsRawClients,
  backfillFromRawOnAws,
  RAW_REBUILD_OUTPUTS,
} from '../../../../commands/backfill/aws-raw-backfill.ts';
import { parseBackfillArgs } from '../../../../commands/backfill/backfill-options.ts';
import { rebuildLakeFromRaw } from '../../../../commands/backfill/lake-rebuild.ts';
import {
  byteSizeOption,
  defaultMaxHourBytes,
  HourTooLargeError,
} from '../../../../commands/backfill/raw-budget.ts';
import { loadCompactionConfig } from '../../../../processors/compact/config.ts';
import type { LakeObjects } from '../../../../processors/lake/lake-objects.ts';
import { ROLLUPS } from '../../../../processors/rollups/rollups.ts';

const MiB = 1024 * 1024;
const HOUR = Date.UTC(2026, 11, 1, 5);
const HOURS = ['--from', '2026-12-01T05', '--to', '2026-12-01T06'];
const POLICY = { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 65_536 };
const PREFIX = 'raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/';

describe('--max-hour-bytes', () => {
  it('reads bytes or binary units; defaults to what the heap limit holds at 24 heap bytes per raw byte', () => {
    expect(parseBackfillArgs([...HOURS, '--source', 'raw', '--max-hour-bytes', '512MiB'])).toMatchObject({
      maxHourBytes: 512 * MiB,
    });
    expect(byteSizeOption('--x', '1.5GiB', 0)).toBe(1.5 * 1024 * MiB);
    expect(byteSizeOption('--x', '4096', 0)).toBe(4096);
    expect(parseBackfillArgs([...HOURS, '--source', 'raw'])?.maxHourBytes).toBe(defaultMaxHourBytes());
    // Node's usual 4 GiB heap limit holds the hour of 172 MiB of raw objects.
    expect(defaultMaxHourBytes(4096 * MiB) / MiB).toBe(170);
    expect(defaultMaxHourBytes(4144 * MiB) / MiB).toBe(172);
  });

  it('refuses a size it cannot read, naming it', () => {
    expect(() => parseBackfillArgs([...HOURS, '--source', 'raw', '--max-hour-bytes', '1GB'])).toThrow(
      '--max-hour-bytes is a size in bytes above 0, as 268435456, 256MiB or 1.5GiB (given "1GB")',
    );
    for (const bad of ['0', '-1', '1 TiB', 'lots', '']) {
      expect(() => byteSizeOption('--max-hour-bytes', bad, 1)).toThrow(
        `--max-hour-bytes is a size in bytes above 0, as 268435456, 256MiB or 1.5GiB (given ${JSON.stringify(bad)})`,
      );
    }
  });

  it('applies with --source raw only', () => {
    expect(() => parseBackfillArgs([...HOURS, '--max-hour-bytes', '1MiB'])).toThrow(
      /--max-hour-bytes applies with --source raw/,
    );
  });

  it('--aws --source raw [--lake-only] is a command line, no longer refused', () => {
    expect(parseBackfillArgs([...HOURS, '--aws', '--source', 'raw', '--lake-only'])).toMatchObject({
      aws: true,
      source: 'raw',
      lakeOnly: true,
      outputsFile: 'cdk-outputs.json',
    });
  });
});

/** A raw object named as Firehose names them, stamped at `stamp`, holding `lines`. */
const rawKey = (stamp: string) =>
  `raw/dt=2026-12-01/hour=${stamp.slice(11, 13)}/streamlake-raw-1-${stamp.replace(/[T:]/g, '-')}-${randomUUID()}.gz`;

/** Raw objects in memory; counts the GETs so a test sees that a refused hour was never read. */
const memoryRaw = (objects: Record<string, Uint8Array>) => {
  const reads: string[] = [];
  const store: Pick<LakeObjects, 'list' | 'get'> = {
    list: async (prefix) =>
      Object.entries(objects)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, body]) => ({ key, bytes: body.byteLength, lastModifiedMs: HOUR })),
    get: async (key) => {
      reads.push(key);
      return objects[key] as Uint8Array;
    },
  };
  return { store, reads };
};

const pageView = () =>
  JSON.stringify({
    schema: 'clickstream.page_view',
    version: 1,
    eventId: randomUUID(),
    eventTime: '2026-12-01T05:10:00.000Z',
    sessionId: 's-1',
    page: '/',
  });

describe('the rebuild refuses an hour larger than the budget before reading any', () => {
  const body = gzipSync(Buffer.from(`${Array.from({ length: 50 }, pageView).join('\n')}\n`));
  const objects = { [rawKey('2026-12-01T05:10:30')]: body, [rawKey('2026-12-01T05:20:30')]: body };
  const puts: string[] = [];
  const lake = {
    list: async () => [],
    get: async () => new Uint8Array(),
    put: async (key: string) => {
      puts.push(key);
    },
    delete: async () => {},
  } satisfies LakeObjects;
  const rebuild = (raw: ReturnType<typeof memoryRaw>, maxHourBytes: number) =>
    rebuildLakeFromRaw({
      raw: { objects: raw.store, dataPrefix: PREFIX, bufferIntervalMs: 60_000 },
      lake,
      lakePrefix: 'lake/',
      policy: POLICY,
      compaction: loadCompactionConfig({ LAKE_BUCKET: 'unused' }).settings,
      range: { fromMs: HOUR, toMs: HOUR + 3_600_000 },
      maxHourBytes,
    });

  it('names the hour, its raw bytes, the budget and what to do; reads and writes nothing', async () => {
    const raw = memoryRaw(objects);
    const rawBytes = 2 * body.byteLength;
    const error = await rebuild(raw, rawBytes - 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HourTooLargeError);
    expect((error as HourTooLargeError).hours).toEqual([{ hourMs: HOUR, rawBytes }]);
    expect((error as Error).message).toBe(
      `raw hour 2026-12-01T05 (${Math.round(rawBytes / 1024)} KiB, ${rawBytes} bytes) over the budget of ` +
        `${Math.round((rawBytes - 1) / 1024)} KiB (${rawBytes - 1} bytes) of raw objects per hour; nothing was rebuilt. ` +
        'The rebuild holds an hour in memory (≈ 24 heap bytes per raw byte): on a machine with ≥ 2.0 MiB of ' +
        'memory to spare, run it with NODE_OPTIONS=--max-old-space-size=1 and --max-hour-bytes 1MiB, or leave ' +
        'those hours out of --from/--to',
    );
    expect(raw.reads).toEqual([]);
    expect(puts).toEqual([]);
  });

  it('rebuilds an hour of exactly the budget, reporting its raw bytes', async () => {
    const raw = memoryRaw(objects);
    const report = await rebuild(raw, 2 * body.byteLength);
    expect(report.hours.map((h) => [h.objectsRead, h.rawBytes])).toEqual([[2, 2 * body.byteLength]]);
    // The same body twice: its 50 events, and their second copies left out as producer duplicates.
    expect(report.hours[0]?.generations.map((g) => g.events)).toEqual([50]);
    expect(report.hours[0]?.duplicates).toBe(50);
    expect(raw.reads).toHaveLength(2);
  });

  it('names every hour over it, the first five in full', () => {
    const hours = Array.from({ length: 7 }, (_, i) => ({
      hourMs: HOUR + i * 3_600_000,
      rawBytes: (i + 1) * MiB,
    }));
    const message = new HourTooLargeError(hours, 512 * 1024).message;
    expect(message).toMatch(
      /^raw hours 2026-12-01T05 \(1\.0 MiB, 1048576 bytes\), .*2026-12-01T09 .* and 2 more over/,
    );
    expect(message).toContain('--max-old-space-size=168 and --max-hour-bytes 7MiB');
  });
});

describe('npm run backfill --aws --source raw: the outputs it needs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'raw-aws-outputs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** Clients that must not be called: the outputs are checked before any request. */
  const untouchable = new Proxy({} as AwsRawClients, {
    get: () => ({
      send: () => {
        throw new Error('called');
      },
      destroy: () => {},
    }),
  });
  const outputs = (values: Record<string, string>) => {
    const file = join(dir, `${randomUUID()}.json`);
    writeFileSync(file, JSON.stringify({ streamlake: values }));
    return file;
  };
  const rebuildOutputs = Object.fromEntries(RAW_REBUILD_OUTPUTS.map((name) => [name, `${name}-value`]));
  const range = { fromMs: HOUR, toMs: HOUR + 3_600_000 };

  it("refuses a stack deployed before the raw zone's outputs, naming the outputs and how to write them", async () => {
    const { RawZoneDeliveryStreamName: _, ...older } = rebuildOutputs;
    const file = outputs(older);
    await expect(
      backfillFromRawOnAws(file, { rollups: ROLLUPS, range, lakeOnly: true }, { clients: untouchable }),
    ).rejects.toThrow(
      `${file} holds no stack with the outputs ${RAW_REBUILD_OUTPUTS.join(', ')}: deploy the streamlake stack with --outputs-file ${file}`,
    );
  });

  it('needs the Athena and rollups outputs only when it recounts', async () => {
    const file = outputs(rebuildOutputs);
    await expect(
      backfillFromRawOnAws(file, { rollups: ROLLUPS, range }, { clients: untouchable }),
    ).rejects.toThrow(/with the outputs .*RollupsTableName, AthenaWorkGroupName, GlueDatabaseName/);
    // --lake-only gets past the outputs to the first request.
    await expect(
      backfillFromRawOnAws(file, { rollups: ROLLUPS, range, lakeOnly: true }, { clients: untouchable }),
    ).rejects.toThrow('called');
  });
});
