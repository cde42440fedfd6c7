import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorMessage } from '../../processors/shared/errors.ts';
import { Lake } from '../lake/lake-views.ts';
import { runWithOptions } from '../shared/command-line.ts';
import { runCommand } from '../shared/run-command.ts';
import { withSavedState } from '../shared/saved-state.ts';
import { formatResult, type OutputFormat } from './query-format.ts';
import { QUERY_COMMAND, type QueryOptions } from './query-options.ts';

process.removeAllListeners('warning');

/** Runs SQL and prints each result; DuckDB's message (never a stack trace) when it fails. */
const run = async (lake: Lake, sql: string, format: OutputFormat): Promise<boolean> => {
  try {
    for (const result of await lake.query(sql)) console.log(formatResult(result, format));
    return true;
  } catch (error) {
    console.error(errorMessage(error));
    return false;
  }
};

const tables = (lake: Lake) =>
  lake.views.map((v) => `${v.name}  (${v.files} file${v.files === 1 ? '' : 's'})`).join('\n');

const interactive = async (lake: Lake, format: OutputFormat): Promise<number> => {
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
    if (buffer === '' && trimmed === '.tables') console.log(tables(lake));
    else if (trimmed !== '') {
      buffer += `${line}\n`;
      if (trimmed.endsWith(';')) {
        await run(lake, buffer, format);
        buffer = '';
      }
    }
    prompt.setPrompt(buffer === '' ? 'lake> ' : '   -> ');
    prompt.prompt();
  }
  prompt.close();
  return 0;
};

const query = async (lake: Lake, { sql, file, format }: QueryOptions): Promise<number> => {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      console.error(`error: cannot read ${file}: ${errorMessage(error)}`);
      return 2;
    }
    return (await run(lake, text, format)) ? 0 : 1;
  }
  if (sql === '') return interactive(lake, format);
  return (await run(lake, sql, format)) ? 0 : 1;
};

/** Opens the lake of the saved state (DuckDB views over its Parquet files) for the query, then closes it. */
const queryLake = (options: QueryOptions): Promise<number> =>
  withSavedState(options.stateDir, async (saved) => {
    let lake: Lake;
    try {
      lake = await Lake.open(saved.cloud);
    } catch (error) {
      console.error(`error: ${errorMessage(error)}`);
      return 2;
    }
    try {
      return await query(lake, options);
    } finally {
      lake.close();
    }
  });

runCommand('query', () => runWithOptions(QUERY_COMMAND, process.argv.slice(2), queryLake), 1);
