import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unpackEntries } from '../../processors/dedup/seen-events.ts';
import { errorMessage } from '../../processors/shared/errors.ts';
import type { RecountSettings } from './recount-settings.ts';
import type { RecountSnapshot, SavedShard } from './stream-recount.ts';

/** The recount's file in a state folder. */
export const TRUTH_FILE = 'truth.json';

export const truthPathOf = (stateDir: string) => join(stateDir, TRUTH_FILE);

const FORMAT = 'streamlake-stream-recount';
const VERSION = 1;

/** Which stream a recount counted: a stream deleted and created again restarts its sequence numbers. */
export interface StreamIdentity {
  readonly name: string;
  /** StreamCreationTimestamp, ms. */
  readonly createdAtMs: number;
}

/** `<stateDir>/truth.json`: the recount as of its last save. */
export interface TruthState {
  readonly stream: StreamIdentity;
  /** What the recount judged the records by when it last read. */
  readonly settings: RecountSettings;
  readonly recount: RecountSnapshot;
}

/** A truth file that cannot be used; its message names the file and what to do. */
export class TruthFileError extends Error {}

const startOver = (path: string) =>
  `delete ${path} to recount the stream from its oldest record (complete while the stream still holds every ` +
  'record, 24 hours by default), or start over with npm start -- --fresh';

const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why a saved shard is not one, or undefined when it is. */
const shardProblem = (shardId: string, shard: unknown): string | undefined => {
  if (!isRecord(shard)) return `shard ${shardId} is not an object`;
  const { lastSequence, records, seen } = shard as Partial<SavedShard>;
  if (typeof lastSequence !== 'string' || !/^\d+$/.test(lastSequence))
    return `shard ${shardId} has no lastSequence`;
  if (!isCount(records)) return `shard ${shardId} has no record count`;
  if (!Array.isArray(seen)) return `shard ${shardId} has no seen entries`;
  for (const group of seen) {
    if (!isRecord(group) || typeof group.arrivedAtMs !== 'number' || typeof group.entries !== 'string')
      return `shard ${shardId} has a malformed seen group`;
    unpackEntries(Buffer.from(group.entries, 'base64'));
  }
  return undefined;
};

/** Why a parsed file is not a truth state, or undefined when it is. */
const stateProblem = (value: unknown): string | undefined => {
  if (!isRecord(value) || value.format !== FORMAT) return `it is not a ${FORMAT} file`;
  if (value.version !== VERSION)
    return `it has version ${String(value.version)}, this streamlake reads ${VERSION}`;
  const { stream, settings, recount } = value as Partial<Record<keyof TruthState, unknown>>;
  if (!isRecord(stream) || typeof stream.name !== 'string' || typeof stream.createdAtMs !== 'number')
    return 'it names no stream';
  if (!isRecord(settings) || !isRecord(settings.policy) || typeof settings.horizonMs !== 'number')
    return 'it has no settings';
  if (
    !isRecord(recount) ||
    !isRecord(recount.counters) ||
    !isRecord(recount.shards) ||
    !isRecord(recount.rollups)
  )
    return 'it has no counters, shards or rollups';
  if (![recount.counters.read, recount.counters.accepted, recount.counters.producerDuplicates].every(isCount))
    return 'its counters are not counts';
  for (const [shardId, shard] of Object.entries(recount.shards)) {
    const problem = shardProblem(shardId, shard);
    if (problem) return problem;
  }
  return undefined;
};

/**
 * Reads `<stateDir>/truth.json`; undefined when there is none yet (the recount starts at the stream's
 * oldest record). A file cut short or edited is refused, naming the file and what to do.
 */
export const readTruth = (path: string): TruthState | undefined => {
  if (!existsSync(path)) return undefined;
  let problem: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
    problem = stateProblem(value);
  } catch (error) {
    problem = `it is not readable JSON (${errorMessage(error)})`;
  }
  if (problem)
    throw new TruthFileError(`the stream recount ${path} cannot be used: ${problem}; ${startOver(path)}`);
  return value as TruthState;
};

/** Makes a rename durable: on Linux a folder can be fsynced; elsewhere the rename alone must do. */
const syncFolder = (folder: string) => {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {}
};

/**
 * Saves the recount atomically: a temporary file written and fsynced, then renamed over the old one, so a
 * crash at any moment leaves either the old state or the new one, never a mix.
 */
export const writeTruth = (path: string, state: TruthState): void => {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, JSON.stringify({ format: FORMAT, version: VERSION, ...state }));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncFolder(dirname(path));
};
