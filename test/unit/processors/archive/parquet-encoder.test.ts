import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeParquet } from '../../../../processors/archive/parquet-encoder.ts';
import type { PageViewWithDuration } from '../../../../schemas/index.ts';
import { throughEdge } from '../../support/edge-context.ts';
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

  it('writes the edge context as edge_* columns, nulls for events that came through no edge', async () => {
    // Prepare
    const events = [
      throughEdge(reading({ eventId: uuidOf(201) }), { sourceIp: '2001:db8:85a3::' }),
      reading({ eventId: uuidOf(202) }),
      throughEdge(statusChange({ eventId: uuidOf(203) }), { userAgent: undefined, origin: undefined }),
      throughEdge(reading({ eventId: uuidOf(204) }), {
        sourceIp: undefined,
        userAgent: undefined,
        origin: undefined,
        clientId: 'sensor-0042',
        topic: 'streamlake/devices/sensor-0042/telemetry',
      }),
    ];
    const path = fileOf(encodeParquet('telemetry', events));

    // Act
    const rows = await query(
      `SELECT event_id, epoch_ms(edge_received_at) AS received_ms, edge_request_id, edge_source_ip,
              edge_user_agent, edge_origin, edge_client_id, edge_topic FROM read_parquet('${path}')`,
    );
    const types =
      await query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))
        WHERE column_name LIKE 'edge%'`);

    // Assess
    const receivedMs = String(Date.parse('2026-11-22T05:06:07.456Z'));
    expect(rows).toEqual([
      {
        event_id: uuidOf(201),
        received_ms: receivedMs,
        edge_request_id: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        edge_source_ip: '2001:db8:85a3::',
        edge_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
        edge_origin: 'https://shop.example.com',
        edge_client_id: null,
        edge_topic: null,
      },
      {
        event_id: uuidOf(202),
        received_ms: null,
        edge_request_id: null,
        edge_source_ip: null,
        edge_user_agent: null,
        edge_origin: null,
        edge_client_id: null,
        edge_topic: null,
      },
      {
        event_id: uuidOf(203),
        received_ms: receivedMs,
        edge_request_id: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        edge_source_ip: '203.0.113.0',
        edge_user_agent: null,
        edge_origin: null,
        edge_client_id: null,
        edge_topic: null,
      },
      {
        event_id: uuidOf(204),
        received_ms: receivedMs,
        edge_request_id: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        edge_source_ip: null,
        edge_user_agent: null,
        edge_origin: null,
        edge_client_id: 'sensor-0042',
        edge_topic: 'streamlake/devices/sensor-0042/telemetry',
      },
    ]);
    expect(types).toEqual([
      { column_name: 'edge_received_at', column_type: 'TIMESTAMP' },
      { column_name: 'edge_request_id', column_type: 'VARCHAR' },
      { column_name: 'edge_source_ip', column_type: 'VARCHAR' },
      { column_name: 'edge_user_agent', column_type: 'VARCHAR' },
      { column_name: 'edge_origin', column_type: 'VARCHAR' },
      { column_name: 'edge_client_id', column_type: 'VARCHAR' },
      { column_name: 'edge_topic', column_type: 'VARCHAR' },
    ]);
  });

  it('writes the same event columns for an event with and without the edge context', async () => {
    // Prepare
    const event = pageView({ eventId: uuidOf(301), referrer: 'https://x.test/' });
    const plain = fileOf(encodeParquet('clickstream', [event]));
    const edged = fileOf(encodeParquet('clickstream', [throughEdge(event)]));
    const ownColumns = `SELECT * EXCLUDE (edge_received_at, edge_request_id, edge_source_ip, edge_user_agent, edge_origin)`;

    // Act
    const [a, b] = [
      await query(`${ownColumns} FROM '${plain}'`),
      await query(`${ownColumns} FROM '${edged}'`),
    ];

    // Assess
    expect(b).toEqual(a);
    expect(a[0]).toMatchObject({ event_id: uuidOf(301), referrer: 'https://x.test/' });
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
