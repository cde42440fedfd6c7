import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../infra/local/run-demo.ts';
import type { StartOptions } from '../../infra/local/start-options.ts';

export interface LocalRun {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly records: number;
  readonly writes: number;
  readonly items: number;
  readonly earlyMaxAgeS: number;
  readonly lateMaxAgeS: number;
  readonly drained: boolean;
  /** Kept up: sent ≥ 95 % of the target, drained, and iterator age did not grow from the 2nd quarter to the 4th. */
  readonly sustained: boolean;
}

/** Runs the whole local pipeline (fresh state) at one rate and reads how it coped. */
export const runLocalPipeline = async (rate: number, durationSeconds: number, batchingWindowSeconds = 5) => {
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
  };
  const ages: { at: number; age: number }[] = [];
  const started = Date.now();
  const run = await runDemo(options, new AbortController().signal, {
    onProgress: (_producer, stats, cloud) =>
      ages.push({
        at: Date.now() - started,
        age: stats.mapping(cloud.mappingIdOf('Aggregate')).lastIteratorAgeMs / 1000,
      }),
  });
  await run.cloud.stop();
  rmSync(stateDir, { recursive: true, force: true });
  // Compare the second quarter with the last: the first quarter is start-up, before any batch.
  const quarter = (durationSeconds * 1000) / 4;
  const maxOf = (xs: { age: number }[]) => Math.max(0, ...xs.map((x) => x.age));
  const first = maxOf(ages.filter((a) => a.at > quarter && a.at <= 2 * quarter));
  const second = maxOf(ages.filter((a) => a.at > 3 * quarter && a.at <= 4 * quarter));
  const achievedRate = run.producers.sent / (run.producers.elapsedMs / 1000);
  const result: LocalRun = {
    targetRate: rate,
    achievedRate,
    records: run.cloud.metrics.get('RecordsIn', 'streamlake-aggregate'),
    writes: run.cloud.metrics.get('RollupWrites'),
    items: run.cloud.metrics.get('RollupItems'),
    earlyMaxAgeS: first,
    lateMaxAgeS: second,
    drained: run.drained,
    sustained: run.drained && achievedRate >= 0.95 * rate && second <= first + batchingWindowSeconds + 1,
  };
  return result;
};
