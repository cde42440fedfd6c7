import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { UsageError } from '../../producers/cli-options.ts';
import { runCommand } from './cli-exit.ts';
import {
  parseRollupsArgs,
  ROLLUPS_HELP_HINT,
  ROLLUPS_USAGE,
  type RollupsOptions,
} from './rollups-options.ts';
import { withSavedDynamoDb } from './saved-dynamodb.ts';

process.removeAllListeners('warning');

/** Every item of the rollups table, read from DynamoDB Local started on the saved state. */
const scanRollups = (stateDir: string, tableName: string): Promise<Record<string, unknown>[]> =>
  withSavedDynamoDb(stateDir, async (documents) => {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  });

const printRollups = (items: Record<string, unknown>[], { rollup, limit }: RollupsOptions) => {
  if (!rollup) {
    const byRollup = new Map<string, { items: number; count: number }>();
    for (const item of items) {
      const entry = byRollup.get(String(item.rollup)) ?? { items: 0, count: 0 };
      entry.items++;
      entry.count += Number(item.count ?? 0);
      byRollup.set(String(item.rollup), entry);
    }
    console.table(Object.fromEntries([...byRollup].sort()));
    return;
  }
  const rows = items
    .filter((item) => item.rollup === rollup)
    .sort((a, b) => String(b.sk).localeCompare(String(a.sk)) || String(a.pk).localeCompare(String(b.pk)))
    .slice(0, limit)
    .map((item) =>
      Object.fromEntries(
        Object.entries(item).filter(
          ([key]) => !key.startsWith('hwm_') && !['rollup', 'expiresAt', 'windowStart'].includes(key),
        ),
      ),
    );
  if (rows.length === 0) console.error(`no items for rollup ${JSON.stringify(rollup)}`);
  else console.table(rows);
};

const main = async (argv: readonly string[]): Promise<number> => {
  let options: RollupsOptions | undefined;
  try {
    options = parseRollupsArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n${ROLLUPS_HELP_HINT}`);
    return 2;
  }
  if (!options) {
    console.log(ROLLUPS_USAGE);
    return 0;
  }
  const cloudFile = join(options.stateDir, 'cloud.json');
  if (!existsSync(cloudFile)) {
    console.error(
      `error: no local cloud state in ${options.stateDir}: run npm start first (or pass --state-dir)`,
    );
    return 2;
  }
  const { rollupsTable } = JSON.parse(readFileSync(cloudFile, 'utf8')) as { rollupsTable: string };
  printRollups(await scanRollups(options.stateDir, rollupsTable), options);
  return 0;
};

runCommand('rollups', () => main(process.argv.slice(2)), 1);
