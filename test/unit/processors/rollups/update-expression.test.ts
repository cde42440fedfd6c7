import { describe, expect, it } from 'vitest';
import {
  preaggregate,
  type RollupContribution,
  totalsOf,
} from '../../../../processors/rollups/preaggregate.ts';
import { ROLLUPS, type RollupDefinition } from '../../../../processors/rollups/rollups.ts';
import {
  buildExtremesRefinement,
  buildRollupUpdate,
  highWaterMarkAttribute,
} from '../../../../processors/rollups/update-expression.ts';
import { padSequence } from '../../../../processors/shared/sequence.ts';
import type { StreamlakeEvent } from '../../../../schemas/index.ts';
import {
  acceptedBatch,
  pageView,
  purchase,
  reading,
  SHARD,
  sequence,
} from '../../support/kinesis-records.ts';

const TABLE = 'streamlake-dev-RollupTable';
const EXPIRES_AT = 1_800_000_000;

const contribution = (rollupName: string, events: StreamlakeEvent[]): RollupContribution => {
  const rollup = ROLLUPS.find((r) => r.name === rollupName) as RollupDefinition;
  const [item] = preaggregate(acceptedBatch(events), [rollup]);
  if (!item) throw new Error('no item');
  return item;
};

const updateFor = (item: RollupContribution, totals = item.totals) =>
  buildRollupUpdate({
    tableName: TABLE,
    shardId: SHARD,
    item,
    totals,
    firstSequenceNumber: item.records[0]?.sequenceNumber ?? '',
    lastSequenceNumber: item.records[item.records.length - 1]?.sequenceNumber ?? '',
    expiresAt: EXPIRES_AT,
  });

/** Commas that separate actions, not the arguments of a function such as if_not_exists(a, b). */
const ACTION_SEPARATOR = /, (?![^(]*\))/;

/** Splits `SET a, b ADD c, d` into its clauses. */
const clauses = (expression: string | undefined) => {
  const [set = '', add = ''] = (expression ?? '').split(' ADD ');
  return {
    set: set.replace(/^SET /, '').split(ACTION_SEPARATOR),
    add: add === '' ? [] : add.split(ACTION_SEPARATOR),
  };
};

/** The placeholder (`#m3`) an update uses for an attribute name. */
const placeholderOf = (names: Record<string, string> | undefined, attribute: string): string => {
  const entry = Object.entries(names ?? {}).find(([, name]) => name === attribute);
  if (!entry) throw new Error(`no placeholder for ${attribute}`);
  return entry[0];
};

describe('buildRollupUpdate', () => {
  it('moves the shard’s high-water mark only when it is below the first contributing record', () => {
    // Prepare
    const item = contribution('page_views', [pageView(), pageView(), pageView()]);

    // Act
    const update = updateFor(item);

    // Assess
    expect(update.ConditionExpression).toBe('attribute_not_exists(#hwm) OR #hwm < :first');
    expect(update.ExpressionAttributeNames?.['#hwm']).toBe(highWaterMarkAttribute(SHARD));
    expect(highWaterMarkAttribute(SHARD)).toBe('hwm_shardId-000000000001');
    expect(clauses(update.UpdateExpression).set).toContain('#hwm = :last');
  });

  it('stores first and last sequence numbers zero-padded so string order is numeric order', () => {
    // Prepare
    const item = contribution('page_views', [pageView(), pageView(), pageView()]);

    // Act
    const update = updateFor(item);

    // Assess
    expect(update.ExpressionAttributeValues?.[':first']).toBe(padSequence(sequence(1)));
    expect(update.ExpressionAttributeValues?.[':last']).toBe(padSequence(sequence(3)));
    expect(update.ExpressionAttributeValues?.[':first']).toHaveLength(64);
    expect(update.ExpressionAttributeValues?.[':last']).toHaveLength(64);
  });

  it('addresses the item by pk and sk and records rollup, window, dimensions and expiry', () => {
    // Prepare
    const item = contribution('page_views', [pageView({ page: '/cart' })]);

    // Act
    const update = updateFor(item);

    // Assess
    expect(update.TableName).toBe(TABLE);
    expect(update.Key).toEqual({ pk: 'page_views#/cart', sk: '2026-11-22T05:06Z' });
    const { set } = clauses(update.UpdateExpression);
    expect(set).toEqual(
      expect.arrayContaining([
        '#rollup = :rollup',
        '#windowStart = :windowStart',
        '#expiresAt = :expiresAt',
        '#d0 = :d0',
      ]),
    );
    expect(update.ExpressionAttributeNames).toMatchObject({ '#d0': 'page', '#rollup': 'rollup' });
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':d0': '/cart',
      ':rollup': 'page_views',
      ':windowStart': '2026-11-22T05:06Z',
      ':expiresAt': EXPIRES_AT,
    });
  });

  it('adds the batch’s count, naming the reserved word count only through ExpressionAttributeNames', () => {
    // Prepare
    const item = contribution('page_views', [pageView(), pageView(), pageView(), pageView()]);

    // Act
    const update = updateFor(item);

    // Assess
    const count = placeholderOf(update.ExpressionAttributeNames, 'count');
    const value = `:${count.slice(1)}`;
    expect(clauses(update.UpdateExpression).add).toEqual([`${count} ${value}`]);
    expect(update.ExpressionAttributeValues?.[value]).toBe(4);
    expect(update.UpdateExpression).not.toMatch(/\bcount\b/i);
    expect(update.ConditionExpression).not.toMatch(/\bcount\b/i);
  });

  it('adds counts and sums, and seeds min and max with if_not_exists', () => {
    // Prepare
    const item = contribution('purchases', [
      purchase({ revenue: 12, items: 2 }),
      purchase({ revenue: 3, items: 1 }),
      purchase({ revenue: 40, items: 5 }),
    ]);

    // Act
    const update = updateFor(item);

    // Assess
    const names = update.ExpressionAttributeNames;
    const values = update.ExpressionAttributeValues ?? {};
    const { set, add } = clauses(update.UpdateExpression);
    for (const [attribute, expected] of [
      ['count', 3],
      ['revenue_sum', 55],
      ['items_sum', 8],
    ] as const) {
      const name = placeholderOf(names, attribute);
      expect(add).toContain(`${name} :${name.slice(1)}`);
      expect(values[`:${name.slice(1)}`]).toBe(expected);
    }
    for (const [attribute, expected] of [
      ['revenue_min', 3],
      ['revenue_max', 40],
    ] as const) {
      const name = placeholderOf(names, attribute);
      expect(set).toContain(`${name} = if_not_exists(${name}, :${name.slice(1)})`);
      expect(values[`:${name.slice(1)}`]).toBe(expected);
    }
    expect(add).toHaveLength(3);
  });

  it('asks for the new item back only when the rollup keeps extremes', () => {
    // Prepare
    const countsOnly = contribution('page_views', [pageView()]);
    const withExtremes = [
      contribution('purchases', [purchase()]),
      contribution('device_readings', [reading()]),
    ];

    // Act
    const countsOnlyUpdate = updateFor(countsOnly);
    const extremesUpdates = withExtremes.map((item) => updateFor(item));

    // Assess
    expect(countsOnlyUpdate.ReturnValues).toBe('NONE');
    for (const update of extremesUpdates) expect(update.ReturnValues).toBe('ALL_NEW');
  });

  it('returns the old item when the condition fails, so a conflict can see the mark', () => {
    // Prepare
    const item = contribution('page_views', [pageView()]);

    // Act
    const update = updateFor(item);

    // Assess
    expect(update.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('applies the totals it is given, e.g. only the records past the mark after a conflict', () => {
    // Prepare
    const item = contribution('purchases', [
      purchase({ revenue: 1 }),
      purchase({ revenue: 9 }),
      purchase({ revenue: 5 }),
    ]);
    const pastTheMark = item.records.slice(2);
    const totals = totalsOf(item.rollup, pastTheMark);

    // Act
    const update = buildRollupUpdate({
      tableName: TABLE,
      shardId: SHARD,
      item,
      totals,
      firstSequenceNumber: sequence(3),
      lastSequenceNumber: sequence(3),
      expiresAt: EXPIRES_AT,
    });

    // Assess
    const values = update.ExpressionAttributeValues ?? {};
    const amountOf = (attribute: string) =>
      values[`:${placeholderOf(update.ExpressionAttributeNames, attribute).slice(1)}`];
    expect(amountOf('count')).toBe(1);
    expect(amountOf('revenue_sum')).toBe(5);
    expect(amountOf('revenue_min')).toBe(5);
    expect(values[':first']).toBe(padSequence(sequence(3)));
  });

  it('uses every placeholder it declares and declares every placeholder it uses', () => {
    // Prepare
    const item = contribution('device_readings', [reading(), reading({ temperature: 30 })]);

    // Act
    const update = updateFor(item);

    // Assess
    const text = `${update.UpdateExpression} ${update.ConditionExpression}`;
    const usedNames = new Set(text.match(/#\w+/g));
    const usedValues = new Set(text.match(/:\w+/g));
    expect(usedNames).toEqual(new Set(Object.keys(update.ExpressionAttributeNames ?? {})));
    expect(usedValues).toEqual(new Set(Object.keys(update.ExpressionAttributeValues ?? {})));
  });
});

describe('buildExtremesRefinement', () => {
  const item = contribution('purchases', [purchase({ revenue: 5 }), purchase({ revenue: 30 })]);

  it('returns undefined when the stored extremes are already as good as the batch’s', () => {
    // Prepare
    const stored = { revenue_min: 2, revenue_max: 100, count: 10 };

    // Act
    const refinement = buildExtremesRefinement(TABLE, item, item.totals, stored);

    // Assess
    expect(refinement).toBeUndefined();
  });

  it('returns undefined when the stored extremes equal the batch’s', () => {
    // Prepare
    const stored = { revenue_min: 5, revenue_max: 30 };

    // Act
    const refinement = buildExtremesRefinement(TABLE, item, item.totals, stored);

    // Assess
    expect(refinement).toBeUndefined();
  });

  it('returns undefined when the item stores no extremes to compare with', () => {
    // Prepare
    const stored = { count: 2 };

    // Act
    const refinement = buildExtremesRefinement(TABLE, item, item.totals, stored);

    // Assess
    expect(refinement).toBeUndefined();
  });

  it('lowers the stored minimum with a conditional SET that only succeeds while it is still higher', () => {
    // Prepare
    const stored = { revenue_min: 8, revenue_max: 100 };

    // Act
    const refinement = buildExtremesRefinement(TABLE, item, item.totals, stored);

    // Assess
    expect(refinement).toBeDefined();
    const name = placeholderOf(refinement?.ExpressionAttributeNames, 'revenue_min');
    const value = `:${name.slice(1)}`;
    expect(refinement).toMatchObject({
      TableName: TABLE,
      Key: { pk: 'purchases', sk: '2026-11-22T05:06Z' },
      UpdateExpression: `SET ${name} = ${value}`,
      ConditionExpression: `${name} > ${value}`,
      ExpressionAttributeNames: { [name]: 'revenue_min' },
      ExpressionAttributeValues: { [value]: 5 },
    });
  });

  it('raises the stored maximum with a conditional SET that only succeeds while it is still lower', () => {
    // Prepare
    const stored = { revenue_min: 1, revenue_max: 20 };

    // Act
    const refinement = buildExtremesRefinement(TABLE, item, item.totals, stored);

    // Assess
    const name = placeholderOf(refinement?.ExpressionAttributeNames, 'revenue_max');
    const value = `:${name.slice(1)}`;
    expect(refinement?.UpdateExpression).toBe(`SET ${name} = ${value}`);
    expect(refinement?.ConditionExpression).toBe(`${name} < ${value}`);
    expect(refinement?.ExpressionAttributeValues).toEqual({ [value]: 30 });
  });

  it('refines both extremes at once, requiring both to still need it', () => {
    // Prepare
    const stored = { revenue_min: 6, revenue_max: 29 };

    // Act
    const refinement = buildExtremesRefinement(TABLE, item, item.totals, stored);

    // Assess
    const min = placeholderOf(refinement?.ExpressionAttributeNames, 'revenue_min');
    const max = placeholderOf(refinement?.ExpressionAttributeNames, 'revenue_max');
    expect(refinement?.UpdateExpression).toBe(`SET ${min} = :${min.slice(1)}, ${max} = :${max.slice(1)}`);
    expect(refinement?.ConditionExpression).toBe(`${min} > :${min.slice(1)} AND ${max} < :${max.slice(1)}`);
  });

  it('never touches counts or sums', () => {
    // Prepare
    const stored = { count: 0, revenue_sum: 0, items_sum: 0, revenue_min: 1000, revenue_max: 0 };

    // Act
    const refinement = buildExtremesRefinement(TABLE, item, item.totals, stored);

    // Assess
    expect(Object.values(refinement?.ExpressionAttributeNames ?? {}).sort()).toEqual([
      'revenue_max',
      'revenue_min',
    ]);
  });
});
