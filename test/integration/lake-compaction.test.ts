import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactionFigures, listLocalLake } from '../../commands/lake/lake-listing.ts';
import { Lake } from '../../commands/lake/lake-views.ts';
import { verifyLocalCloud } from '../../commands/verify/verify-local.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../infra/local/clients.ts';
import { kinesisEvent, type PolledRecord } from '../../infra/local/esm/kinesis-event.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { scheduledEvent } from '../../infra/local/schedules.ts';
import { encodeParquet } from '../../processors/archive/parquet-encoder.ts';
import { partitionOf } from '../../processors/archive/partition.ts';
import type { CompactionSettings } from '../../processors/lake/compaction-plan.ts';
import { type CompactionReport, runCompaction } from '../../processors/lake/compaction-run.ts';
import { s3LakeObjects } from '../../processors/lake/lake-objects.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { lakeBucketOf, putRecords, readShards } from './support/local-cloud-fixture.ts';

const HOUR = 3_600_000;
// The hour before this one, half past: closed for a compaction told the lateness is 0, yet accepted live by the
// consumers (two hours of lateness), so the three-way verify can check the compacted lake against the stream.
const EVENT_MS = Math.floor(Date.now() / HOUR) * HOUR - HOUR / 2;
const SETTINGS: CompactionSettings = {
  allowedLatenessMs: 0,
  settleMarginMs: 0,
  graceMs: HOUR,
  // Small parts, so an hour of test events is written as several parts, with queries between their PUTs.
  targetPartBytes: 40_000,
  minPartBytes: 1,
  maxPartBytes: 1_000_000,
  writeMarginMs: 1000,
};

interface Totals {
  readonly rows: number;
  readonly events: number;
  readonly revenue: number;
}

describe('compaction on the local cloud: queries running throughout never count an event twice or miss one', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-compaction-'));
  let cloud: LocalCloud;
  const events = sampleEvents(480, EVENT_MS);
  /** A replay that overlapped the archive: 40 events in a second stream file of the same hours. */
  const replayed = events.filter((e) => e.schema === 'clickstream.page_view').slice(0, 40);
  const expected = {
    events: events.length,
    revenue: events.reduce((sum, e) => sum + ('revenue' in e ? e.revenue : 0), 0),
  };

  const state = () => ({ s3Directory: join(stateDir, 's3'), lakeBucket: lakeBucketOf(cloud) });
  const query = async (): Promise<Totals> => {
    const lake = await Lake.open(state());
    try {
      const [row] = await lake.rows(
        `WITH rows AS (SELECT event_id, revenue FROM clickstream UNION ALL SELECT event_id, NULL FROM telemetry)
         SELECT count(*) AS rows, count(DISTINCT event_id) AS events,
                (SELECT sum(r) FROM (SELECT any_value(revenue) AS r FROM rows GROUP BY event_id)) AS revenue FROM rows`,
      );
      return { rows: Number(row?.rows), events: Number(row?.events), revenue: Number(row?.revenue) };
    } finally {
      lake.close();
    }
  };
  const putStreamFile = async (name: string, put: readonly StreamlakeEvent[]) => {
    const partition = partitionOf(Date.parse(put[0]?.eventTime ?? ''));
    await cloud.clients.s3.send(
      new PutObjectCommand({
        Bucket: lakeBucketOf(cloud),
        Key: `lake/clickstream/${partition}/${name}.parquet`,
        Body: encodeParquet('clickstream', put),
      }),
    );
  };
  const compact = (nowMs: number, beforePut?: () => Promise<void>): Promise<CompactionReport> =>
    runCompaction({
      objects: s3LakeObjects(cloud.clients.s3, lakeBucketOf(cloud)),
      prefix: 'lake/',
      settings: SETTINGS,
      sliceBytes: 10_000,
      nowMs,
      ...(beforePut && { beforePut }),
    });

  beforeAll(async () => {
    // Prepare: the real stack on the real local servers; the events through the stream, each consumer reading
    // every shard in eight batches (many small stream files), then one overlapping replayed file.
    cloud = await LocalCloud.start({ stateDir, context: { 'streamlake:allowedLatenessSeconds': 2 * 3600 } });
    await putRecords(cloud, asRecords(events));
    const { mappings, functions } = cloud.resources;
    for (const [shardId, records] of await readShards(cloud)) {
      const eighth = Math.ceil(records.length / 8);
      for (const consumer of ['aggregate', 'archive'] as const) {
        for (let at = 0; at < records.length; at += eighth) {
          const batch: PolledRecord[] = records.slice(at, at + eighth);
          const event = kinesisEvent(
            mappings[consumer],
            shardId,
            LOCAL_REGION,
            'arn:aws:iam::0:role/x',
            batch,
          );
          const response = (await cloud
            .localFunction(functions[consumer])
            .invoke(event)) as KinesisStreamBatchResponse;
          expect(response?.batchItemFailures ?? []).toEqual([]);
        }
      }
    }
    await putStreamFile('shardId-000000000009-1-40', replayed);
  });
  afterAll(async () => {
    await cloud?.stop();
    if (!process.env.KEEP_STATE) rmSync(stateDir, { recursive: true, force: true });
  });

  it('queries looping while parts are written see every event exactly once, before and after the commit', async () => {
    const before = await query();
    expect(before).toMatchObject({ rows: events.length + replayed.length, events: expected.events });
    const filesBefore = listLocalLake(state()).length;
    // A generation covers files listed at least the write margin (whole seconds) before it: let them age.
    await new Promise((resolve) => setTimeout(resolve, SETTINGS.writeMarginMs + 1100));

    // Act: queries in a loop (each lists the lake, as a query plans) while compaction writes its parts, waiting
    // before each PUT until two more queries have run.
    const results: Totals[] = [];
    let writing = false;
    let duringWrites = 0;
    let done = false;
    const loop = (async () => {
      while (!done) {
        results.push(await query());
        if (writing) duringWrites++;
      }
    })();
    const report = await compact(Date.now(), async () => {
      writing = true;
      const seen = results.length;
      while (results.length < seen + 2) await new Promise((resolve) => setTimeout(resolve, 20));
    });
    results.push(await query());
    done = true;
    await loop;

    // Assess: every result is the truth, counted with the replayed copies (before) or without (after), never
    // half of each; once the compacted hour shows, it stays.
    const parts = report.results.reduce((n, r) => n + r.partsWritten, 0);
    expect(report.results.every((r) => r.complete)).toBe(true);
    expect(parts).toBeGreaterThan(report.results.length);
    expect(duringWrites).toBeGreaterThanOrEqual(2 * parts - 1);
    for (const result of results) {
      expect(result.events).toBe(expected.events);
      expect(result.revenue).toBeCloseTo(expected.revenue, 6);
      expect([events.length + replayed.length, events.length]).toContain(result.rows);
    }
    const firstClean = results.findIndex((r) => r.rows === events.length);
    expect(firstClean).toBeGreaterThan(0);
    expect(results.slice(firstClean).every((r) => r.rows === events.length)).toBe(true);
    expect(results.at(-1)?.rows).toBe(events.length);
    expect(report.results.reduce((n, r) => n + r.duplicates, 0)).toBe(replayed.length);

    // The three-way verify is clean: the compacted lake agrees with the stream and the rollups.
    expect((await verifyLocalCloud(cloud, stateDir)).differences).toEqual([]);
    const figures = compactionFigures(state());
    expect(figures).toMatchObject({ visibleFiles: parts, supersededFiles: filesBefore });
    expect(figures.hoursCompacted).toBe(report.results.length);
  });

  it('a second run changes nothing; one past the grace period deletes the replaced files', async () => {
    const listed = listLocalLake(state());
    const again = await compact(Date.now());
    expect(again).toMatchObject({ results: [], deletedFiles: 0 });
    expect(listLocalLake(state())).toEqual(listed);

    const later = await compact(Date.now() + SETTINGS.graceMs + 1000);
    expect(later.deletedFiles).toBe(
      compactionFigures(state()).supersededFiles === 0 ? later.deletedFiles : -1,
    );
    expect(listLocalLake(state()).every((f) => f.key.includes('/compacted-'))).toBe(true);
    expect(await query()).toMatchObject({ rows: events.length, events: expected.events });
  });

  it('a stream file landing after compaction is read beside the generation, and folded in by the next run', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const late = sampleEvents(4, EVENT_MS).map((e, i) => ({
      schema: 'clickstream.page_view' as const,
      version: 1 as const,
      eventId: e.eventId,
      eventTime: new Date(EVENT_MS + i).toISOString(),
      sessionId: 's-late',
      page: '/late',
    }));
    await putStreamFile('shardId-000000000009-500-503', late);
    expect((await query()).events).toBe(expected.events + late.length);

    const report = await compact(Date.now() + 2000);
    expect(report.results).toHaveLength(1);
    expect(await query()).toMatchObject({
      rows: events.length + late.length,
      events: expected.events + late.length,
    });
  });

  it('the scheduled function runs on the local cloud from the template, as EventBridge invokes it', async () => {
    const target = cloud.plan.functions.find((fn) => fn.entry === 'processors/compact/handler.ts');
    const schedule = cloud.schedules.find((s) => s.functionLogicalId === target?.logicalId);
    if (!target || !schedule) throw new Error('the template schedules no compaction function');
    const event = scheduledEvent(schedule, LOCAL_REGION, LOCAL_ACCOUNT_ID, Date.now());
    const report = (await cloud.localFunction(target).invoke(event)) as CompactionReport;
    // The stack's own settings: two hours of lateness and a 15-minute margin keep the test hour open.
    expect(report).toMatchObject({ partitions: 2, open: 2, results: [] });
  });
});
