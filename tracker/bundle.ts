import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

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

const bundle = async (format: 'esm' | 'iife', fileName: string): Promise<TrackerBuild> => {
  const result = await build({
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
  const text = result.outputFiles[0]?.text ?? '';
  return {
    fileName,
    text,
    minifiedBytes: Buffer.byteLength(text),
    gzippedBytes: gzipSync(text, { level: 9 }).byteLength,
  };
};

/**
 * Both builds of the tracker, in memory: what `npm run build:tracker` writes to tracker/dist, and what a server
 * (the local cloud, a deployment) can serve without a file on disk.
 */
export const bundleTracker = (): Promise<TrackerBuild[]> =>
  Promise.all([bundle('esm', 'streamlake-tracker.mjs'), bundle('iife', 'streamlake-tracker.js')]);
