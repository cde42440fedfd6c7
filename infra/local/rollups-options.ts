import { parseArgs } from 'node:util';
import { ROLLUPS } from '../../processors/rollups/rollups.ts';
import { UsageError } from '../../producers/cli-options.ts';
import { DEFAULT_STATE_DIR } from './cloud-state.ts';

export const ROLLUPS_USAGE = `npm run rollups -- [rollup] [--limit N] [--state-dir DIR]

Reads the rollups the last npm start wrote (starting DynamoDB Local on its saved state).
With no rollup, prints each rollup's item count and total count; with one, prints its latest
items, newest first.

  rollup            one of ${ROLLUPS.map((r) => r.name).join(', ')}
  --limit N         how many items of the rollup to print, a whole number ≥ 1 (default 20)
  --state-dir DIR   the state folder of npm start (default ${DEFAULT_STATE_DIR})
  -h, --help        show this help

Exit status: 0 when the rollups were read, 1 when reading failed, 2 on a bad command line or no saved state.`;

/** Where to point a user after a usage error. */
export const ROLLUPS_HELP_HINT = 'run npm run rollups -- --help to see the options';

export const DEFAULT_ROLLUPS_LIMIT = 20;

export interface RollupsOptions {
  /** One declared rollup to list the items of; undefined prints the totals of every rollup. */
  readonly rollup?: string;
  readonly limit: number;
  readonly stateDir: string;
}

/** A count option: a whole number ≥ 1 written in digits (no sign, exponent or fraction), else a UsageError naming it. */
export const countOption = (flag: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || !Number.isSafeInteger(value)) {
    throw new UsageError(`${flag} must be a whole number ≥ 1 (given "${text}")`);
  }
  return value;
};

/** Parses `npm run rollups` arguments; undefined means --help. Throws UsageError saying what is wrong. */
export const parseRollupsArgs = (argv: readonly string[]): RollupsOptions | undefined => {
  let values: { limit?: string; 'state-dir'?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        limit: { type: 'string' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  if (positionals.length > 1) {
    throw new UsageError(
      `name at most one rollup (given ${positionals.map((p) => JSON.stringify(p)).join(', ')})`,
    );
  }
  const [rollup] = positionals;
  const declared = ROLLUPS.map((r) => r.name);
  if (rollup !== undefined && !declared.includes(rollup)) {
    throw new UsageError(
      `unknown rollup ${JSON.stringify(rollup)}; the declared rollups are ${declared.join(', ')}`,
    );
  }
  const stateDir = values['state-dir'] ?? DEFAULT_STATE_DIR;
  if (stateDir === '') throw new UsageError('--state-dir needs a folder (given "")');
  return {
    ...(rollup === undefined ? {} : { rollup }),
    limit: countOption('--limit', values.limit, DEFAULT_ROLLUPS_LIMIT),
    stateDir,
  };
};
