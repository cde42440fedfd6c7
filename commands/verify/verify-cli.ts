import { runWithOptions } from '../shared/command-line.ts';
import { runCommand } from '../shared/run-command.ts';
import { verifySummary } from './verify-lake.ts';
import { verifyStateDir } from './verify-local.ts';
import { VERIFY_COMMAND, type VerifyOptions } from './verify-options.ts';

process.removeAllListeners('warning');

const verify = async ({ stateDir }: VerifyOptions): Promise<number> => {
  const report = await verifyStateDir(stateDir);
  for (const difference of report.differences) console.log(difference);
  console.log(verifySummary(report));
  return report.differences.length === 0 ? 0 : 1;
};

runCommand('verify', () => runWithOptions(VERIFY_COMMAND, process.argv.slice(2), verify));
