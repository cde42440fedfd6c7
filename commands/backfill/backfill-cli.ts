import { s3LakeObjects } from '../../processors/lake/lake-objects.ts';
import { runWithOptions } from '../shared/command-line.ts';
import { runCommand } from '../shared/run-command.ts';
import { type SavedState, withSavedState } from '../shared/saved-state.ts';
import { backfillOnAws } from './aws-backfill.ts';
import { backfillFromRawOnAws } from './aws-raw-backfill.ts';
import type { BackfillReport } from './backfill.ts';
import { BACKFILL_COMMAND, type BackfillOptions } from './backfill-options.ts';
import { backfillSummary } from './backfill-summary.ts';
import { OpenWindowsError } from './closed-windows.ts';
import { savedStack } from './live-settings.ts';
import { backfillLocal } from './local-backfill.ts';
import { withLocalTarget } from './local-target.ts';
import { backfillLocalFromRaw, type RawBackfillChoice, type RawBackfillReport } from './raw-backfill.ts';
import { HourTooLargeError } from './raw-budget.ts';
import { rebuildSummary } from './raw-rebuild-summary.ts';
import { eventStreamDelivery, rawZoneOf, withLocalS3 } from './raw-source.ts';

process.removeAllListeners('warning');

const print = (report: BackfillReport): number => {
  console.log(backfillSummary(report));
  return report.rollups.some((o) => o.conflicts > 0) ? 1 : 0;
};

/** The rebuild's lines, then the recount's (when it ran). */
const printRaw = (report: RawBackfillReport): number => {
  console.log(rebuildSummary(report.rebuild));
  return report.backfill ? print(report.backfill) : 0;
};

/** `--source raw` on the local cloud: the raw zone and the lake through s3rver, then the recount. */
const runRawLocal = (saved: SavedState, choice: RawBackfillChoice) =>
  withLocalS3(saved.cloud, (s3) =>
    withLocalTarget(saved, async (target) => {
      const { plan, resources } = savedStack(saved.stateDir);
      const stores = {
        raw: rawZoneOf(eventStreamDelivery(plan, resources.eventStream.arn), s3),
        lake: s3LakeObjects(s3, saved.cloud.lakeBucket),
      };
      return printRaw(await backfillLocalFromRaw(target, stores, choice));
    }),
  );

const run = async (options: BackfillOptions): Promise<number> => {
  const choice = {
    rollups: options.rollups,
    range: options.range,
    dryRun: options.dryRun,
    clamp: options.clamp,
  };
  try {
    const raw = { ...choice, lakeOnly: options.lakeOnly, maxHourBytes: options.maxHourBytes };
    if (options.aws && options.source === 'raw') {
      return printRaw(await backfillFromRawOnAws(options.outputsFile, raw));
    }
    if (options.aws) return print(await backfillOnAws(options.outputsFile, choice));
    if (options.source === 'raw') {
      return await withSavedState(options.stateDir, (saved) => runRawLocal(saved, raw));
    }
    return await withSavedState(options.stateDir, (saved) =>
      withLocalTarget(saved, async (target) => print(await backfillLocal(target, choice))),
    );
  } catch (error) {
    if (!(error instanceof OpenWindowsError || error instanceof HourTooLargeError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
};

runCommand('backfill', () => runWithOptions(BACKFILL_COMMAND, process.argv.slice(2), run));
