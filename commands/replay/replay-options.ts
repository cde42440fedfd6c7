import { DEFAULT_STATE_DIR } from '../../infra/local/cloud-state.ts';
import { type Command, parseCommand, stateDirOf, stateDirOption } from '../shared/command-line.ts';
import { LEDGER_FILE } from './quarantine-files.ts';

export interface ReplayCommandOptions {
  readonly dryRun: boolean;
  readonly stateDir: string;
}

export const REPLAY_COMMAND: Command<ReplayCommandOptions> = {
  command: 'npm run replay',
  synopsis: '[--dry-run] [--state-dir DIR]',
  description: `Re-classifies every quarantined record of the last npm start with the current contracts and the
aggregate function's acceptance policy (lateness judged at the record's original arrival), and puts
the ones that now pass back into the stream — original bytes, original partition key — starting
Kinesis on the saved state. Each record is replayed at most once: <state-dir>/${LEDGER_FILE}
remembers what was. The next npm start counts the copies.`,
  options: {
    'dry-run': { type: 'boolean', help: 'report what would be replayed, and write nothing' },
    'state-dir': stateDirOption(`the state folder of npm start (default ${DEFAULT_STATE_DIR})`),
  },
  notes: `Exit status: 0 when every record to replay was put back, 1 when Kinesis kept refusing some (replay
again), 2 on a bad command line, no saved state or a failure.`,
  read: (given) => ({ dryRun: given.flag('dry-run'), stateDir: stateDirOf(given, DEFAULT_STATE_DIR) }),
};

/** Parses `npm run replay` arguments; undefined means --help. Throws UsageError saying what is wrong. */
export const parseReplayArgs = (argv: readonly string[]): ReplayCommandOptions | undefined =>
  parseCommand(REPLAY_COMMAND, argv);
