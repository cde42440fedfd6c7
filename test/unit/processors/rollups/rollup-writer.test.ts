import { describe, expect, it } from 'vitest';
import { preaggregate } from '../../../../processors/rollups/preaggregate.ts';
import { writeRollups } from '../../../../processors/rollups/rollup-writer.ts';
import { ROLLUPS, type RollupDefinition } from '../../../../processors/rollups/rollups.ts';
import { highWaterMarkAttribute } from '../../../../processors/rollups/update-expression.ts';
import { padSequence } from '../../../../processors/shared/sequence.ts';
import type { StreamlakeEvent } from '../../../../schemas/index.ts';
import { FakeTable, type FakeTableOptions } from '../../support/fake-table.ts';
import { acceptedRecord, pageView, purchase, SHARD, sequence } from '../../support/kinesis-records.ts';

const MARK = highWaterMarkAttribute(SHARD);
const MINUTE = '2026-11-22T05:06Z';
const RETENTION_SECONDS = 86_400;
const rollup = (name: string) => ROLLUPS.find((r) => r.name === name) as RollupDefinition;

/** Records numbered `from`, `from + 1`, … in sequence order, pre-aggregated into the rollup's items. */
const itemsOf = (name: string, events: readonly StreamlakeEvent[], from = 1) =>
  preaggregate(
    events.map((event, i) => acceptedRecord(event, from + i)),
    [rollup(name)],
  );

const rollupsTable = (options: Partial<FakeTableOptions> = {}) => {
  const table = new FakeTable({ keys: ['pk', 'sk'], ...options });
  const write = (items: ReturnType<typeof itemsOf>) =>
    writeRollups(
      { client: table.client, tableName: 'Rollups', retentionSeconds: RETENTION_SECONDS, concurrency: 4 },
      SHARD,
      items,
    );
  return { table, write };
};

/** Five purchases in one minute, revenue 20, 40, 30, 10, 50. */
const purchases = [20, 40, 30, 10, 50].map((revenue) => purchase({ revenue, items: 1 }));

describe('writeRollups', () => {
  it('writes each rollup item of a batch once, with its counts, sums, extremes, mark and expiry', async () => {
    const { table, write } = rollupsTable();

    const report = await write(itemsOf('purchases', purchases.slice(0, 3)));

    expect(report).toMatchObject({ items: 1, writes: 1, refinements: 0, duplicatesSkipped: 0, failed: [] });
    expect(table.get({ pk: 'purchases', sk: MINUTE })).toEqual({
      pk: 'purchases',
      sk: MINUTE,
      rollup: 'purchases',
      windowStart: MINUTE,
      expiresAt: Date.parse('2026-11-22T05:06:00Z') / 1000 + RETENTION_SECONDS,
      count: 3,
      items_sum: 3,
      revenue_sum: 90,
      revenue_min: 20,
      revenue_max: 40,
      [MARK]: padSequence(sequence(3)),
    });
  });

  it('re-delivered batch counts nothing twice', async () => {
    const { table, write } = rollupsTable();
    await write(itemsOf('purchases', purchases.slice(0, 3)));

    const report = await write(itemsOf('purchases', purchases.slice(0, 3)));

    expect(report).toMatchObject({ writes: 1, conflictRetries: 0, duplicatesSkipped: 3, failed: [] });
    expect(table.get({ pk: 'purchases', sk: MINUTE })).toMatchObject({ count: 3, revenue_sum: 90 });
  });

  it('re-delivered batch with new boundaries counts only the records past the mark', async () => {
    const { table, write } = rollupsTable();
    await write(itemsOf('purchases', purchases.slice(0, 3)));

    // Act: records 2 to 5; 2 and 3 were counted by the first delivery.
    const report = await write(itemsOf('purchases', purchases.slice(1), 2));

    expect(report).toMatchObject({ conflictRetries: 1, duplicatesSkipped: 2, failed: [] });
    expect(table.get({ pk: 'purchases', sk: MINUTE })).toMatchObject({
      count: 5,
      revenue_sum: 150,
      [MARK]: padSequence(sequence(5)),
    });
  });

  it('refines min and max a later batch beats, in a second write counted as a refinement', async () => {
    const { table, write } = rollupsTable();
    await write(itemsOf('purchases', purchases.slice(0, 3)));

    const report = await write(itemsOf('purchases', purchases.slice(3), 4));

    expect(report).toMatchObject({ writes: 2, refinements: 1, failed: [] });
    expect(table.get({ pk: 'purchases', sk: MINUTE })).toMatchObject({
      count: 5,
      revenue_min: 10,
      revenue_max: 50,
    });
  });

  it("reports a failed item by its first record's sequence number and still writes the other items", async () => {
    const { table, write } = rollupsTable({
      beforeUpdate: (input) => {
        if (input.Key?.pk === 'page_views#/cart') throw new Error('throttled');
      },
    });
    const views = [pageView({ page: '/home' }), pageView({ page: '/cart' }), pageView({ page: '/cart' })];

    const report = await write(itemsOf('page_views', views));

    expect(report.failed.map((f) => [f.target.pk, f.firstSequenceNumber])).toEqual([
      ['page_views#/cart', sequence(2)],
    ]);
    expect(table.get({ pk: 'page_views#/home', sk: MINUTE })).toMatchObject({ count: 1 });
    expect(table.get({ pk: 'page_views#/cart', sk: MINUTE })).toBeUndefined();
  });
});
