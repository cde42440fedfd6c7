import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../../commands/lake/lake-views.ts';
import { writeLakeObjects } from '../../commands/lake/lake-writer.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';

const REPO = join(import.meta.dirname, '..', '..');
const HOUR5 = Date.parse('2026-11-22T05:00:00Z');
const DAY2 = Date.parse('2026-11-23T06:00:00Z');

let n = 0;
const envelope = (atMs: number) => ({
  eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  eventTime: new Date(atMs).toISOString(),
});
const view = (session: string, page: string, atMs: number): StreamlakeEvent => ({
  ...envelope(atMs),
  schema: 'clickstream.page_view',
  version: 1,
  sessionId: session,
  page,
});
const cart = (session: string, atMs: number): StreamlakeEvent => ({
  ...envelope(atMs),
  schema: 'clickstream.add_to_cart',
  version: 1,
  sessionId: session,
  page: '/product/p-1',
  productId: 'p-1',
  quantity: 1,
  price: 9.5,
});
const purchase = (session: string, atMs: number): StreamlakeEvent => ({
  ...envelope(atMs),
  schema: 'clickstream.purchase',
  version: 1,
  sessionId: session,
  orderId: `o-${session}`,
  items: 1,
  revenue: 9.5,
  currency: 'EUR',
});
const reading = (device: string, temperature: number, atMs: number, status = 'ok'): StreamlakeEvent =>
  ({
    ...envelope(atMs),
    schema: 'telemetry.reading',
    version: 1,
    deviceId: device,
    temperature,
    humidity: 40,
    battery: 90,
    status,
  }) as StreamlakeEvent;

/** Four sessions: all view, three view a product, two add to cart, one buys; a day later, one more view. */
const clickstream = [
  view('s-1', '/', HOUR5),
  view('s-2', '/', HOUR5 + 1_000),
  view('s-3', '/search', HOUR5 + 2_000),
  view('s-4', '/', HOUR5 + 3_000),
  view('s-1', '/product/p-1', HOUR5 + 60_000),
  view('s-2', '/product/p-1', HOUR5 + 61_000),
  view('s-3', '/product/p-2', HOUR5 + 62_000),
  cart('s-1', HOUR5 + 120_000),
  cart('s-2', HOUR5 + 121_000),
  purchase('s-1', HOUR5 + 180_000),
];
/** dev-1 reads steadily but once far too hot; dev-2 reports a fault. */
const telemetry = [
  ...Array.from({ length: 20 }, (_, i) => reading('dev-1', 20 + (i % 2) * 0.1, HOUR5 + i * 60_000)),
  reading('dev-1', 95, HOUR5 + 30 * 60_000),
  reading('dev-2', 21, HOUR5 + 60_000, 'fault'),
];

let stateDir: string;
const state = () => ({ s3Directory: join(stateDir, 's3'), lakeBucket: 'lake-bucket' });

const runCli = (...args: string[]) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', 'commands/query/query-cli.ts', '--state-dir', stateDir, ...args],
    { cwd: REPO, encoding: 'utf8' },
  );
const jsonOf = (result: ReturnType<typeof runCli>) => {
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
};

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'lake-query-'));
  writeFileSync(
    join(stateDir, 'cloud.json'),
    JSON.stringify({ ...state(), rollupsTable: 'rollups', eventStream: 'events' }),
  );
  await writeLakeObjects(state(), clickstream, 'shardId-000000000000-100-199');
  await writeLakeObjects(state(), [view('s-5', '/', DAY2)], 'shardId-000000000000-200-299');
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('the lake views', () => {
  it('exist per dataset, named like the Glue tables, even before any file of the dataset lands', async () => {
    const lake = await Lake.open(state());
    try {
      expect(lake.views).toEqual([
        { name: 'clickstream', files: 2 },
        { name: 'telemetry', files: 0 },
      ]);
      const [empty] = await lake.query(
        'SELECT count(*) AS n, count(device_id) AS d, count("to") AS t FROM telemetry',
      );
      expect(empty?.rows).toEqual([[0, 0, 0]]);
    } finally {
      lake.close();
    }
  });

  it('partition by dt (a string) and hour (an int), and a dt predicate reads only that day', async () => {
    const lake = await Lake.open(state());
    try {
      const rows = await lake.rows(
        "SELECT dt, hour, count(*) AS events FROM clickstream WHERE dt = '2026-11-23' GROUP BY ALL",
      );
      expect(rows).toEqual([{ dt: '2026-11-23', hour: 6, events: 1 }]);
      const [plan] = await lake.query(
        "EXPLAIN ANALYZE SELECT count(*) FROM clickstream WHERE dt = '2026-11-23'",
      );
      expect(JSON.stringify(plan?.rows)).toMatch(/Scanning Files: 1\/2/);
    } finally {
      lake.close();
    }
  });
});

describe('npm run query', () => {
  it('prints an aligned table by default, and csv on request', () => {
    const table = runCli(
      "SELECT page, count(*) AS views FROM clickstream WHERE dt = '2026-11-22' AND schema = 'clickstream.page_view' GROUP BY page ORDER BY page",
    );
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^page +│ views\n─+┼─+\n/);
    expect(table.stdout).toContain('/product/p-1 │     2\n');
    expect(table.stdout).toContain('(4 rows)');
    const csv = runCli('--format', 'csv', "SELECT 'a,b' AS x, NULL AS y");
    expect(csv.stdout).toBe('x,y\n"a,b",\n');
  });

  it('runs the saved purchase funnel', async () => {
    const rows = jsonOf(runCli('--format', 'json', '--file', 'queries/purchase-funnel.sql'));
    expect(rows.map((r) => [r.name, r.sessions])).toEqual([
      ['sessions', 5],
      ['viewed a product', 3],
      ['added to cart', 2],
      ['purchased', 1],
    ]);
    expect(rows[3]?.pct_of_previous_step).toBe(50);
  });

  it('runs the saved top pages per hour', () => {
    const rows = jsonOf(runCli('--format', 'json', '--file', 'queries/top-pages-per-hour.sql'));
    expect(rows[0]).toMatchObject({ dt: '2026-11-22', hour: 5, page_rank: 1, page: '/', views: 3 });
  });

  it('runs the saved device anomalies: the overheating reading and the fault', async () => {
    await writeLakeObjects(state(), telemetry, 'shardId-000000000001-100-199');
    const rows = jsonOf(runCli('--format', 'json', '--file', 'queries/device-anomalies.sql'));
    expect(rows.map((r) => [r.device_id, r.temperature_outliers, r.fault_or_degraded])).toEqual([
      ['dev-1', 1, 0],
      ['dev-2', 0, 1],
    ]);
  });

  it('runs the saved late-arriving-data report: an event archived after its shard moved on is late', async () => {
    // Arrives (sequence 300+) after the shard had seen hour 05 end: two hours late for hour 03.
    await writeLakeObjects(
      state(),
      [view('s-6', '/', HOUR5 - 2 * 3_600_000)],
      'shardId-000000000000-300-300',
    );
    const rows = jsonOf(runCli('--format', 'json', '--file', 'queries/late-arriving-data.sql'));
    expect(rows[0]).toMatchObject({ dataset: 'clickstream', dt: '2026-11-22', hour: 3, late_events: 1 });
    expect(Number(rows[0]?.max_lateness_minutes)).toBeGreaterThan(120);
    expect(rows.slice(1).every((r) => r.late_events === 0)).toBe(true);
  });

  it("a wrong query prints DuckDB's message, no stack trace, and exits 1", () => {
    const result = runCli('SELECT no_such_column FROM clickstream');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Binder Error: Referenced column "no_such_column" not found/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('reads statements from stdin at the prompt, lists views with .tables and quits on .exit', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'commands/query/query-cli.ts', '--state-dir', stateDir, '--format', 'csv'],
      {
        cwd: REPO,
        encoding: 'utf8',
        input: ".tables\nSELECT count(*) AS n\n FROM clickstream\n WHERE dt = '2026-11-23';\n.exit\n",
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('clickstream  (');
    expect(result.stdout).toContain('n\n1');
  });
});
