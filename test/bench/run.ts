import {
  aggregateBatch,
  clickstreamBatch,
  interleavedRatio,
  printAggregateBench,
} from './aggregate-throughput.ts';
import { printColdStartBench } from './cold-start.ts';
import { printCollectorBench } from './collector-throughput.ts';
import { dedupWriteUnits, warmMemory } from './dedup-cost.ts';
import { printDeviceBench } from './device-throughput.ts';
import { printLakeLifecycleBench } from './lake-lifecycle.ts';
import { type LocalRun, runLocalPipeline } from './local-throughput.ts';
import { printParquetBench } from './parquet-encoding.ts';

// `npm run bench` — every ratio below is measured against a baseline taken in this same run.
process.removeAllListeners('warning');
const quick = process.argv.includes('--quick');
const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });

const records = clickstreamBatch(10_000);
printAggregateBench(records);

const memory = warmMemory(450_000);
const dedup = interleavedRatio(
  () => aggregateBatch(records),
  () => aggregateBatch(records, memory),
);
console.log('\n## Producer duplicates (D14): the aggregate with a warm memory of 450,000 first copies');
console.log(`aggregate with dedup       ${n(records.length / dedup.candidateSeconds)} records/s`);
console.log(`ratio with / without       ${n(dedup.ratio, 2)}  (median of 21 interleaved pairs)`);
for (const batchSize of [100, 1000, 10_000]) {
  const { itemBytes, writeUnits } = dedupWriteUnits(batchSize);
  console.log(
    `dedup item, batch of ${n(batchSize).padStart(6)}: ${n(itemBytes)} bytes, ${writeUnits} WRU = ${n((writeUnits / batchSize) * 1000, 1)} WRU per 1,000 events (naive: 1,000)`,
  );
}

const duration = quick ? 10 : 30;
console.log(
  `\n## Local pipeline (fresh local cloud per rate, ${duration}s each, 2 shards, a 5 s aggregate batching window; the stack's is 15 s)`,
);
const demo = await runLocalPipeline(1000, duration);
console.log(
  `demo load 1,000 events/s: DynamoDB writes per 1,000 events ${n((demo.writes / demo.events) * 1000, 1)}` +
    ` (lower bound, distinct items per batch: ${n((demo.items / demo.events) * 1000, 1)}; bar ≤ 50)`,
);
/** One table of local runs; `bar` is the rate issue 15 asks to sustain (0: none for this path). */
const table = (title: string, runs: LocalRun[], bar = 5000) => {
  console.log(`\n${title}`);
  console.log(
    'target/s  achieved/s  iterator age max 2nd quarter → 4th  slope s/s  drain after stop  sustained',
  );
  for (const r of runs) {
    console.log(
      `${n(r.targetRate).padStart(8)}  ${n(r.achievedRate).padStart(10)}  ${`${n(r.earlyMaxAgeS, 1)}s → ${n(r.lateMaxAgeS, 1)}s`.padStart(36)}  ${n(r.slope, 2).padStart(9)}  ${`${n(r.drainS, 1)}s`.padStart(16)}  ${r.sustained}`,
    );
  }
  const best = Math.max(0, ...runs.filter((r) => r.sustained).map((r) => r.achievedRate));
  console.log(`highest sustained rate: ${n(best)} events/s${bar ? ` (bar ≥ ${n(bar)})` : ''}`);
};
const rates = quick ? [5000] : [3000, 5000, 6000];
const aggregateOnly: LocalRun[] = [];
for (const rate of rates) aggregateOnly.push(await runLocalPipeline(rate, duration, 'aggregate'));
table(
  'Aggregator only (Kinesis → aggregate → DynamoDB), the pipeline of the foundation issue:',
  aggregateOnly,
);
const everything: LocalRun[] = [demo];
for (const rate of quick ? [3000] : [2000, 3000, 4000])
  everything.push(await runLocalPipeline(rate, duration));
table(
  'Every consumer (aggregate + archive + fan-out/alerts + schedule), producers writing one event a record to the stream (30 times the records of the edges; no bar):',
  everything,
  0,
);
const throughEdges: LocalRun[] = [];
for (const rate of quick ? [5000] : [4000, 5000, 6000])
  throughEdges.push(await runLocalPipeline(rate, duration, 'all', 5, 'edges'));
table(
  'As npm start runs it: web through the local collector (a batch record a request), devices over MQTT (a batch record a message), every consumer; the simulators on a thread of their own, on the same two cores:',
  throughEdges,
);
for (const r of throughEdges)
  console.log(
    `  ${n(r.targetRate)}/s: ${n(r.events)} events in ${n(r.records)} records (${n(r.events / Math.max(1, r.records), 1)} a record)`,
  );
await printParquetBench(quick);
printColdStartBench(quick);
await printCollectorBench(quick);
await printDeviceBench(quick);
await printLakeLifecycleBench(quick);
process.exit(0);
