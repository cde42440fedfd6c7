import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../../../producers/cli-options.ts';
import { runCommand } from '../cli-exit.ts';
import { readCloudState } from '../cloud-state.ts';
import { Lake } from './lake-views.ts';
import { formatResult, type OutputFormat } from './query-format.ts';
import { parseQueryArgs, QUERY_USAGE, type QueryOptions } from './query-options.ts';

process.removeAllListeners('warning');

/** Runs SQL and prints each result; DuckDB's message (never a stack trace) when it fails. */
const run = async (lake: Lake, sql: string, format: OutputFormat): Promise<boolean> => {
  try {
    for (const result of await lake.query(sql)) console.log(formatResult(result, format));
    return true;
  } catch (error) {
    console.error((error as Error).message);
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
      console.error(`error: cannot read ${file}: ${(error as Error).message}`);
      return 2;
    }
    return (await run(lake, text, format)) ? 0 : 1;
  }
  if (sql === '') return interactive(lake, format);
  return (await run(lake, sql, format)) ? 0 : 1;
};

const main = async (argv: readonly string[]): Promise<number> => {
  let options: QueryOptions | undefined;
  try {
    options = parseQueryArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${QUERY_USAGE}`);
    return 2;
  }
  if (!options) {
    console.log(QUERY_USAGE);
    return 0;
  }
  let lake: Lake;
  try {
    lake = await Lake.open(readCloudState(options.stateDir));
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  try {
    return await query(lake, options);
  } finally {
    lake.close();
  }
};

runCommand('query', () => main(process.argv.slice(2)), 1);
