import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourText } from '../../commands/backfill/backfill-range.ts';
import type { RawZone } from '../../commands/backfill/lake-rebuild.ts';
import { type LocalTarget, localTargetOf } from '../../commands/backfill/local-backfill.ts';
import { backfillLocalFromRaw, type RawBackfillReport } from '../../commands/backfill/raw-backfill.ts';
import { eventStreamDelivery, rawZoneOf } from '../../commands/backfill/raw-source.ts';
import { verifyLocalCloud } from '../../commands/verify/verify-local.ts';
import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import { partitionOf } from '../../processors/archive/partition.ts';
import { lakeSnapshot } from '../../processors/lake/lake-files.ts';
import { type LakeObjects, s3LakeObjects } from '../../processors/lake/lake-objects.ts';
import { ROLLUPS } from '../../processors/rollups/rollups.ts';
import { HOUR_MS, lakeCountOf, startBackfillCloud } from './support/backfill-cloud.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { eventually, lakeBucketOf, putRecords } from './support/local-cloud-fixture.ts';
import { objectsUnder, recordsOf } from './support/raw-zone.ts';
import { waitUntilProcessed } from './support/stream-processed.ts';

const REPO = join(import.meta.dirname, '..', '..');
const EVENTS = 400;
/** sampleEvents' mix: three of every four events are clickstream. */
const sampleCounts = { clickstream: (EVENTS / 4) * 3 };

const written = (report: RawBackfillReport) =>
  (report.backfill?.rollups ?? []).reduce((sum, o) => sum + o.created + o.updated + o.zeroed, 0);

describe('npm run backfill --source raw: the lake rebuilt from the raw zone on the local cloud', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-backfill-raw-'));
  const live = new AbortController();
  let cloud: LocalCloud;
  let running: Promise<unknown>;
  let range: { fromMs: number; toMs: number };
  /** Backfill's clock, past the moment the range closes (the test cannot wait two hours; see backfill.test.ts). */
  let later: () => number;
  let target: LocalTarget;
  let stores: { raw: RawZone; lake: LakeObjects };

  const lakeCount = (dataset: string) => lakeCountOf(stateDir, dataset, range);
  const visibleFiles = async (dataset: string) => {
    const prefix = `lake/${dataset}/${partitionOf(range.fromMs)}/`;
    return lakeSnapshot(await stores.lake.list(prefix), 'lake/')[0]?.visible ?? [];
  };
  const rebuild = () => backfillLocalFromRaw(target, stores, { rollups: ROLLUPS, range, now: later });

  beforeAll(async () => {
    // Prepare: the real stack, lateness widened so events of the last hour are still accepted, raw objects after 1 s.
    ({ cloud, range, later } = await startBackfillCloud(stateDir, { rawBufferingSeconds: 1 }));
    target = localTargetOf(cloud, stateDir);
    const delivery = eventStreamDelivery(cloud.plan, cloud.resources.eventStream.arn);
    stores = {
      raw: rawZoneOf(delivery, cloud.clients.s3),
      lake: s3LakeObjects(cloud.clients.s3, lakeBucketOf(cloud)),
    };
    running = cloud.runMappings(live.signal);
    // Events of the hour before, in two puts (two lake files per partition), with producer duplicates and a bad record.
    const events = sampleEvents(EVENTS, range.fromMs + 30 * 60_000);
    await putRecords(cloud, asRecords(events.slice(0, EVENTS / 2)));
    await putRecords(cloud, [
      ...asRecords(events.slice(EVENTS / 2)),
      ...asRecords(events.slice(0, 3)),
      { data: 'not json', partitionKey: 'bad' },
    ]);
    await waitUntilProcessed(
      cloud,
      [cloud.resources.mappings.aggregate.id, cloud.resources.mappings.archive.id],
      90_000,
    );
    const bucket = delivery.destination.bucketName;
    await eventually(
      async () =>
        (await objectsUnder(cloud.clients.s3, bucket, 'raw/')).flatMap(recordsOf).length === EVENTS + 4,
      90_000,
      'every record in the raw zone',
    );
  });
  afterAll(async () => {
    live.abort();
    await running;
    await cloud?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('rebuilds a damaged hour from raw: lake queries and the three-way verify are clean after', async () => {
    // Prepare: a stream file of the hour is lost, so the lake misses events the stream and the rollups have.
    const [file] = await visibleFiles('clickstream');
    if (!file) throw new Error('no clickstream file in the hour');
    await cloud.clients.s3.send(new DeleteObjectCommand({ Bucket: lakeBucketOf(cloud), Key: file.key }));
    const damaged = await verifyLocalCloud(cloud, stateDir);
    expect(damaged.differences.some((d) => d.includes('lost'))).toBe(true);
    const clickstream = sampleCounts.clickstream;
    expect((await lakeCount('clickstream')).n).toBeLessThan(clickstream);

    // Act
    const report = await rebuild();

    // Assess: one new generation per dataset, the first copies of every event, the bad line counted, not written.
    const [hour] = report.rebuild.hours;
    expect(hour?.generations.map((g) => [g.dataset, g.events, g.parts])).toEqual([
      ['clickstream', clickstream, 1],
      ['telemetry', EVENTS - clickstream, 1],
    ]);
    expect(hour?.duplicates).toBe(3);
    expect(hour?.borderline).toEqual([]);
    expect(await lakeCount('clickstream')).toEqual({ n: clickstream, ids: clickstream });
    expect(await lakeCount('telemetry')).toEqual({ n: EVENTS - clickstream, ids: EVENTS - clickstream });
    const visible = await visibleFiles('clickstream');
    expect(visible.map((f) => f.key)).toEqual([expect.stringMatching(/\/compacted-\d{13}-1-of-1\.parquet$/)]);
    expect(report.backfill?.rollups.find((o) => o.rollup === 'events_by_type')?.events).toBe(EVENTS);
    expect((await verifyLocalCloud(cloud, stateDir)).differences).toEqual([]);
  });

  it('npm run backfill -- --source raw beside the running cloud: a closed hour without events rebuilds nothing (exit 0)', async () => {
    // Not spawnSync: this process serves the local cloud's S3, which the command reads.
    const cli = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'commands/backfill/backfill-cli.ts',
        '--state-dir',
        stateDir,
        '--source',
        'raw',
        '--lake-only',
        '--from',
        hourText(range.fromMs - 3 * HOUR_MS),
        '--to',
        hourText(range.fromMs - 2 * HOUR_MS),
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 120_000 },
    );
    // execFile rejects on a non-zero exit status: resolving means exit 0.
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toMatch(
      /^\S+: 0 raw objects \(0 bytes\), 0 lines read; no events of the hour in raw;/,
    );
    expect(cli.stdout).toMatch(
      /rebuilt the lake over .* from the raw zone: 0 events in 0 parts written, 0 borderline records\n$/,
    );
  });

  it('running it again changes no counts and writes no rollup', async () => {
    const again = await rebuild();
    expect(written(again)).toBe(0);
    expect(await lakeCount('clickstream')).toEqual({
      n: sampleCounts.clickstream,
      ids: sampleCounts.clickstream,
    });
    expect((await verifyLocalCloud(cloud, stateDir)).differences).toEqual([]);
  });
});
