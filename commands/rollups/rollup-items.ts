import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { RollupContribution } from '../../processors/rollups/preaggregate.ts';
import { measureAttribute, type RollupDefinition } from '../../processors/rollups/rollups.ts';

/** A rollups table item as DynamoDB returns it. */
export type RollupItem = Record<string, unknown>;

/** An item's key, as the aggregator keys it: `pk` (`<rollup>#<dimension values>`) and `sk` (the minute). */
const ITEM_KEY = ['pk', 'sk'] as const satisfies readonly (keyof RollupContribution)[];

/** The rollup a `pk` belongs to: `page_views#/cart` → `page_views`, `purchases` → `purchases`. */
export const rollupNameOf = (pk: string): string => pk.split('#')[0] ?? '';

/**
 * What a reader of a rollup's items wants to see: the key, the dimensions and the measures its declaration
 * names — not what the writer keeps for itself (high-water marks, TTL, window start).
 */
export const readableAttributes = (rollup: RollupDefinition): ReadonlySet<string> =>
  new Set<string>([...ITEM_KEY, ...rollup.dimensions, ...rollup.measures.map(measureAttribute)]);

/** The numeric measures an item holds, by attribute name, among those its rollup declares. */
export const measuresOf = (
  item: RollupItem,
  rollup: RollupDefinition | undefined,
): Record<string, number> => {
  const values: Record<string, number> = {};
  for (const attribute of rollup?.measures.map(measureAttribute) ?? []) {
    const value = item[attribute];
    if (typeof value === 'number') values[attribute] = value;
  }
  return values;
};

/** Every item of the rollups table, page after page. */
export const scanRollupItems = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<RollupItem[]> => {
  const items: RollupItem[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};
