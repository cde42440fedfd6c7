import { describe, expect, it } from 'vitest';
import { measuresOf, readableAttributes, rollupNameOf } from '../../../../commands/rollups/rollup-items.ts';
import { ROLLUPS } from '../../../../processors/rollups/rollups.ts';

const rollup = (name: string) => {
  const found = ROLLUPS.find((r) => r.name === name);
  if (!found) throw new Error(`no rollup ${name}`);
  return found;
};

/** An item as the aggregator writes it: key, bookkeeping, dimensions, measures. */
const purchaseItem = {
  pk: 'purchases',
  sk: '2026-11-22T05:06Z',
  rollup: 'purchases',
  windowStart: '2026-11-22T05:06Z',
  expiresAt: 1_800_000_000,
  'hwm_shardId-000000000000': '0'.repeat(64),
  count: 3,
  revenue_sum: 30.5,
  revenue_min: 5,
  revenue_max: 20,
  items_sum: 4,
};

describe('rollup items as their declarations read them', () => {
  it('names the rollup of a partition key', () => {
    expect(rollupNameOf('page_views#/cart')).toBe('page_views');
    expect(rollupNameOf('device_readings#dev-0001')).toBe('device_readings');
    expect(rollupNameOf('purchases')).toBe('purchases');
  });

  it('shows the key, the dimensions and the measures, not the writer bookkeeping', () => {
    const readable = readableAttributes(rollup('purchases'));
    expect(Object.keys(purchaseItem).filter((key) => readable.has(key))).toEqual([
      'pk',
      'sk',
      'count',
      'revenue_sum',
      'revenue_min',
      'revenue_max',
      'items_sum',
    ]);
    expect([...readableAttributes(rollup('page_views'))]).toEqual(['pk', 'sk', 'page', 'count']);
  });

  it('reads the declared measures of an item, and none for an undeclared rollup', () => {
    expect(measuresOf(purchaseItem, rollup('purchases'))).toEqual({
      count: 3,
      revenue_sum: 30.5,
      revenue_min: 5,
      revenue_max: 20,
      items_sum: 4,
    });
    expect(measuresOf({ pk: 'page_views#/', sk: 'x', count: 2 }, rollup('page_views'))).toEqual({ count: 2 });
    expect(measuresOf({ pk: 'gone', sk: 'x', count: 2 }, undefined)).toEqual({});
  });
});
