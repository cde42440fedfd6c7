import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { RollupDefinition } from '../../processors/rollups/rollups.ts';
import { type RollupItem, rollupNameOf } from '../rollups/rollup-items.ts';
import type { EventTimeRange } from '../verify/rollup-sql.ts';
import { minuteKey } from './backfill-range.ts';

/**
 * The items of the given rollups whose minute lies in the range, by rollup name. The table is keyed by
 * rollup and dimensions first (pk) and has no index by minute, so this is one Scan filtered on `sk`: it
 * reads the whole table (bounded by the items' TTL) once per run, whatever the number of rollups.
 */
export const existingItems = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
  rollups: readonly RollupDefinition[],
  range: EventTimeRange,
): Promise<Map<string, RollupItem[]>> => {
  const byRollup = new Map<string, RollupItem[]>(rollups.map((r) => [r.name, []]));
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#sk >= :from AND #sk < :to',
        ExpressionAttributeNames: { '#sk': 'sk' },
        ExpressionAttributeValues: { ':from': minuteKey(range.fromMs), ':to': minuteKey(range.toMs) },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) byRollup.get(rollupNameOf(String(item.pk)))?.push(item);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return byRollup;
};
