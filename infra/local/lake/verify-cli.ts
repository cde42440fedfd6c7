import { parseArgs } from 'node:util';
import { runCommand } from '../cli-exit.ts';
import { DEFAULT_STATE_DIR } from '../cloud-state.ts';
import { verifySummary } from './verify-lake.ts';
import { verifyStateDir } from './verify-local.ts';

process.removeAllListeners('warning');

const USAGE = `npm run verify -- [--state-dir DIR]

Checks the last npm start three ways: every rollup item in DynamoDB (started on the saved state)
against a recount of the ground truth (what the producers put into the stream, plus replayed
records) and a recount over the Parquet lake (SQL generated from the rollup declarations).
Prints each difference — item, measure, ground truth / DynamoDB / lake — and exits 1 if there is any.
The ground truth covers the last npm start only: verify after a --fresh run.`;

const main = async (): Promise<number> => {
  let values: { 'state-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { 'state-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const report = await verifyStateDir(values['state-dir'] ?? DEFAULT_STATE_DIR);
  for (const difference of report.differences) console.log(difference);
  console.log(verifySummary(report));
  return report.differences.length === 0 ? 0 : 1;
};

runCommand('verify', main);
