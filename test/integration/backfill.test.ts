import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackfillReport, backfill } from '../../commands/backfill/backfill.ts';
import { hourText, minuteKey } from '../../commands/backfill/backfill-range.ts';
import { OpenWindowsError } from '../../commands/backfill/closed-windows.ts';
import { type BackfillChoice, backfillLocalCloud } from '../../commands/backfill/local-backfill.ts';
import { Lake } from '../../commands/lake/lake-views.ts';
import { type RollupItem, rollupNameOf, scanRollupItems } from '../../commands/rollups/rollup-items.ts';
import { lakeRollups } from '../../commands/verify/rollup-sql.ts';
import { verifyLocalCloud } from '../../commands/verify/verify-local.ts';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import { ROLLUPS, type RollupDefinition } from '../../processors/rollups/rollups.ts';
import { HOUR_MS, LATENESS_S, startBackfillCloud } from './support/backfill-cloud.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { putRecords, tableOf } from './support/local-cloud-fixture.ts';
import { waitUntilProcessed } from './support/stream-processed.ts';

const REPO = join(import.meta.dirname, '..', '..');

/** A rollup declared after the events were counted: page views per session, which no live consumer keeps. */
const PAGE_VIEWS_BY_SESSION: RollupDefinition = {
  name: 'page_views_by_session',
  schemas: ['clickstream.page_view'],
  dimensions: ['sessionId'],
  windowSeconds: 60,
  measures: [{ kind: 'count' }],
};

const written = (report: BackfillReport) =>
  report.rollups.reduce((sum, o) => sum + o.created + o.updated + o.zeroed, 0);

describe('npm run backfill on the local cloud, the live pipeline running', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-backfill-'));
  const live = new AbortController();
  let cloud: LocalCloud;
  let running: Promise<unknown>;
  /** The last whole hour before the test began: the range backfilled. */
  let range: { fromMs: number; toMs: number };
  /**
   * Backfill's clock, 5 minutes past the moment the range closes (its end + allowed lateness + margin):
   * the test cannot wait two hours. Only the boundary reads it; the consumer lag is measured in real time,
   * and the live producers below send only to windows after the range, as they would two hours later.
   */
  let later: () => number;

  const choice = (rollups: readonly RollupDefinition[]): BackfillChoice => ({ rollups, range, now: later });
  const itemsOf = async (name: string): Promise<RollupItem[]> =>
    (await scanRollupItems(cloud.clients.documents, tableOf(cloud))).filter(
      (item) => rollupNameOf(String(item.pk)) === name && String(item.sk) < minuteKey(range.toMs),
    );
  const processed = () =>
    waitUntilProcessed(
      cloud,
      [cloud.resources.mappings.aggregate.id, cloud.resources.mappings.archive.id],
      90_000,
    );

  beforeAll(async () => {
    // Prepare: the real stack, lateness widened so events of the last hour are still accepted.
    ({ cloud, range, later } = await startBackfillCloud(stateDir));
    running = cloud.runMappings(live.signal);
    // Events of the hour before: through the stream into the rollups and the lake, as the live pipeline counts them.
    await putRecords(cloud, asRecords(sampleEvents(400, range.fromMs + 30 * 60_000)));
    await processed();
  });
  afterAll(async () => {
    live.abort();
    await running;
    await cloud?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('refuses a range whose windows the live pipeline may still change, naming the first open one', async () => {
    await expect(backfillLocalCloud(cloud, stateDir, { rollups: ROLLUPS, range })).rejects.toThrow(
      OpenWindowsError,
    );
    await expect(backfillLocalCloud(cloud, stateDir, { rollups: ROLLUPS, range })).rejects.toThrow(
      /first open window is \d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z, which closes at .*allowed lateness 7200 s/,
    );
  });

  it('npm run backfill beside the running cloud: refuses open windows (exit 2), replaces closed hours (exit 0)', () => {
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'commands/backfill/backfill-cli.ts', '--state-dir', stateDir, ...args],
        {
          cwd: REPO,
          encoding: 'utf8',
        },
      );
    const open = cli('--from', hourText(range.fromMs), '--to', hourText(range.toMs));
    expect(open.stderr).toMatch(
      /^error: --to \S+ reaches windows that are still open: the first open window is /,
    );
    expect(open.status).toBe(2);
    // Hours closed by now even under two hours of lateness: nothing in them, so nothing to write.
    const closed = cli(
      '--from',
      hourText(range.fromMs - 3 * HOUR_MS),
      '--to',
      hourText(range.fromMs - 2 * HOUR_MS),
      '--rollup',
      'purchases',
    );
    expect(closed.stderr).toBe('');
    expect(closed.stdout).toMatch(/^purchases: 0 items compared, 0 written/);
    expect(closed.stdout).toMatch(
      /backfilled 1 rollup over .* by DuckDB over the local lake; consumer lag \d+ s\n$/,
    );
    expect(closed.status).toBe(0);
  });

  it('finds nothing to write where the live pipeline counted right', async () => {
    const report = await backfillLocalCloud(cloud, stateDir, choice(ROLLUPS));
    expect(written(report)).toBe(0);
    expect(report.rollups.every((o) => o.unchanged === o.compared && o.conflicts === 0)).toBe(true);
    expect(report.rollups.find((o) => o.rollup === 'events_by_type')?.events).toBe(400);
  });

  it('repairs a corrupted item, keeps its high-water marks, and writes nothing the second time', async () => {
    const [item] = await itemsOf('purchases');
    if (!item) throw new Error('no purchases item in the range');
    const marks = Object.entries(item).filter(([name]) => name.startsWith('hwm_'));
    await cloud.clients.documents.send(
      new UpdateCommand({
        TableName: tableOf(cloud),
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'ADD #count :five, #revenue :five',
        ExpressionAttributeNames: { '#count': 'count', '#revenue': 'revenue_sum' },
        ExpressionAttributeValues: { ':five': 5 },
      }),
    );
    const first = await backfillLocalCloud(cloud, stateDir, choice(ROLLUPS));
    expect(first.rollups.find((o) => o.rollup === 'purchases')).toMatchObject({
      updated: 1,
      created: 0,
      zeroed: 0,
    });
    expect(written(first)).toBe(1);
    const repaired = (await itemsOf('purchases')).find((i) => i.sk === item.sk);
    expect(repaired).toMatchObject({ count: item.count, ...Object.fromEntries(marks) });
    // The recount sums in DuckDB's order, the live pipeline in batch order: equal up to the last bits.
    expect(Number(repaired?.revenue_sum)).toBeCloseTo(Number(item.revenue_sum), 6);
    expect(written(await backfillLocalCloud(cloud, stateDir, choice(ROLLUPS)))).toBe(0);
  });

  it('racing producers that send to open windows counts nothing twice: the three-way verify is clean', async () => {
    // Prepare: one item of the range corrupted again, so the backfill has something to replace.
    const [item] = await itemsOf('page_views');
    if (!item) throw new Error('no page_views item in the range');
    await cloud.clients.documents.send(
      new UpdateCommand({
        TableName: tableOf(cloud),
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET #count = :zero',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );
    // Act: producers put events of the current minute (windows still open) while the backfill runs.
    let producing = true;
    let sent = 0;
    const producer = (async () => {
      while (producing) {
        await putRecords(
          cloud,
          asRecords(sampleEvents(50, Date.now()).map((e) => ({ ...e, eventTime: new Date().toISOString() }))),
        );
        sent += 50;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let report: BackfillReport;
    try {
      report = await backfillLocalCloud(cloud, stateDir, choice(ROLLUPS));
      await backfillLocalCloud(cloud, stateDir, choice(ROLLUPS));
    } finally {
      producing = false;
      await producer;
    }
    await processed();
    // Assess: the corrupted item was replaced, live events kept flowing, and stream, DynamoDB and lake agree.
    expect(report.rollups.find((o) => o.rollup === 'page_views')?.updated).toBe(1);
    expect(sent).toBeGreaterThan(0);
    const verified = await verifyLocalCloud(cloud, stateDir);
    expect(verified.differences).toEqual([]);
  });

  it('fills a rollup declared after the run with the recount of the lake, and a rerun writes nothing', async () => {
    const first = await backfillLocalCloud(cloud, stateDir, choice([PAGE_VIEWS_BY_SESSION]));
    const lake = await Lake.open(readCloudState(stateDir));
    let recount: Map<string, Record<string, number>>;
    try {
      recount = await lakeRollups((sql) => lake.rows(sql), [PAGE_VIEWS_BY_SESSION]);
    } finally {
      lake.close();
    }
    const inRange = [...recount].filter(([key]) => (key.split(' ')[1] ?? '') < minuteKey(range.toMs));
    expect(inRange.length).toBeGreaterThan(10);
    const items = await itemsOf(PAGE_VIEWS_BY_SESSION.name);
    expect(new Map(items.map((i) => [`${i.pk} ${i.sk}`, { count: i.count }]))).toEqual(new Map(inRange));
    expect(
      items.every((i) => typeof i.sessionId === 'string' && i.rollup === PAGE_VIEWS_BY_SESSION.name),
    ).toBe(true);
    expect(first.rollups[0]).toMatchObject({ created: inRange.length, updated: 0, zeroed: 0 });
    expect(written(await backfillLocalCloud(cloud, stateDir, choice([PAGE_VIEWS_BY_SESSION])))).toBe(0);
  });

  it('replaces through any engine the caller gives: a plain backfill() over a stub recount zeroes what it lacks', async () => {
    const report = await backfill({
      engine: { name: 'an empty recount', dialect: 'duckdb', rows: async () => [] },
      documents: cloud.clients.documents,
      tableName: tableOf(cloud),
      rollups: [PAGE_VIEWS_BY_SESSION],
      range,
      allowedLatenessMs: LATENESS_S * 1000,
      retentionSeconds: 90 * 86_400,
      consumerLag: async () => 0,
      now: later,
      dryRun: true,
    });
    expect(report.rollups[0]?.zeroed).toBeGreaterThan(10);
    expect(report.dryRun).toBe(true);
    expect(written(await backfillLocalCloud(cloud, stateDir, choice([PAGE_VIEWS_BY_SESSION])))).toBe(0);
  });
});
