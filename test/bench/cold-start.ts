import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handlerModule } from '../../infra/local/lambda/local-function.ts';
import { synthesizeCloud } from '../../infra/local/start-up/synth.ts';
import type { FunctionPlan } from '../../infra/local/template.ts';

/** What one function costs before its first invocation. */
export interface ColdStart {
  /** The function's source entry (`streamlake:entry`). */
  readonly entry: string;
  readonly memoryMb: number;
  /** The bundle Lambda loads (index.mjs), minified. */
  readonly bundleBytes: number;
  /** Everything else uploaded beside it: the source map, a WebAssembly module. */
  readonly besideBytes: Record<string, number>;
  /** Median over fresh processes: importing the bundle, its module-level clients and config included. */
  readonly initMs: number;
  /** The same with the function's NODE_OPTIONS (`--enable-source-maps`), as the template deploys it. */
  readonly initWithSourceMapsMs: number;
  /** Heap in use once loaded, median. */
  readonly heapMb: number;
}

/**
 * Run in a fresh `node` per sample: imports the bundle (what Lambda's Init Duration covers after its own
 * runtime start) and checks the handler is a function ready for a first call. Prints milliseconds and heap.
 */
const PROBE = `
const start = performance.now();
const module = await import(process.argv[1]);
const initMs = performance.now() - start;
if (typeof module[process.argv[2]] !== 'function') throw new Error('no handler ' + process.argv[2]);
console.log(JSON.stringify({ initMs, heapMb: process.memoryUsage().heapUsed / 2 ** 20 }));
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;

const probe = (fn: FunctionPlan, modulePath: string, exportName: string, withNodeOptions: boolean) => {
  const { NODE_OPTIONS, ...environment } = fn.environment;
  const out = execFileSync(
    process.execPath,
    [
      ...(withNodeOptions && NODE_OPTIONS ? NODE_OPTIONS.split(' ') : []),
      '--input-type=module',
      '-e',
      PROBE,
      modulePath,
      exportName,
    ],
    {
      // Only what Lambda gives a function: its template environment, a region and (unused) credentials.
      env: {
        PATH: process.env.PATH ?? '',
        ...environment,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'cold-start',
        AWS_SECRET_ACCESS_KEY: 'cold-start',
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return JSON.parse(out) as { initMs: number; heapMb: number };
};

const filesBeside = (folder: string, bundle: string): Record<string, number> =>
  Object.fromEntries(
    readdirSync(folder)
      .filter((name) => join(folder, name) !== bundle)
      .map((name) => [name, statSync(join(folder, name)).size]),
  );

/**
 * Synthesizes the stack as `npm start` does (each function bundled by HandlerFunction's esbuild settings
 * into the cloud assembly), then, per function, the bundle's bytes and the median init time over `runs`
 * fresh processes, with and without the template's NODE_OPTIONS, the samples alternating.
 */
export const measureColdStarts = (runs = 7): ColdStart[] => {
  const assemblyDir = mkdtempSync(join(tmpdir(), 'streamlake-cold-start-'));
  try {
    const { plan } = synthesizeCloud(assemblyDir, {});
    return plan.functions
      .filter((fn) => fn.entry !== undefined)
      .map((fn) => {
        const { modulePath, exportName } = handlerModule(assemblyDir, fn);
        const plain: { initMs: number; heapMb: number }[] = [];
        const mapped: number[] = [];
        for (let i = 0; i < runs; i++) {
          plain.push(probe(fn, modulePath, exportName, false));
          mapped.push(probe(fn, modulePath, exportName, true).initMs);
        }
        return {
          entry: fn.entry as string,
          memoryMb: fn.memoryMb,
          bundleBytes: statSync(modulePath).size,
          besideBytes: filesBeside(join(assemblyDir, fn.assetPath as string), modulePath),
          initMs: median(plain.map((p) => p.initMs)),
          initWithSourceMapsMs: median(mapped),
          heapMb: median(plain.map((p) => p.heapMb)),
        };
      });
  } finally {
    rmSync(assemblyDir, { recursive: true, force: true });
  }
};

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
const kb = (bytes: number) => `${n(bytes / 1024)} KB`;

/** `npm run bench`'s cold-start section: one row per function of the synthesized stack. */
export const printColdStartBench = (quick: boolean): ColdStart[] => {
  const runs = quick ? 3 : 7;
  const starts = measureColdStarts(runs);
  console.log(
    `\n## Cold start: each function's bundle (as synthesized) and its init, median of ${runs} fresh processes`,
  );
  console.log(
    `${'function'.padEnd(40)} ${'memory'.padStart(7)} ${'bundle'.padStart(9)} ${'beside it'.padStart(26)} ${'init'.padStart(8)} ${'+ source maps'.padStart(14)} ${'heap'.padStart(7)}`,
  );
  for (const s of starts) {
    const beside = Object.entries(s.besideBytes)
      .map(([name, bytes]) => `${name.replace(/^.*\./, '.')} ${kb(bytes)}`)
      .join(', ');
    console.log(
      `${s.entry.padEnd(40)} ${`${s.memoryMb} MB`.padStart(7)} ${kb(s.bundleBytes).padStart(9)} ${beside.padStart(26)} ${`${n(s.initMs)} ms`.padStart(8)} ${`${n(s.initWithSourceMapsMs)} ms`.padStart(14)} ${`${n(s.heapMb, 1)} MB`.padStart(7)}`,
    );
  }
  return starts;
};

if (process.argv[1]?.endsWith('cold-start.ts')) printColdStartBench(process.argv.includes('--quick'));
