import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../commands/start/run-demo.ts';
import type { StartOptions } from '../../commands/start/start-options.ts';

export interface LocalRun {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly records: number;
  /** Events in those records (several a record through the edges, D36). */
  readonly events: number;
  readonly writes: number;
  readonly items: number;
  readonly earlyMaxAgeS: number;
  readonly lateMaxAgeS: number;
  readonly drained: boolean;
  /** Least-squares growth of iterator age, seconds per second, after start-up. */
  readonly slope: number;
  /** Seconds the consumers needed to catch up after the producers stopped. */
  readonly drainS: number;
  /** Kept up: sent ≥ 95 % of the target and drained within two batching windows + 3 s after production stopped. */
  readonly sustained: boolean;
}

/** Runs the whole local pipeline (fresh state) at one rate and reads how it coped. */
export const runLocalPipeline = async (
  rate: number,
  durationSeconds: number,
  consumers: 'all' | 'aggregate' = 'all',
  batchingWindowSeconds = 5,
  /**
   * `direct`: producers write one event a record straight to the stream, so only the consumers are measured.
   * `edges`: as npm start runs it — the web clickstream through the local collector at the tracker's batching
   * (100 events or 5 s a request: one batch record each), devices over MQTT (a batch record a message), D36.
   */
  via: 'direct' | 'edges' = 'direct',
) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-bench-'));
  const options: StartOptions = {
    rate,
    durationSeconds,
    forever: false,
    seed: 42,
    devices: 50,
    poisonRate: 0,
    batchingWindowSeconds,
    shards: 2,
    stateDir,
    fresh: true,
    basePort: 0,
    consumers,
    ...(via === 'direct'
      ? // The consumers alone: producers write to the stream directly, so the edges (collector, broker), which
        // share these two cores, are not what limits the rate (they have benchmarks of their own).
        { webVia: 'kinesis' as const, devicesVia: 'kinesis' as const }
      : { webVia: 'collector' as const, devicesVia: 'mqtt' as const, webMaxDelayMs: 5_000 }),
  };
  const ages: { at: number; age: number }[] = [];
  // From the first progress report: the cloud's start-up (bundling, servers, devices) is not part of the run.
  let started: number | undefined;
  const run = await runDemo(options, new AbortController().signal, {
    onProgress: (_producer, stats, cloud) => {
      started ??= Date.now();
      ages.push({
        at: Date.now() - started,
        age: stats.mapping(cloud.resources.mappings.aggregate.id).lastIteratorAgeMs / 1000,
      });
    },
  });
  await run.cloud.stop();
  rmSync(stateDir, { recursive: true, force: true });
  // Iterator age only moves at checkpoints, so it saw-tooths with the batching window; "growing" is
  // its least-squares slope over the run after the first quarter (start-up) exceeding 0.1 s per s.
  const quarter = (durationSeconds * 1000) / 4;
  const settled = ages.filter((a) => a.at > quarter && a.at <= durationSeconds * 1000);
  const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / Math.max(1, xs.length);
  const meanAt = mean(settled.map((a) => a.at / 1000));
  const meanAge = mean(settled.map((a) => a.age));
  const slope =
    settled.reduce((sum, a) => sum + (a.at / 1000 - meanAt) * (a.age - meanAge), 0) /
    Math.max(
      1e-9,
      settled.reduce((sum, a) => sum + (a.at / 1000 - meanAt) ** 2, 0),
    );
  const maxOf = (xs: { age: number }[]) => Math.max(0, ...xs.map((x) => x.age));
  const first = maxOf(settled.filter((a) => a.at <= 2 * quarter));
  const second = maxOf(settled.filter((a) => a.at > 3 * quarter));
  const achievedRate = run.producers.sent / (run.producers.elapsedMs / 1000);
  const result: LocalRun = {
    targetRate: rate,
    achievedRate,
    records: run.cloud.metrics.get('RecordsIn', 'streamlake-aggregate'),
    events: run.cloud.metrics.get('EventsIn', 'streamlake-aggregate'),
    writes: run.cloud.metrics.get('RollupWrites'),
    items: run.cloud.metrics.get('RollupItems'),
    earlyMaxAgeS: first,
    lateMaxAgeS: second,
    drained: run.drained,
    slope,
    drainS: run.drainMs / 1000,
    // Kept up: no backlog beyond what one batching window and a batch's processing leave behind.
    sustained:
      run.drained && achievedRate >= 0.95 * rate && run.drainMs <= 2 * batchingWindowSeconds * 1000 + 3000,
  };
  return result;
};
