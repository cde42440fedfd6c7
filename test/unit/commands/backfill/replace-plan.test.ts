import { describe, expect, it } from 'vitest';
import {
  planReplace,
  type RecountedItem,
  type ReplaceInput,
} from '../../../../commands/backfill/replace-plan.ts';
import { ROLLUPS, type RollupDefinition } from '../../../../processors/rollups/rollups.ts';

const purchases = ROLLUPS.find((r) => r.name === 'purchases') as RollupDefinition;
const pageViews = ROLLUPS.find((r) => r.name === 'page_views') as RollupDefinition;
const NOW = Date.parse('2026-12-02T12:00:00Z');
const HWM = { 'hwm_shardId-000000000000': `${'0'.repeat(60)}1234` };

const recounted = (sk: string, values: Record<string, number>): RecountedItem => ({
  pk: 'purchases',
  sk,
  dimensions: {},
  values,
});
const stored = (sk: string, values: Record<string, number>) => ({
  pk: 'purchases',
  sk,
  rollup: 'purchases',
  ...HWM,
  ...values,
});
const full = { count: 2, revenue_sum: 30.5, revenue_min: 10, revenue_max: 20.5, items_sum: 3 };

const plan = (input: Partial<ReplaceInput>) =>
  planReplace({
    tableName: 'rollups',
    rollup: purchases,
    recount: [],
    existing: [],
    retentionSeconds: 90 * 86_400,
    nowMs: NOW,
    ...input,
  });

describe('the replace plan', () => {
  it('leaves an item alone when every measure agrees (sums within rounding)', () => {
    const result = plan({
      recount: [recounted('2026-12-01T05:06Z', full)],
      existing: [stored('2026-12-01T05:06Z', { ...full, revenue_sum: 30.500000000000004 })],
    });
    expect(result).toEqual({ writes: [], compared: 1, unchanged: 1, pastRetention: 0 });
  });

  it('updates an item whose measures differ: SETs the measures, never a high-water mark, only if unchanged since read', () => {
    const result = plan({
      recount: [recounted('2026-12-01T05:06Z', full)],
      existing: [stored('2026-12-01T05:06Z', { ...full, count: 7 })],
    });
    expect(result.writes).toHaveLength(1);
    const [write] = result.writes;
    expect(write?.kind).toBe('update');
    const update = write?.update;
    expect(update?.Key).toEqual({ pk: 'purchases', sk: '2026-12-01T05:06Z' });
    expect(update?.UpdateExpression).not.toMatch(/hwm|ADD/);
    expect(Object.values(update?.ExpressionAttributeNames ?? {})).not.toContain(Object.keys(HWM)[0]);
    expect(update?.UpdateExpression).toContain('#m0 = :m0');
    expect(update?.ExpressionAttributeValues).toMatchObject({
      ':m0': 2,
      ':o0': 7,
      ':expiresAt': Date.parse('2026-12-01T05:06Z') / 1000 + 90 * 86_400,
      ':windowStart': '2026-12-01T05:06Z',
    });
    expect(update?.ConditionExpression).toBe(
      'attribute_exists(#pk) AND #m0 = :o0 AND #m1 = :o1 AND #m2 = :o2 AND #m3 = :o3 AND #m4 = :o4',
    );
  });

  it('creates an item the table lacks, with its dimensions, only if still absent', () => {
    const result = plan({
      rollup: pageViews,
      recount: [
        {
          pk: 'page_views#/cart',
          sk: '2026-12-01T05:06Z',
          dimensions: { page: '/cart' },
          values: { count: 3 },
        },
      ],
    });
    const update = result.writes[0]?.update;
    expect(result.writes[0]?.kind).toBe('create');
    expect(update?.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(update?.ExpressionAttributeNames).toMatchObject({ '#d0': 'page', '#m0': 'count' });
    expect(update?.ExpressionAttributeValues).toMatchObject({
      ':d0': '/cart',
      ':m0': 3,
      ':rollup': 'page_views',
    });
  });

  it('zeroes an item the recount no longer has: counts and sums 0, extremes removed, marks kept', () => {
    const result = plan({ existing: [stored('2026-12-01T05:07Z', full)] });
    expect(result.writes.map((w) => w.kind)).toEqual(['zero']);
    const update = result.writes[0]?.update;
    expect(update?.UpdateExpression).toMatch(/^SET .*#m0 = :m0, #m1 = :m1, #m4 = :m4 REMOVE #m2, #m3$/);
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':m0': 0, ':m1': 0, ':m4': 0 });
    expect(update?.UpdateExpression).not.toContain('hwm');
  });

  it('an item already at zero events is unchanged, so a second run writes nothing', () => {
    const result = plan({
      existing: [stored('2026-12-01T05:07Z', { count: 0, revenue_sum: 0, items_sum: 0 })],
    });
    expect(result).toMatchObject({ writes: [], unchanged: 1, compared: 1 });
  });

  it('does not write windows past the retention, which TTL would delete and a rerun would count again', () => {
    const result = plan({
      retentionSeconds: 86_400,
      recount: [recounted('2026-11-01T05:06Z', full), recounted('2026-12-02T05:06Z', full)],
    });
    expect(result).toMatchObject({ pastRetention: 1, compared: 2 });
    expect(result.writes.map((w) => w.update.Key)).toEqual([{ pk: 'purchases', sk: '2026-12-02T05:06Z' }]);
  });

  it('removes a measure the recount has no value for, and expects its absence when it was absent', () => {
    const result = plan({
      recount: [recounted('2026-12-01T05:06Z', { count: 1, revenue_sum: 5, items_sum: 1 })],
      existing: [stored('2026-12-01T05:06Z', { count: 1, revenue_sum: 5, items_sum: 1, revenue_min: 5 })],
    });
    const update = result.writes[0]?.update;
    expect(update?.UpdateExpression).toMatch(/REMOVE #m2, #m3$/);
    expect(update?.ConditionExpression).toContain('#m2 = :o2 AND attribute_not_exists(#m3)');
  });
});
