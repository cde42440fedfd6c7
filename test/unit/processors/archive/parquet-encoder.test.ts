import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeParquet } from '../../../../processors/archive/parquet-encoder.ts';
import type { PageViewWithDuration } from '../../../../schemas/index.ts';
import { pageView, purchase, reading, statusChange, uuidOf } from '../../support/kinesis-records.ts';

let folder: string;
let duckdb: DuckDBConnection;
let files = 0;

/** Writes the bytes where DuckDB, an independent reader, can open them. */
const fileOf = (bytes: Uint8Array): string => {
  const path = join(folder, `${files++}.parquet`);
  writeFileSync(path, bytes);
  return path;
};

const query = async (sql: string) => (await duckdb.runAndReadAll(sql)).getRowObjectsJson();

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'streamlake-parquet-'));
  duckdb = await (await DuckDBInstance.create(':memory:')).connect();
});

afterAll(() => {
  duckdb?.closeSync();
  rmSync(folder, { recursive: true, force: true });
});

const v2 = (durationMs: number, page = '/cart'): PageViewWithDuration => ({
  ...pageView({ page }),
  version: 2,
  durationMs,
});

describe('encodeParquet', () => {
  it('writes typed columns DuckDB reads as TIMESTAMP, INTEGER, DOUBLE and VARCHAR', async () => {
    // Prepare
    const path = fileOf(encodeParquet('clickstream', [pageView(), purchase()]));

    // Act
    const described = await query(`DESCRIBE SELECT * FROM read_parquet('${path}')`);

    // Assess
    const types = Object.fromEntries(described.map((row) => [row.column_name, row.column_type]));
    expect(types).toMatchObject({
      schema: 'VARCHAR',
      version: 'INTEGER',
      event_id: 'VARCHAR',
      event_time: 'TIMESTAMP',
      session_id: 'VARCHAR',
      items: 'INTEGER',
      revenue: 'DOUBLE',
      duration_ms: 'INTEGER',
    });
  });

  it('keeps every value and row order, with nulls for optional fields an event lacks', async () => {
    // Prepare
    const events = [
      pageView({ eventId: uuidOf(101), eventTime: '2026-11-22T05:06:07.123Z', referrer: 'https://x.test/' }),
      purchase({
        eventId: uuidOf(102),
        eventTime: '2026-11-22T05:06:08Z',
        userId: 'u-1',
        items: 3,
        revenue: 19.99,
      }),
    ];
    const path = fileOf(encodeParquet('clickstream', events));

    // Act
    const rows = await query(
      `SELECT schema, version, event_id, epoch_ms(event_time) AS ms, session_id, user_id, page, referrer,
              items, revenue, currency, duration_ms FROM read_parquet('${path}')`,
    );

    // Assess
    expect(rows).toEqual([
      {
        schema: 'clickstream.page_view',
        version: 1,
        event_id: uuidOf(101),
        ms: String(Date.parse('2026-11-22T05:06:07.123Z')),
        session_id: 'session-1',
        user_id: null,
        page: '/home',
        referrer: 'https://x.test/',
        items: null,
        revenue: null,
        currency: null,
        duration_ms: null,
      },
      {
        schema: 'clickstream.purchase',
        version: 1,
        event_id: uuidOf(102),
        ms: String(Date.parse('2026-11-22T05:06:08Z')),
        session_id: 'session-1',
        user_id: 'u-1',
        page: null,
        referrer: null,
        items: 3,
        revenue: 19.99,
        currency: 'EUR',
        duration_ms: null,
      },
    ]);
  });

  it('writes telemetry readings and status changes into one table with their doubles and literals', async () => {
    // Prepare
    const events = [
      reading({ temperature: -3.25, humidity: 55.5, battery: 12, status: 'degraded' }),
      statusChange({ from: 'offline', to: 'online', firmware: '1.2.3' }),
    ];
    const path = fileOf(encodeParquet('telemetry', events));

    // Act
    const rows = await query(
      `SELECT schema, temperature, humidity, battery, status, "from", "to", firmware FROM read_parquet('${path}')`,
    );

    // Assess
    expect(rows).toEqual([
      {
        schema: 'telemetry.reading',
        temperature: -3.25,
        humidity: 55.5,
        battery: 12,
        status: 'degraded',
        from: null,
        to: null,
        firmware: null,
      },
      {
        schema: 'telemetry.status_change',
        temperature: null,
        humidity: null,
        battery: null,
        status: null,
        from: 'offline',
        to: 'online',
        firmware: '1.2.3',
      },
    ]);
  });

  it('compresses with ZSTD, dictionary-encodes repetitive strings and delta-encodes event_time', async () => {
    // Prepare
    const events = Array.from({ length: 200 }, (_, i) => pageView({ page: i % 2 ? '/home' : '/cart' }));
    const path = fileOf(encodeParquet('clickstream', events));

    // Act
    const chunks = await query(
      `SELECT path_in_schema AS name, compression, encodings FROM parquet_metadata('${path}')
        WHERE path_in_schema IN ('page', 'event_time', 'event_id')`,
    );

    // Assess
    const byName = Object.fromEntries(chunks.map((c) => [c.name, c]));
    expect(chunks.every((c) => c.compression === 'ZSTD')).toBe(true);
    expect(byName.page?.encodings).toContain('RLE_DICTIONARY');
    expect(byName.event_time?.encodings).toContain('DELTA_BINARY_PACKED');
    expect(byName.event_id?.encodings).not.toContain('RLE_DICTIONARY');
  });

  it('reads v1 and v2 files together by name, with null duration_ms for v1 rows', async () => {
    // Prepare
    const v1File = fileOf(encodeParquet('clickstream', [pageView({ page: '/home' })]));
    const v2File = fileOf(encodeParquet('clickstream', [v2(4200, '/cart'), v2(0, '/checkout')]));

    // Act
    const rows = await query(
      `SELECT version, page, duration_ms FROM read_parquet(['${v1File}', '${v2File}'], union_by_name = true)
        ORDER BY page`,
    );

    // Assess
    expect(rows).toEqual([
      { version: 2, page: '/cart', duration_ms: 4200 },
      { version: 2, page: '/checkout', duration_ms: 0 },
      { version: 1, page: '/home', duration_ms: null },
    ]);
  });
});
