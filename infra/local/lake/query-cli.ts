import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEFAULT_STATE_DIR, readCloudState } from './cloud-state.ts';
import { Lake } from './lake-views.ts';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from './query-format.ts';

process.removeAllListeners('warning');

const USAGE = `npm run query -- ["<SQL>"] [--file queries/x.sql] [--format table|csv|json] [--state-dir DIR]

SQL over the local Parquet lake (DuckDB, in memory). Each dataset is a view named like its Glue
table (clickstream, telemetry), partitioned by dt ('YYYY-MM-DD', a string) and hour (an int, 0–23),
so WHERE dt = '2026-11-22' AND hour = 5 reads only that partition's files.
With no SQL and no --file: an interactive prompt (end statements with ;  .tables lists views, .exit quits).`;

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        file: { type: 'string', short: 'f' },
        format: { type: 'string', default: 'table' },
        'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(`error: ${(error as Error).message}\n\n${USAGE}`, 2);
  }
})();
if (values.help) fail(USAGE, 0);
const format = values.format as OutputFormat;
if (!OUTPUT_FORMATS.includes(format)) {
  fail(`error: --format must be one of ${OUTPUT_FORMATS.join(', ')} (given ${values.format})`, 2);
}

let lake: Lake;
try {
  lake = await Lake.open(readCloudState(values['state-dir']));
} catch (error) {
  fail(`error: ${(error as Error).message}`, 2);
}

/** Runs SQL and prints each result; DuckDB's message (never a stack trace) when it fails. */
const run = async (sql: string): Promise<boolean> => {
  try {
    for (const result of await lake.query(sql)) console.log(formatResult(result, format));
    return true;
  } catch (error) {
    console.error((error as Error).message);
    return false;
  }
};

const tables = () =>
  lake.views.map((v) => `${v.name}  (${v.files} file${v.files === 1 ? '' : 's'})`).join('\n');

const interactive = async (): Promise<number> => {
  const prompt = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  console.error(
    `streamlake lake — views: ${lake.views.map((v) => v.name).join(', ')}. End with ; — .tables, .exit`,
  );
  let buffer = '';
  prompt.setPrompt('lake> ');
  prompt.prompt();
  for await (const line of prompt) {
    const trimmed = line.trim();
    if (buffer === '' && (trimmed === '.exit' || trimmed === '.quit')) break;
    if (buffer === '' && trimmed === '.tables') console.log(tables());
    else if (trimmed !== '') {
      buffer += `${line}\n`;
      if (trimmed.endsWith(';')) {
        await run(buffer);
        buffer = '';
      }
    }
    prompt.setPrompt(buffer === '' ? 'lake> ' : '   -> ');
    prompt.prompt();
  }
  prompt.close();
  return 0;
};

const main = async (): Promise<number> => {
  if (values.file) {
    let sql: string;
    try {
      sql = readFileSync(values.file, 'utf8');
    } catch (error) {
      console.error(`error: cannot read ${values.file}: ${(error as Error).message}`);
      return 2;
    }
    return (await run(sql)) ? 0 : 1;
  }
  const sql = positionals.join(' ').trim();
  if (sql === '') return interactive();
  return (await run(sql)) ? 0 : 1;
};

const code = await main();
lake.close();
process.exit(code);
