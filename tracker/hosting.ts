import { createHash } from 'node:crypto';
import type { TrackerBuild } from './bundle.ts';

/** A year: the path changes with the content, so a cached copy is never stale. */
export const TRACKER_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * The folder both builds are served from, named by their content (`tracker/<12 hex digits>/`): a new build is a
 * new path, so the files can be cached for a year and never overwritten. The same on CloudFront and on 127.0.0.1.
 */
export const trackerFolder = (builds: readonly TrackerBuild[]): string => {
  const hash = createHash('sha256');
  for (const build of [...builds].sort((a, b) => a.fileName.localeCompare(b.fileName))) {
    hash.update(build.fileName).update('\0').update(build.text).update('\0');
  }
  return `tracker/${hash.digest('hex').slice(0, 12)}/`;
};

/** Each build's path under its folder, e.g. `tracker/3f2a9c0b1d4e/streamlake-tracker.mjs`, by file name. */
export const trackerPaths = (builds: readonly TrackerBuild[]): ReadonlyMap<string, string> => {
  const folder = trackerFolder(builds);
  return new Map(builds.map((build) => [build.fileName, `${folder}${build.fileName}`]));
};
