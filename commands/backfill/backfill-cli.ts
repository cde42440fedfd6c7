import { runWithOptions } from '../shared/command-line.ts';
import { runCommand } from '../shared/run-command.ts';
import { withSavedState } from '../shared/saved-state.ts';
import { backfillOnAws } from './aws-backfill.ts';
import type { BackfillReport } from './backfill.ts';
import { BACKFILL_COMMAND, type BackfillOptions } from './backfill-options.ts';
import { backfillSummary } from './backfill-summary.ts';
import { OpenWindowsError } from './closed-windows.ts';
import { backfillLocal } from './local-backfill.ts';
import { withLocalTarget } from './local-target.ts';

process.removeAllListeners('warning');

const print = (report: BackfillReport): number => {
  console.log(backfillSummary(report));
  return report.rollups.some((o) => o.conflicts > 0) ? 1 : 0;
};

const run = async (options: BackfillOptions): Promise<number> => {
  const choice = {
    rollups: options.rollups,
    range: options.range,
    dryRun: options.dryRun,
    clamp: options.clamp,
  };
  try {
    if (options.aws) return print(await backfillOnAws(options.outputsFile, choice));
    return await withSavedState(options.stateDir, (saved) =>
      withLocalTarget(saved, async (target) => print(await backfillLocal(target, choice))),
    );
  } catch (error) {
    if (!(error instanceof OpenWindowsError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
};

runCommand('backfill', () => runWithOptions(BACKFILL_COMMAND, process.argv.slice(2), run));
