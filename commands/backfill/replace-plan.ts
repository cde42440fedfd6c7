import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { measureAttribute, type RollupDefinition } from '../../processors/rollups/rollups.ts';
import { rollupExpiresAt } from '../../processors/rollups/update-expression.ts';
import type { RollupItem } from '../rollups/rollup-items.ts';
import { measuresAgree, type RollupValues } from '../verify/ground-truth-rollups.ts';

/** One item of a rollup as the lake recounts it. */
export interface RecountedItem {
  readonly pk: string;
  /** The minute: `2026-12-01T05:06Z`. */
  readonly sk: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: RollupValues;
}

/** create: the table lacks the item; update: its measures differ; zero: the recount no longer has it. */
export type WriteKind = 'create' | 'update' | 'zero';

export interface PlannedWrite {
  readonly kind: WriteKind;
  readonly update: UpdateCommandInput;
}

export interface ReplacePlan {
  readonly writes: PlannedWrite[];
  /** Items compared: the union of the recount and the table's items in the range. */
  readonly compared: number;
  readonly unchanged: number;
  /** Windows whose item the table's TTL would delete at once: not written, so a rerun cannot count them again. */
  readonly pastRetention: number;
}

export interface ReplaceInput {
  readonly tableName: string;
  readonly rollup: RollupDefinition;
  readonly recount: readonly RecountedItem[];
  /** The rollup's items in the range, as the table holds them. */
  readonly existing: readonly RollupItem[];
  /** How long the aggregator keeps items (its ROLLUP_RETENTION_DAYS). */
  readonly retentionSeconds: number;
  readonly nowMs: number;
}

const same = (a: number | undefined, b: number | undefined) =>
  (a === undefined && b === undefined) || measuresAgree(a, b);

const numberAt = (item: RollupItem | undefined, attribute: string): number | undefined => {
  const value = item?.[attribute];
  return typeof value === 'number' ? value : undefined;
};

/** The measures an item of no events has: counts and sums 0, no extremes. */
const emptyValues = (rollup: RollupDefinition): RollupValues =>
  Object.fromEntries(
    rollup.measures
      .filter((m) => m.kind === 'count' || m.kind === 'sum')
      .map((m) => [measureAttribute(m), 0]),
  );

const agrees = (rollup: RollupDefinition, values: RollupValues, item: RollupItem | undefined) =>
  rollup.measures.every((m) => same(values[measureAttribute(m)], numberAt(item, measureAttribute(m))));

/**
 * Sets the item's measures to `values` (removing the ones it lacks), and its rollup, window, dimensions
 * and expiry as the aggregator writes them. The high-water marks are left as they are, so the live
 * aggregator's exactly-once writes stay valid. The condition is optimistic: the item still holds what
 * was read (or still does not exist). A live write in between fails it, and the item is left to the
 * live pipeline, reported as a conflict.
 */
const replaceUpdate = (
  input: ReplaceInput,
  key: { pk: string; sk: string },
  dimensions: Readonly<Record<string, string>>,
  values: RollupValues,
  read: RollupItem | undefined,
): UpdateCommandInput => {
  const { rollup } = input;
  const names: Record<string, string> = {
    '#rollup': 'rollup',
    '#windowStart': 'windowStart',
    '#expiresAt': 'expiresAt',
  };
  const attributeValues: Record<string, unknown> = {
    ':rollup': rollup.name,
    ':windowStart': key.sk,
    ':expiresAt': rollupExpiresAt(Date.parse(key.sk), input.retentionSeconds),
  };
  const sets = ['#rollup = :rollup', '#windowStart = :windowStart', '#expiresAt = :expiresAt'];
  const removes: string[] = [];
  const conditions: string[] = [];
  Object.entries(dimensions).forEach(([dimension, value], i) => {
    names[`#d${i}`] = dimension;
    attributeValues[`:d${i}`] = value;
    sets.push(`#d${i} = :d${i}`);
  });
  rollup.measures.forEach((measure, i) => {
    const attribute = measureAttribute(measure);
    names[`#m${i}`] = attribute;
    const value = values[attribute];
    if (value === undefined) removes.push(`#m${i}`);
    else {
      attributeValues[`:m${i}`] = value;
      sets.push(`#m${i} = :m${i}`);
    }
    if (!read) return;
    const was = numberAt(read, attribute);
    if (was === undefined) conditions.push(`attribute_not_exists(#m${i})`);
    else {
      attributeValues[`:o${i}`] = was;
      conditions.push(`#m${i} = :o${i}`);
    }
  });
  names['#pk'] = 'pk';
  conditions.unshift(read ? 'attribute_exists(#pk)' : 'attribute_not_exists(#pk)');
  return {
    TableName: input.tableName,
    Key: { pk: key.pk, sk: key.sk },
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: attributeValues,
  };
};

const dimensionsOf = (rollup: RollupDefinition, item: RollupItem): Record<string, string> =>
  Object.fromEntries(rollup.dimensions.map((d) => [d, String(item[d] ?? '')]));

/**
 * What replacing one rollup's items in a range takes: each recounted item written where the table
 * differs, each item the recount no longer has set to no events (counts and sums 0, extremes removed:
 * a MODIFY whose delta takes the old counts back out of the derived rollups, where a DeleteItem's
 * REMOVE would be ignored), everything else left alone — so a second run writes nothing.
 */
export const planReplace = (input: ReplaceInput): ReplacePlan => {
  const { rollup, nowMs } = input;
  const existing = new Map(input.existing.map((item) => [`${item.pk} ${item.sk}`, item]));
  const nowSeconds = Math.floor(nowMs / 1000);
  const expired = (sk: string) => rollupExpiresAt(Date.parse(sk), input.retentionSeconds) <= nowSeconds;
  const writes: PlannedWrite[] = [];
  let unchanged = 0;
  let pastRetention = 0;
  const recounted = new Set<string>();
  for (const item of input.recount) {
    const id = `${item.pk} ${item.sk}`;
    recounted.add(id);
    const read = existing.get(id);
    if (expired(item.sk)) pastRetention++;
    else if (agrees(rollup, item.values, read)) unchanged++;
    else {
      const update = replaceUpdate(input, item, item.dimensions, item.values, read);
      writes.push({ kind: read ? 'update' : 'create', update });
    }
  }
  const empty = emptyValues(rollup);
  for (const [id, read] of existing) {
    if (recounted.has(id)) continue;
    const key = { pk: String(read.pk), sk: String(read.sk) };
    if (agrees(rollup, empty, read)) unchanged++;
    else if (expired(key.sk)) pastRetention++;
    else
      writes.push({
        kind: 'zero',
        update: replaceUpdate(input, key, dimensionsOf(rollup, read), empty, read),
      });
  }
  return {
    writes,
    compared: recounted.size + [...existing.keys()].filter((id) => !recounted.has(id)).length,
    unchanged,
    pastRetention,
  };
};
