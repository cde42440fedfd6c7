import { measureAttribute, ROLLUPS } from '../../processors/rollups/rollups.ts';
import { runWithOptions } from '../shared/command-line.ts';
import { runCommand } from '../shared/run-command.ts';
import { type SavedState, withSavedDynamoDb, withSavedState } from '../shared/saved-state.ts';
import { type RollupItem, readableAttributes, rollupNameOf, scanRollupItems } from './rollup-items.ts';
import { ROLLUPS_COMMAND, type RollupsOptions } from './rollups-options.ts';

process.removeAllListeners('warning');

/** The attribute every rollup counts its events in. */
const COUNT = measureAttribute({ kind: 'count' });

/** Every item of the rollups table, read from DynamoDB Local started on the saved state. */
const scanSavedRollups = (saved: SavedState): Promise<RollupItem[]> =>
  withSavedDynamoDb(saved, (documents) => scanRollupItems(documents, saved.cloud.rollupsTable));

/** Per rollup: how many items, and the events they count. */
const printTotals = (items: readonly RollupItem[]) => {
  const byRollup = new Map<string, { items: number; count: number }>();
  for (const item of items) {
    const name = rollupNameOf(String(item.pk));
    const entry = byRollup.get(name) ?? { items: 0, count: 0 };
    entry.items++;
    entry.count += Number(item[COUNT] ?? 0);
    byRollup.set(name, entry);
  }
  console.table(Object.fromEntries([...byRollup].sort()));
};

/** The latest items of one rollup, newest minute first, as its declaration reads them. */
const printItems = (items: readonly RollupItem[], name: string, limit: number) => {
  const rollup = ROLLUPS.find((r) => r.name === name);
  const readable = rollup ? readableAttributes(rollup) : new Set<string>();
  const rows = items
    .filter((item) => rollupNameOf(String(item.pk)) === name)
    .sort((a, b) => String(b.sk).localeCompare(String(a.sk)) || String(a.pk).localeCompare(String(b.pk)))
    .slice(0, limit)
    .map((item) => Object.fromEntries(Object.entries(item).filter(([key]) => readable.has(key))));
  if (rows.length === 0) console.error(`no items for rollup ${JSON.stringify(name)}`);
  else console.table(rows);
};

const printRollups = ({ rollup, limit, stateDir }: RollupsOptions): Promise<number> =>
  withSavedState(stateDir, async (saved) => {
    const items = await scanSavedRollups(saved);
    if (rollup === undefined) printTotals(items);
    else printItems(items, rollup, limit);
    return 0;
  });

runCommand('rollups', () => runWithOptions(ROLLUPS_COMMAND, process.argv.slice(2), printRollups), 1);
