import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/** The file that says "streamlake made this folder": written when a state folder is created. */
export const STATE_MARKER = '.streamlake-state';
/** The marker's own format, not the package version: bump it only if the marker's meaning changes. */
const MARKER_VERSION = 1;

/**
 * What a state folder held before the marker existed. Such a folder is recognised as streamlake's when
 * it holds `cloud.json` and `checkpoints.json` (a run wrote the first once its servers were up and the
 * second at its first checkpoint; no other tool writes those names) *and nothing but entries streamlake
 * writes*. The second condition matters: `npm start -- --state-dir .` once, without `--fresh`, writes
 * both files into the repository itself, which must not then look like a state folder to `--fresh`.
 * `.DS_Store` is what macOS's Finder leaves in any folder it showed.
 */
const LEGACY_ENTRIES = new Set([
  'cloud.json',
  'checkpoints.json',
  'cdk.out',
  'kinesis',
  'dynamodb',
  's3',
  'sns.json',
  'alerts.jsonl',
  'logs',
  'ground-truth.jsonl',
  'replay-ledger.jsonl',
  '.DS_Store',
]);

/** A state folder `--fresh` may not delete, or one that cannot be used at all; `npm start` exits 2. */
export class StateDirError extends Error {}

export type StateDirKind =
  /** Does not exist yet: streamlake will create it. */
  | 'missing'
  /** Exists and is empty: nothing to lose. */
  | 'empty'
  /** Holds the marker: streamlake created it. */
  | 'streamlake'
  /** Made by a version before the marker (see LEGACY_ENTRIES). */
  | 'legacy'
  /** Anything else: someone else's folder, or one used with files streamlake does not write. */
  | 'foreign';

export interface StateDirInspection {
  readonly kind: StateDirKind;
  /** What the folder holds (for a refusal to name). */
  readonly entries: readonly string[];
}

const hasMarker = (dir: string): boolean => {
  try {
    const marker = JSON.parse(readFileSync(join(dir, STATE_MARKER), 'utf8')) as { createdBy?: unknown };
    return marker.createdBy === 'streamlake';
  } catch {
    return false;
  }
};

/** What kind of folder `dir` is; throws StateDirError if it exists and is not a folder. */
export const inspectStateDir = (dir: string): StateDirInspection => {
  if (!existsSync(dir)) return { kind: 'missing', entries: [] };
  if (!statSync(dir).isDirectory())
    throw new StateDirError(`the state folder ${dir} is a file, not a folder: pass another --state-dir`);
  const entries = readdirSync(dir).sort();
  if (entries.length === 0) return { kind: 'empty', entries };
  if (hasMarker(dir)) return { kind: 'streamlake', entries };
  const legacy =
    entries.includes('cloud.json') &&
    entries.includes('checkpoints.json') &&
    entries.every((entry) => LEGACY_ENTRIES.has(entry));
  return { kind: legacy ? 'legacy' : 'foreign', entries };
};

/** Writes the marker into `dir` (creating it) unless it is there. */
export const markStateDir = (dir: string): void => {
  mkdirSync(dir, { recursive: true });
  if (hasMarker(dir)) return;
  writeFileSync(
    join(dir, STATE_MARKER),
    `${JSON.stringify({ createdBy: 'streamlake', version: MARKER_VERSION, createdAt: new Date().toISOString() })}\n`,
  );
};

/** `dir` is the working directory or one of its parents: emptying it would pull the floor from under us. */
const holdsWorkingDirectory = (dir: string): boolean => {
  const path = relative(realpathSync(dir), realpathSync(process.cwd()));
  return path === '' || (path.split(sep)[0] !== '..' && !isAbsolute(path));
};

/**
 * Throws StateDirError, deleting nothing, unless `--fresh` may empty `dir`: it is missing, empty, or a
 * folder streamlake created (marker, or an earlier version's state folder).
 */
export const assertFreshAllowed = (dir: string): StateDirInspection => {
  const found = inspectStateDir(dir);
  if (found.kind === 'foreign') {
    const shown = found.entries.slice(0, 5).join(', ') + (found.entries.length > 5 ? ', …' : '');
    throw new StateDirError(
      `refusing --fresh: ${dir} was not created by streamlake (it has no ${STATE_MARKER} marker and holds ${shown}), so nothing was deleted. ` +
        `Pass --state-dir a new or empty folder, or delete ${dir} yourself if nothing in it is needed.`,
    );
  }
  if (found.kind !== 'missing' && found.kind !== 'empty' && holdsWorkingDirectory(dir)) {
    throw new StateDirError(
      `refusing --fresh: ${dir} holds the working directory ${process.cwd()}, so nothing was deleted: pass another --state-dir`,
    );
  }
  return found;
};

/**
 * Makes `dir` ready to hold a local cloud's state. With `fresh`, empties it first — only a folder
 * streamlake created (see assertFreshAllowed), and only its contents, so a folder that is a mount point
 * or a symlink's target stays. Marks the folder when streamlake creates it, finds it empty, or
 * recognises an earlier version's state folder; a foreign folder used without `fresh` is used as
 * before but never marked, so a later `--fresh` still refuses it.
 */
export const prepareStateDir = (dir: string, options: { fresh: boolean }): void => {
  const found = options.fresh ? assertFreshAllowed(dir) : inspectStateDir(dir);
  if (found.kind === 'foreign') return;
  if (options.fresh) {
    for (const entry of found.entries) rmSync(join(dir, entry), { recursive: true, force: true });
  }
  markStateDir(dir);
};
