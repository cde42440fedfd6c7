import type { CloudPlan, TablePlan } from '../template.ts';

/** A table whose items DynamoDB deletes once the number in `attributeName` (epoch seconds) is past. */
export interface TtlTable {
  readonly tableName: string;
  readonly attributeName: string;
  /** The key attributes: all a delete needs of an item. */
  readonly keyNames: readonly string[];
}

/** The attribute a table's declared TimeToLiveSpecification names, when TTL is enabled on it. */
export const ttlAttributeOf = (table: TablePlan): string | undefined => {
  const ttl = table.properties.TimeToLiveSpecification as
    | { AttributeName?: unknown; Enabled?: unknown }
    | undefined;
  return ttl?.Enabled === true && typeof ttl.AttributeName === 'string' && ttl.AttributeName !== ''
    ? ttl.AttributeName
    : undefined;
};

const keyNamesOf = (table: TablePlan): string[] =>
  ((table.properties.KeySchema as { AttributeName?: unknown }[] | undefined) ?? []).map((key) =>
    String(key.AttributeName),
  );

/**
 * The tables of the synthesized template that have TTL enabled, as the local TTL sweeper deletes from
 * them: a table the stack declares with `timeToLiveAttribute` is swept with no other change.
 */
export const ttlTables = (plan: Pick<CloudPlan, 'tables'>): TtlTable[] =>
  plan.tables.flatMap((table) => {
    const attributeName = ttlAttributeOf(table);
    return attributeName ? [{ tableName: table.name, attributeName, keyNames: keyNamesOf(table) }] : [];
  });
