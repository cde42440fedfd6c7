import { describe, expect, it } from 'vitest';
import {
  expectedRollups,
  RollupRecount,
  rollupDifferences,
} from '../../../../commands/verify/ground-truth-rollups.ts';
import type { StreamlakeEvent } from '../../../../schemas/index.ts';

const purchase = (eventTime: string, revenue: number, items: number): StreamlakeEvent => ({
  schema: 'clickstream.purchase',
  version: 1,
  eventId: `e-${eventTime}-${revenue}`,
  eventTime,
  sessionId: 's-1',
  orderId: `o-${revenue}`,
  items,
  revenue,
  currency: 'EUR',
});

const pageView = (eventTime: string, page: string): StreamlakeEvent => ({
  schema: 'clickstream.page_view',
  version: 1,
  eventId: `e-${eventTime}-${page}`,
  eventTime,
  sessionId: 's-1',
  page,
});

describe('the naive recount of the rollups from the ground truth', () => {
  const events = [
    purchase('2026-11-22T05:06:07.000Z', 10, 1),
    purchase('2026-11-22T05:06:59.999Z', 4.5, 2),
    purchase('2026-11-22T05:07:00.000Z', 7, 3),
    pageView('2026-11-22T05:06:30.000Z', '/cart'),
  ];
  const expected = expectedRollups(events);

  it('counts, adds and folds min and max per item and event-time minute', () => {
    expect(expected.get('purchases 2026-11-22T05:06Z')).toEqual({
      count: 2,
      revenue_sum: 14.5,
      revenue_min: 4.5,
      revenue_max: 10,
      items_sum: 3,
    });
    expect(expected.get('purchases 2026-11-22T05:07Z')).toMatchObject({ count: 1, revenue_min: 7 });
  });

  it('keys items by rollup and dimension values, and counts every event in the wildcard rollup', () => {
    expect(expected.get('page_views#/cart 2026-11-22T05:06Z')).toEqual({ count: 1 });
    expect(expected.get('events_by_type#clickstream.purchase 2026-11-22T05:06Z')).toEqual({ count: 2 });
    expect(expected.get('events_by_type#clickstream.page_view 2026-11-22T05:06Z')).toEqual({ count: 1 });
    expect(expected.size).toBe(6);
  });

  it('finds nothing to report against itself, and names a missing, wrong or unexpected item', () => {
    expect(rollupDifferences(expected, expected)).toEqual([]);
    const actual = new Map(expected);
    actual.delete('purchases 2026-11-22T05:07Z');
    actual.set('page_views#/cart 2026-11-22T05:06Z', { count: 2 });
    actual.set('page_views#/ 2026-11-22T05:06Z', { count: 1 });
    expect(rollupDifferences(expected, actual).sort()).toEqual([
      'page_views#/ 2026-11-22T05:06Z: unexpected item',
      'page_views#/cart 2026-11-22T05:06Z count: expected 1, got 2',
      'purchases 2026-11-22T05:07Z: missing',
    ]);
  });
});

describe('the incremental recount', () => {
  it('adds one event at a time to what it was given, without changing the given values', () => {
    const first = [purchase('2026-11-22T05:06:07.000Z', 10, 1), pageView('2026-11-22T05:06:08.000Z', '/')];
    const later = [purchase('2026-11-22T05:06:09.000Z', 2.5, 2), pageView('2026-11-22T05:07:00.000Z', '/')];
    const saved = expectedRollups(first);
    const recount = new RollupRecount(saved);
    for (const event of later) recount.add(event);
    expect(recount.values).toEqual(expectedRollups([...first, ...later]));
    expect(saved).toEqual(expectedRollups(first));
  });
});
