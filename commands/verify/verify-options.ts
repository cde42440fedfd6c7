import { DEFAULT_STATE_DIR } from '../../infra/local/cloud-state.ts';
import { type Command, parseCommand, stateDirOf, stateDirOption } from '../shared/command-line.ts';

export interface VerifyOptions {
  readonly stateDir: string;
}

export const VERIFY_COMMAND: Command<VerifyOptions> = {
  command: 'npm run verify',
  synopsis: '[--state-dir DIR]',
  description: `Checks the state of npm start three ways. First it catches up the stream recount
(<state-dir>/truth.json): every record of the event stream (started on the saved state) classified,
deduplicated and counted as the consumers do. Then it compares every rollup item in DynamoDB (started
on the saved state) with that recount and with a recount over the Parquet lake (SQL generated from the
rollup declarations), and checks that the lake holds each event once. Prints each difference — item,
measure, stream / DynamoDB / lake, and its cause (lost, counted twice, stored twice) — then what the
stream held (counted, quarantined by reason, producer duplicates), and exits 1 on any difference.`,
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
