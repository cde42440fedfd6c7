import { DEFAULT_STATE_DIR } from '../../infra/local/cloud-state.ts';
import { ROLLUPS } from '../../processors/rollups/rollups.ts';
import { UsageError } from '../../producers/cli-options.ts';
import {
  type Command,
  type GivenArguments,
  parseCommand,
  stateDirOf,
  stateDirOption,
  usageText,
} from '../shared/command-line.ts';

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

/** The one declared rollup named, if any. */
const rollupNamed = (positionals: readonly string[]): string | undefined => {
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
  return rollup;
};

const readRollupsOptions = (given: GivenArguments): RollupsOptions => {
  const rollup = rollupNamed(given.positionals);
  const stateDir = stateDirOf(given, DEFAULT_STATE_DIR);
  return {
    ...(rollup === undefined ? {} : { rollup }),
    limit: countOption('--limit', given.text('limit'), DEFAULT_ROLLUPS_LIMIT),
    stateDir,
  };
};

export const ROLLUPS_COMMAND: Command<RollupsOptions> = {
  command: 'npm run rollups',
  synopsis: '[rollup] [--limit N] [--state-dir DIR]',
  description: `Reads the rollups the last npm start wrote (starting DynamoDB Local on its saved state).
With no rollup, prints each rollup's item count and total count; with one, prints its latest
items, newest first.`,
  arguments: [{ name: 'rollup', help: `one of ${ROLLUPS.map((r) => r.name).join(', ')}` }],
  options: {
    limit: {
      type: 'string',
      value: 'N',
      help: `how many items of the rollup to print, a whole number ≥ 1 (default ${DEFAULT_ROLLUPS_LIMIT})`,
    },
    'state-dir': stateDirOption(`the state folder of npm start (default ${DEFAULT_STATE_DIR})`),
  },
  notes:
    'Exit status: 0 when the rollups were read, 1 when reading failed, 2 on a bad command line or no saved state.',
  read: readRollupsOptions,
};

export const ROLLUPS_USAGE = usageText(ROLLUPS_COMMAND);

/** Parses `npm run rollups` arguments; undefined means --help. Throws UsageError saying what is wrong. */
export const parseRollupsArgs = (argv: readonly string[]): RollupsOptions | undefined =>
  parseCommand(ROLLUPS_COMMAND, argv);
