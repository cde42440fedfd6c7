import { parseArgs } from 'node:util';
import { UsageError } from '../../../producers/cli-options.ts';
import { DEFAULT_STATE_DIR } from '../cloud-state.ts';
import { OUTPUT_FORMATS, type OutputFormat } from './query-format.ts';

export const QUERY_USAGE = `npm run query -- ["<SQL>"] [--file queries/x.sql] [--format table|csv|json] [--state-dir DIR]

SQL over the local Parquet lake (DuckDB, in memory). Each dataset is a view named like its Glue
table (clickstream, telemetry), partitioned by dt ('YYYY-MM-DD', a string) and hour (an int, 0–23),
so WHERE dt = '2026-11-22' AND hour = 5 reads only that partition's files.
With no SQL and no --file: an interactive prompt (end statements with ;  .tables lists views, .exit quits).`;

export interface QueryOptions {
  /** SQL from the command line; empty with --file, or for the interactive prompt. */
  readonly sql: string;
  readonly file?: string;
  readonly format: OutputFormat;
  readonly stateDir: string;
}

/** Parses `npm run query` arguments; undefined means --help. Throws UsageError saying what is wrong. */
export const parseQueryArgs = (argv: readonly string[]): QueryOptions | undefined => {
  let values: { file?: string; format?: string; 'state-dir'?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        file: { type: 'string', short: 'f' },
        format: { type: 'string' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const format = (values.format ?? 'table') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')} (given "${values.format}")`);
  }
  const sql = positionals.join(' ').trim();
  if (values.file !== undefined && sql !== '') {
    throw new UsageError(`give either SQL or --file, not both (given --file ${values.file} and "${sql}")`);
  }
  if (values.file === '') throw new UsageError('--file needs a file path (given "")');
  const stateDir = values['state-dir'] ?? DEFAULT_STATE_DIR;
  if (stateDir === '') throw new UsageError('--state-dir needs a folder (given "")');
  return { sql, ...(values.file === undefined ? {} : { file: values.file }), format, stateDir };
};
