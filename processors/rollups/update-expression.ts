import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { padSequence } from '../shared/sequence.ts';
import type { RollupContribution } from './preaggregate.ts';
import { measureAttribute } from './rollups.ts';

/** Per shard, the highest sequence number already counted into an item: `hwm_shardId-000000000001`. */
export const highWaterMarkAttribute = (shardId: string) => `hwm_${shardId}`;

/** When a rollup item expires (DynamoDB TTL, epoch seconds): `retentionSeconds` after its window starts. */
export const rollupExpiresAt = (windowStartMs: number, retentionSeconds: number): number =>
  Math.floor(windowStartMs / 1000) + retentionSeconds;

export interface RollupUpdate {
  readonly tableName: string;
  readonly shardId: string;
  readonly item: RollupContribution;
  /** Totals of the records being applied (all of the item's, or those past the mark after a conflict). */
  readonly totals: Readonly<Record<string, number>>;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
  readonly expiresAt: number;
}

/**
 * One UpdateItem per rollup item and batch: ADD counts and sums, seed min/max, move the shard's
 * high-water mark — only if the mark is below the first contributing record, so nothing counts twice.
 */
export const buildRollupUpdate = (update: RollupUpdate): UpdateCommandInput => {
  const { item, totals } = update;
  const names: Record<string, string> = {
    '#hwm': highWaterMarkAttribute(update.shardId),
    '#rollup': 'rollup',
    '#windowStart': 'windowStart',
    '#expiresAt': 'expiresAt',
  };
  const values: Record<string, unknown> = {
    ':first': padSequence(update.firstSequenceNumber),
    ':last': padSequence(update.lastSequenceNumber),
    ':rollup': item.rollup.name,
    ':windowStart': item.sk,
    ':expiresAt': update.expiresAt,
  };
  const sets = [
    '#hwm = :last',
    '#rollup = :rollup',
    '#windowStart = :windowStart',
    '#expiresAt = :expiresAt',
  ];
  const adds: string[] = [];
  Object.entries(item.dimensions).forEach(([dimension, value], i) => {
    names[`#d${i}`] = dimension;
    values[`:d${i}`] = value;
    sets.push(`#d${i} = :d${i}`);
  });
  item.rollup.measures.forEach((measure, i) => {
    const value = totals[measureAttribute(measure)];
    if (value === undefined) return;
    names[`#m${i}`] = measureAttribute(measure);
    values[`:m${i}`] = value;
    if (measure.kind === 'count' || measure.kind === 'sum') adds.push(`#m${i} :m${i}`);
    else sets.push(`#m${i} = if_not_exists(#m${i}, :m${i})`);
  });
  const hasExtremes = item.rollup.measures.some((m) => m.kind === 'min' || m.kind === 'max');
  return {
    TableName: update.tableName,
    Key: { pk: item.pk, sk: item.sk },
    UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
    ConditionExpression: 'attribute_not_exists(#hwm) OR #hwm < :first',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: hasExtremes ? 'ALL_NEW' : 'NONE',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
};

/**
 * DynamoDB has no min()/max() in update expressions: when the stored extreme is worse than the
 * batch's, a second, monotone write improves it. Returns undefined when nothing needs improving.
 */
export const buildExtremesRefinement = (
  tableName: string,
  item: RollupContribution,
  totals: Readonly<Record<string, number>>,
  stored: Readonly<Record<string, unknown>>,
): UpdateCommandInput | undefined => {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const sets: string[] = [];
  const conditions: string[] = [];
  item.rollup.measures.forEach((measure, i) => {
    if (measure.kind !== 'min' && measure.kind !== 'max') return;
    const attribute = measureAttribute(measure);
    const mine = totals[attribute];
    const theirs = stored[attribute];
    if (mine === undefined || typeof theirs !== 'number') return;
    const better = measure.kind === 'min' ? mine < theirs : mine > theirs;
    if (!better) return;
    names[`#x${i}`] = attribute;
    values[`:x${i}`] = mine;
    sets.push(`#x${i} = :x${i}`);
    conditions.push(`#x${i} ${measure.kind === 'min' ? '>' : '<'} :x${i}`);
  });
  if (sets.length === 0) return undefined;
  return {
    TableName: tableName,
    Key: { pk: item.pk, sk: item.sk },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
};
