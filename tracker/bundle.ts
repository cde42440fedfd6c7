import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, buildSync } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./src/index.ts', import.meta.url));
/** The budget for each build of the tracker, minified and gzipped. */
export const SIZE_BUDGET_BYTES = 6 * 1024;
/** ES2020 (optional chaining, `??`): every browser with fetch keepalive; so nothing is down-levelled. */
const TARGET = 'es2020';

export interface TrackerBuild {
  /** `streamlake-tracker.mjs` (ES module) or `streamlake-tracker.js` (classic script, global `streamlake`). */
  readonly fileName: string;
  readonly text: string;
  readonly minifiedBytes: number;
  readonly gzippedBytes: number;
}

/** The file name of each build, as served (tracker/hosting.ts puts both under one content-named folder). */
export const TRACKER_FILE_NAMES = {
  module: 'streamlake-tracker.mjs',
  classic: 'streamlake-tracker.js',
} as const;

const FILES = [
  { format: 'esm', fileName: TRACKER_FILE_NAMES.module },
  { format: 'iife', fileName: TRACKER_FILE_NAMES.classic },
] as const;

const optionsFor = (format: 'esm' | 'iife'): BuildOptions & { write: false } => ({
  entryPoints: [ENTRY],
  bundle: true,
  minify: true,
  format,
  ...(format === 'iife' ? { globalName: 'streamlake' } : {}),
  target: TARGET,
  platform: 'browser',
  write: false,
  legalComments: 'none',
  logLevel: 'silent',
});

const described = (fileName: string, text: string): TrackerBuild => ({
  fileName,
  text,
  minifiedBytes: Buffer.byteLength(text),
  gzippedBytes: gzipSync(text, { level: 9 }).byteLength,
});

const bundle = async (format: 'esm' | 'iife', fileName: string): Promise<TrackerBuild> => {
  const result = await build(optionsFor(format));
  return described(fileName, result.outputFiles[0]?.text ?? '');
};

/**
 * Both builds of the tracker, in memory: what `npm run build:tracker` writes to tracker/dist, and what a server
 * (the local cloud, a deployment) can serve without a file on disk.
 */
export const bundleTracker = (): Promise<TrackerBuild[]> =>
  Promise.all(FILES.map(({ format, fileName }) => bundle(format, fileName)));

/**
 * The same builds, synchronously: for the CDK stack, whose construction (`cdk synth`, the tests, the local
 * cloud) cannot await.
 */
export const bundleTrackerSync = (): TrackerBuild[] =>
  FILES.map(({ format, fileName }) =>
    described(fileName, buildSync(optionsFor(format)).outputFiles[0]?.text ?? ''),
  );
