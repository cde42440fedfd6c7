import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './clients.ts';
import { startDynamoDb } from './servers/dynamodb-server.ts';
import { freePort } from './servers/ports.ts';

process.removeAllListeners('warning');

const USAGE = `npm run rollups -- [rollup] [--limit N] [--state-dir DIR]

Reads the rollups the last npm start wrote (starting DynamoDB Local on its saved state).
With no rollup, prints each rollup's item count and total count; with one (e.g. purchases,
page_views, device_readings), prints its latest items, newest first.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    limit: { type: 'string' },
    'state-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const stateDir = values['state-dir'] ?? '.streamlake';
const limit = Number(values.limit ?? 20);
const cloudFile = join(stateDir, 'cloud.json');
if (!existsSync(cloudFile)) {
  console.error(`no local cloud state in ${stateDir}: run npm start first (or pass --state-dir)`);
  process.exit(2);
}
const { rollupsTable } = JSON.parse(readFileSync(cloudFile, 'utf8')) as { rollupsTable: string };

const server = await startDynamoDb(await freePort(), join(stateDir, 'dynamodb'));
try {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: server.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
  );
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: rollupsTable, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const rollup = positionals[0];
  if (!rollup) {
    const byRollup = new Map<string, { items: number; count: number }>();
    for (const item of items) {
      const entry = byRollup.get(String(item.rollup)) ?? { items: 0, count: 0 };
      entry.items++;
      entry.count += Number(item.count ?? 0);
      byRollup.set(String(item.rollup), entry);
    }
    console.table(Object.fromEntries([...byRollup].sort()));
  } else {
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
  }
} finally {
  await server.stop();
}
