import { DEFAULT_STATE_DIR } from '../../infra/local/cloud-state.ts';
import { type Command, parseCommand, stateDirOf, stateDirOption } from '../shared/command-line.ts';

export interface VerifyOptions {
  readonly stateDir: string;
}

export const VERIFY_COMMAND: Command<VerifyOptions> = {
  command: 'npm run verify',
  synopsis: '[--state-dir DIR]',
  description: `Checks the last npm start three ways: every rollup item in DynamoDB (started on the saved state)
against a recount of the ground truth (what the producers put into the stream, plus replayed
records) and a recount over the Parquet lake (SQL generated from the rollup declarations).
Prints each difference — item, measure, ground truth / DynamoDB / lake — and exits 1 if there is any.
The ground truth covers the last npm start only: verify after a --fresh run.`,
  options: {
    'state-dir': stateDirOption(`the state folder of npm start (default ${DEFAULT_STATE_DIR})`),
  },
  notes: `Exit status: 0 when the three agree, 1 on any difference, 2 on a bad command line, no saved state
or a failure to read it.`,
  read: (given) => ({ stateDir: stateDirOf(given, DEFAULT_STATE_DIR) }),
};

/** Parses `npm run verify` arguments; undefined means --help. Throws UsageError saying what is wrong. */
export const parseVerifyArgs = (argv: readonly string[]): VerifyOptions | undefined =>
  parseCommand(VERIFY_COMMAND, argv);
