import { DEFAULT_STATE_DIR } from '../../infra/local/cloud-state.ts';
import { UsageError } from '../../producers/cli-options.ts';
import {
  type Command,
  type GivenArguments,
  parseCommand,
  stateDirOf,
  stateDirOption,
  usageText,
} from '../shared/command-line.ts';
import { OUTPUT_FORMATS, type OutputFormat } from './query-format.ts';

export interface QueryOptions {
  /** SQL from the command line; empty with --file, or for the interactive prompt. */
  readonly sql: string;
  readonly file?: string;
  readonly format: OutputFormat;
  readonly stateDir: string;
}

const formatOf = (given: GivenArguments): OutputFormat => {
  const format = (given.text('format') ?? 'table') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) {
    throw new UsageError(
      `--format must be one of ${OUTPUT_FORMATS.join(', ')} (given "${given.text('format')}")`,
    );
  }
  return format;
};

/** Where the SQL comes from: the command line, a file, or (neither) the prompt. */
const sourceOf = (given: GivenArguments): Pick<QueryOptions, 'sql' | 'file'> => {
  const sql = given.positionals.join(' ').trim();
  const file = given.text('file');
  if (file !== undefined && sql !== '') {
    throw new UsageError(`give either SQL or --file, not both (given --file ${file} and "${sql}")`);
  }
  if (file === '') throw new UsageError('--file needs a file path (given "")');
  return { sql, ...(file === undefined ? {} : { file }) };
};

const readQueryOptions = (given: GivenArguments): QueryOptions => {
  const format = formatOf(given);
  const { sql, file } = sourceOf(given);
  return {
    sql,
    ...(file === undefined ? {} : { file }),
    format,
    stateDir: stateDirOf(given, DEFAULT_STATE_DIR),
  };
};

export const QUERY_COMMAND: Command<QueryOptions> = {
  command: 'npm run query',
  synopsis: '["<SQL>"] [--file queries/x.sql] [--format table|csv|json] [--state-dir DIR]',
  description: `SQL over the local Parquet lake (DuckDB, in memory). Each dataset is a view named like its Glue
table (clickstream, telemetry), partitioned by dt ('YYYY-MM-DD', a string) and hour (an int, 0–23),
so WHERE dt = '2026-11-22' AND hour = 5 reads only that partition's files.
With no SQL and no --file: an interactive prompt (end statements with ;  .tables lists views, .exit quits).`,
  arguments: [{ name: '"<SQL>"', help: 'one or more statements to run; each result is printed in turn' }],
  options: {
    file: {
      type: 'string',
      short: 'f',
      value: 'FILE',
      help: 'run the SQL in FILE instead (e.g. queries/x.sql)',
    },
    format: {
      type: 'string',
      value: 'FORMAT',
      help: `how results are printed: ${OUTPUT_FORMATS.join(', ')} (default table)`,
    },
    'state-dir': stateDirOption(`the state folder of npm start (default ${DEFAULT_STATE_DIR})`),
  },
  notes: `Exit status: 0 when every statement ran, 1 when one failed, 2 on a bad command line, an unreadable
--file or no saved state.`,
  read: readQueryOptions,
};

export const QUERY_USAGE = usageText(QUERY_COMMAND);

/** Parses `npm run query` arguments; undefined means --help. Throws UsageError saying what is wrong. */
export const parseQueryArgs = (argv: readonly string[]): QueryOptions | undefined =>
  parseCommand(QUERY_COMMAND, argv);
