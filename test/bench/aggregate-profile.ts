/**
 * The aggregate section alone, for profiling and repeated measurement (issue 15 item 3):
 *   npx tsx test/bench/aggregate-profile.ts ratio [runs]   ours / bare, `runs` separate interleaved ratios
 *   npx tsx test/bench/aggregate-profile.ts loop [seconds] ours only, for `node --cpu-prof`
 * Each ratio is interleavedRatio's median of 21 pairs, as `npm run bench` reports it.
 */
import { aggregateBatch, bareDecode, clickstreamBatch, interleavedRatio } from './aggregate-throughput.ts';

const [mode = 'ratio', arg] = process.argv.slice(2);
const records = clickstreamBatch(10_000);

if (mode === 'loop') {
  const until = Date.now() + Number(arg ?? 10) * 1000;
  let items = 0;
  while (Date.now() < until) items += aggregateBatch(records);
  console.log(`${items} items`);
} else if (mode === 'bare') {
  const until = Date.now() + Number(arg ?? 10) * 1000;
  let parsed = 0;
  while (Date.now() < until) parsed += bareDecode(records);
  console.log(`${parsed} parsed`);
} else {
  const runs = Number(arg ?? 5);
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = interleavedRatio(
      () => bareDecode(records),
      () => aggregateBatch(records),
    );
    ratios.push(r.ratio);
    console.log(
      `run ${i + 1}: ratio ${r.ratio.toFixed(3)}  bare ${Math.round(10_000 / r.baselineSeconds)}/s  ours ${Math.round(10_000 / r.candidateSeconds)}/s`,
    );
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(
    `min ${sorted[0]?.toFixed(3)} median ${sorted[Math.floor(runs / 2)]?.toFixed(3)} max ${sorted.at(-1)?.toFixed(3)}`,
  );
}
