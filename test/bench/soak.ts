import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, type Dirent, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `npm run soak -- --rate 1000 --minutes 10`: how much state `npm start -- --forever` keeps growing, and
 * its resident memory. Runs the demo as a child process in a fresh temporary state folder, samples every
 * 30 s the size of each entry of that folder (the S3 buckets one by one, so the lake — data a user asked
 * for — stands apart from what the emulator keeps for itself) and the resident memory of the whole process
 * tree (DynamoDB Local's JVM included), stops it with SIGINT as Ctrl-C would, and prints the growth per
 * hour extrapolated from the run. Not part of `npm test`: it takes as long as it is told to.
 */

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '10' },
    'sample-seconds': { type: 'string', default: '30' },
    'base-port': { type: 'string', default: '5967' },
    'state-dir': { type: 'string' },
  },
});
const rate = Number(values.rate);
const minutes = Number(values.minutes);
const sampleSeconds = Number(values['sample-seconds']);
const stateDir = values['state-dir'] ?? mkdtempSync(join(tmpdir(), 'streamlake-soak-'));
const MB = 1024 * 1024;

/** Apparent size of a file or folder, in bytes (a file removed while walked counts as nothing). */
const sizeOf = (path: string): number => {
  try {
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.size;
    return readdirSync(path, { withFileTypes: true }).reduce(
      (sum: number, entry: Dirent) => sum + sizeOf(join(path, entry.name)),
      0,
    );
  } catch {
    return 0;
  }
};

/** The parts a reader tells apart: each entry of the state folder, and each S3 bucket on its own. */
const partSizes = (): Map<string, number> => {
  const parts = new Map<string, number>();
  if (!existsSync(stateDir)) return parts;
  for (const entry of readdirSync(stateDir)) {
    if (entry === 's3') {
      for (const bucket of readdirSync(join(stateDir, 's3')))
        parts.set(`s3/${bucket}`, sizeOf(join(stateDir, 's3', bucket)));
    } else if (entry === 'logs') {
      for (const log of readdirSync(join(stateDir, 'logs')))
        parts.set(`logs/${log}`, sizeOf(join(stateDir, 'logs', log)));
    } else {
      parts.set(entry, sizeOf(join(stateDir, entry)));
    }
  }
  return parts;
};

/** Resident memory of `root` and every process below it, in bytes (ps reports KiB). */
const treeRss = (root: number): number => {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [pid = 0, ppid = 0, rss = 0] = line.trim().split(/\s+/).map(Number);
      return [pid, ppid, rss] as const;
    });
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of rows)
      if (!inTree.has(pid) && inTree.has(ppid)) {
        inTree.add(pid);
        grew = true;
      }
  }
  return rows.filter(([pid]) => inTree.has(pid)).reduce((sum, [, , rss]) => sum + rss * 1024, 0);
};

interface Sample {
  readonly seconds: number;
  readonly parts: Map<string, number>;
  readonly rss: number;
}

const logFile = join(stateDir, '..', `${stateDir.split('/').pop()}.log`);
const log = createWriteStream(logFile);
// Exactly what `npm start` runs (package.json), without npm in between so SIGINT reaches it as Ctrl-C would.
const args = [
  '--import',
  'tsx',
  'commands/start/start.ts',
  '--forever',
  '--rate',
  String(rate),
  '--state-dir',
  stateDir,
  '--fresh',
  '--base-port',
  String(values['base-port']),
];
console.log(`soak: node ${args.join(' ')}`);
console.log(`soak: ${minutes} min at ${rate} events/s; output of npm start in ${logFile}`);
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
child.stdout.pipe(log);
child.stderr.pipe(log);
const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
const pid = child.pid ?? 0;

// Production starts once the cloud is up: the clock of the run starts there.
await new Promise<void>((resolve, reject) => {
  const onData = (chunk: Buffer) => {
    if (chunk.toString().includes('producing')) {
      child.stderr.off('data', onData);
      child.stdout.off('data', onData);
      resolve();
    }
  };
  child.stderr.on('data', onData);
  child.stdout.on('data', onData);
  void exited.then((code) => reject(new Error(`npm start exited (${code}) before producing`)));
});
const started = Date.now();
const samples: Sample[] = [];
const sample = () => {
  const s: Sample = { seconds: (Date.now() - started) / 1000, parts: partSizes(), rss: treeRss(pid) };
  samples.push(s);
  const total = [...s.parts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `t=${s.seconds.toFixed(0).padStart(5)}s  state ${(total / MB).toFixed(1).padStart(8)} MB  rss ${(s.rss / MB).toFixed(0).padStart(6)} MB`,
  );
};
sample();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
while (Date.now() - started < minutes * 60_000) {
  await sleep(Math.min(sampleSeconds * 1000, started + minutes * 60_000 - Date.now()));
  sample();
}
const peakRss = Math.max(...samples.map((s) => s.rss));
const stopAt = Date.now();
child.kill('SIGINT');
// The drain after Ctrl-C reads back what the consumers had not caught up with: its memory is watched too.
let drainPeakRss = 0;
let stopped = false;
const code = await Promise.race([
  exited,
  (async () => {
    while (!stopped) {
      drainPeakRss = Math.max(drainPeakRss, treeRss(pid));
      await sleep(2_000);
    }
    return null;
  })(),
]);
stopped = true;
const drainSeconds = (Date.now() - stopAt) / 1000;
const after = partSizes();

/** Least-squares slope in bytes per second: steadier than last minus first with 30 s samples. */
const slope = (points: readonly (readonly [number, number])[]): number => {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
};

const first = samples[0] as Sample;
const last = samples.at(-1) as Sample;
const names = [...new Set(samples.flatMap((s) => [...s.parts.keys()]))].sort();
const hours = (last.seconds - first.seconds) / 3600;
console.log(
  `\nper part of ${stateDir} (MB at the start of production → at the end, growth per hour extrapolated from ${(hours * 60).toFixed(1)} min):`,
);
const row = (name: string, from: number, to: number, perHour: number) =>
  console.log(
    `${name.padEnd(34)} ${(from / MB).toFixed(1).padStart(9)} → ${(to / MB).toFixed(1).padStart(9)}  ${(perHour / MB).toFixed(0).padStart(7)} MB/h`,
  );
let totalPerHour = 0;
for (const name of names) {
  const perHour = slope(samples.map((s) => [s.seconds, s.parts.get(name) ?? 0])) * 3600;
  totalPerHour += perHour;
  row(name, first.parts.get(name) ?? 0, last.parts.get(name) ?? 0, perHour);
}
const sum = (parts: Map<string, number>) => [...parts.values()].reduce((a, b) => a + b, 0);
row('total', sum(first.parts), sum(last.parts), totalPerHour);
console.log(
  `\nresident memory of the process tree: ${(last.rss / MB).toFixed(0)} MB at the end of production (peak sample ${(peakRss / MB).toFixed(0)} MB)`,
);
console.log(
  `stopped with SIGINT: exit ${code} after ${drainSeconds.toFixed(0)} s of draining (peak ${(drainPeakRss / MB).toFixed(0)} MB resident meanwhile); state after the drain ${(sum(after) / MB).toFixed(1)} MB`,
);
console.log(`(growth per hour is extrapolated linearly from this ${(hours * 60).toFixed(1)}-minute run)`);
