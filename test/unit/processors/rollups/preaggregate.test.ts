import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexBySchema, preaggregate, totalsOf } from '../../../../processors/rollups/preaggregate.ts';
import { measureAttribute, ROLLUPS, type RollupDefinition } from '../../../../processors/rollups/rollups.ts';
import { compareSequence } from '../../../../processors/shared/sequence.ts';
import type { StreamlakeEvent } from '../../../../schemas/index.ts';
import { throughEdge } from '../../support/edge-context.ts';
import { acceptedBatch, pageView, purchase, reading, statusChange } from '../../support/kinesis-records.ts';

const rollup = (name: string): RollupDefinition => {
  const found = ROLLUPS.find((r) => r.name === name);
  if (!found) throw new Error(`no rollup ${name}`);
  return found;
};

const at = (minute: '05:06' | '05:07', second = 7) =>
  `2026-11-22T${minute}:${String(second).padStart(2, '0')}.123Z`;

/** 9 page views of 3 pages over 2 minutes: 05:06 home×3 cart×2 checkout×1, 05:07 home×2 cart×1. */
const pageViewsOverTwoMinutes = (): StreamlakeEvent[] => [
  pageView({ page: '/home', eventTime: at('05:06', 1) }),
  pageView({ page: '/cart', eventTime: at('05:06', 2) }),
  pageView({ page: '/home', eventTime: at('05:06', 3) }),
  pageView({ page: '/checkout', eventTime: at('05:06', 4) }),
  pageView({ page: '/cart', eventTime: at('05:06', 5) }),
  pageView({ page: '/home', eventTime: at('05:06', 59) }),
  pageView({ page: '/home', eventTime: at('05:07', 0) }),
  pageView({ page: '/cart', eventTime: at('05:07', 30) }),
  pageView({ page: '/home', eventTime: at('05:07', 31) }),
];

const countsByKey = (items: ReturnType<typeof preaggregate>) =>
  Object.fromEntries(items.map((item) => [`${item.pk} ${item.sk}`, item.totals.count]));

describe('preaggregate', () => {
  it('groups page views by page and minute, counting each', () => {
    // Prepare
    const records = acceptedBatch(pageViewsOverTwoMinutes());

    // Act
    const items = preaggregate(records, ROLLUPS);

    // Assess
    expect(countsByKey(items.filter((item) => item.rollup.name === 'page_views'))).toEqual({
      'page_views#/home 2026-11-22T05:06Z': 3,
      'page_views#/cart 2026-11-22T05:06Z': 2,
      'page_views#/checkout 2026-11-22T05:06Z': 1,
      'page_views#/home 2026-11-22T05:07Z': 2,
      'page_views#/cart 2026-11-22T05:07Z': 1,
    });
  });

  it('writes one item per rollup, dimension values and minute, however many records touch it', () => {
    // Prepare
    const records = acceptedBatch(pageViewsOverTwoMinutes());

    // Act
    const items = preaggregate(records, ROLLUPS);

    // Assess
    // 5 page_views items (3 pages in 05:06, 2 in 05:07) + 2 events_by_type items (one per minute).
    expect(items).toHaveLength(7);
    expect(new Set(items.map((item) => `${item.pk}|${item.sk}`)).size).toBe(7);
  });

  it('collapses a hundred page views of three pages in one minute into four items', () => {
    // Prepare
    const pages = ['/home', '/cart', '/checkout'];
    const records = acceptedBatch(
      Array.from({ length: 100 }, (_, i) => pageView({ page: pages[i % 3], eventTime: at('05:06', i % 60) })),
    );

    // Act
    const items = preaggregate(records, ROLLUPS);

    // Assess
    expect(items).toHaveLength(4);
    expect(countsByKey(items)).toEqual({
      'page_views#/home 2026-11-22T05:06Z': 34,
      'page_views#/cart 2026-11-22T05:06Z': 33,
      'page_views#/checkout 2026-11-22T05:06Z': 33,
      'events_by_type#clickstream.page_view 2026-11-22T05:06Z': 100,
    });
  });

  it('names items by rollup and dimension values, and windows by their ISO start minute', () => {
    // Prepare
    const records = acceptedBatch([pageView({ page: '/home', eventTime: '2026-11-22T05:06:59.999Z' })]);

    // Act
    const items = preaggregate(records, ROLLUPS);

    // Assess
    const item = items.find((i) => i.rollup.name === 'page_views');
    expect(item).toMatchObject({
      pk: 'page_views#/home',
      sk: '2026-11-22T05:06Z',
      dimensions: { page: '/home' },
      windowStartMs: Date.parse('2026-11-22T05:06:00.000Z'),
    });
  });

  it('sums revenue and items and keeps the revenue extremes of purchases in a minute', () => {
    // Prepare
    const records = acceptedBatch([
      purchase({ revenue: 10.5, items: 1, eventTime: at('05:06', 1) }),
      purchase({ revenue: 20, items: 3, eventTime: at('05:06', 20) }),
      purchase({ revenue: 5.25, items: 2, eventTime: at('05:06', 40) }),
    ]);

    // Act
    const items = preaggregate(records, ROLLUPS);

    // Assess
    const purchases = items.filter((item) => item.rollup.name === 'purchases');
    expect(purchases).toHaveLength(1);
    expect(purchases[0]).toMatchObject({ pk: 'purchases', sk: '2026-11-22T05:06Z', dimensions: {} });
    expect(purchases[0]?.totals).toEqual({
      count: 3,
      revenue_sum: 35.75,
      revenue_min: 5.25,
      revenue_max: 20,
      items_sum: 6,
    });
  });

  it('keeps min, max and sum of each reading per device per minute', () => {
    // Prepare
    const records = acceptedBatch([
      reading({
        deviceId: 'device-a',
        temperature: 20,
        humidity: 40,
        battery: 90,
        eventTime: at('05:06', 1),
      }),
      reading({
        deviceId: 'device-a',
        temperature: 22.5,
        humidity: 35,
        battery: 89,
        eventTime: at('05:06', 30),
      }),
      reading({
        deviceId: 'device-b',
        temperature: -3,
        humidity: 80,
        battery: 50,
        eventTime: at('05:06', 2),
      }),
      reading({
        deviceId: 'device-a',
        temperature: 25,
        humidity: 30,
        battery: 88,
        eventTime: at('05:07', 1),
      }),
    ]);

    // Act
    const items = preaggregate(records, ROLLUPS);

    // Assess
    const totals = Object.fromEntries(
      items
        .filter((item) => item.rollup.name === 'device_readings')
        .map((item) => [`${item.pk} ${item.sk}`, item.totals]),
    );
    expect(totals).toEqual({
      'device_readings#device-a 2026-11-22T05:06Z': {
        count: 2,
        temperature_sum: 42.5,
        temperature_min: 20,
        temperature_max: 22.5,
        humidity_sum: 75,
        humidity_min: 35,
        humidity_max: 40,
        battery_sum: 179,
        battery_min: 89,
        battery_max: 90,
      },
      'device_readings#device-b 2026-11-22T05:06Z': {
        count: 1,
        temperature_sum: -3,
        temperature_min: -3,
        temperature_max: -3,
        humidity_sum: 80,
        humidity_min: 80,
        humidity_max: 80,
        battery_sum: 50,
        battery_min: 50,
        battery_max: 50,
      },
      'device_readings#device-a 2026-11-22T05:07Z': {
        count: 1,
        temperature_sum: 25,
        temperature_min: 25,
        temperature_max: 25,
        humidity_sum: 30,
        humidity_min: 30,
        humidity_max: 30,
        battery_sum: 88,
        battery_min: 88,
        battery_max: 88,
      },
    });
  });

  it('counts every valid event by schema in events_by_type, telemetry included', () => {
    // Prepare
    const records = acceptedBatch([
      pageView(),
      pageView({ page: '/cart' }),
      purchase(),
      reading({ deviceId: 'device-a' }),
      reading({ deviceId: 'device-b' }),
      reading({ deviceId: 'device-c' }),
      statusChange(),
    ]);

    // Act
    const items = preaggregate(records, ROLLUPS);

    // Assess
    expect(countsByKey(items.filter((item) => item.rollup.name === 'events_by_type'))).toEqual({
      'events_by_type#clickstream.page_view 2026-11-22T05:06Z': 2,
      'events_by_type#clickstream.purchase 2026-11-22T05:06Z': 1,
      'events_by_type#telemetry.reading 2026-11-22T05:06Z': 3,
      'events_by_type#telemetry.status_change 2026-11-22T05:06Z': 1,
    });
    const total = items
      .filter((item) => item.rollup.name === 'events_by_type')
      .reduce((sum, item) => sum + (item.totals.count ?? 0), 0);
    expect(total).toBe(records.length);
  });

  it('keeps each item’s contributing records in sequence order', () => {
    // Prepare
    const records = acceptedBatch([...pageViewsOverTwoMinutes(), purchase(), reading(), reading()]);

    // Act
    const items = preaggregate(records, ROLLUPS);

    // Assess
    for (const item of items) {
      const sequenceNumbers = item.records.map((record) => record.sequenceNumber);
      expect(sequenceNumbers).toEqual([...sequenceNumbers].sort(compareSequence));
      expect(item.records).toHaveLength(item.totals.count ?? -1);
    }
  });

  it('gives every item the totals totalsOf computes from its records', () => {
    // Prepare
    const records = acceptedBatch([
      ...pageViewsOverTwoMinutes(),
      purchase({ revenue: 3 }),
      purchase({ revenue: 7, items: 4 }),
      reading({ temperature: 19 }),
      reading({ temperature: 23 }),
    ]);

    // Act
    const items = preaggregate(records, ROLLUPS);

    // Assess
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(totalsOf(item.rollup, item.records)).toEqual(item.totals);
  });

  it('re-folds only the records past a mark into totals of those records alone', () => {
    // Prepare
    const records = acceptedBatch([
      purchase({ revenue: 1 }),
      purchase({ revenue: 50 }),
      purchase({ revenue: 4 }),
    ]);
    const [item] = preaggregate(records, [rollup('purchases')]);

    // Act
    const totals = totalsOf(rollup('purchases'), item?.records.slice(1) ?? []);

    // Assess
    expect(totals).toEqual({ count: 2, revenue_sum: 54, revenue_min: 4, revenue_max: 50, items_sum: 2 });
  });

  it('ignores the edge context: events through the collector roll up exactly as the same events sent directly', () => {
    // Prepare
    const events = [pageView(), purchase({ revenue: 12.5 }), reading({ temperature: 30 }), statusChange()];
    const direct = acceptedBatch(events);
    const forwarded = acceptedBatch(events.map((event) => throughEdge(event)));

    // Act
    const [a, b] = [direct, forwarded].map((batch) =>
      preaggregate(batch, ROLLUPS, indexBySchema(ROLLUPS)).map(({ pk, sk, dimensions, totals, records }) => ({
        pk,
        sk,
        dimensions,
        totals,
        sequenceNumbers: records.map((r) => r.sequenceNumber),
      })),
    );

    // Assess
    expect(b).toEqual(a);
    expect(a?.length).toBeGreaterThan(4);
  });

  it('groups interleaved schemas and minutes as one item per rollup, dimensions and minute, in first-seen order', () => {
    const event = fc.oneof(
      fc
        .constantFrom('/home', '/cart')
        .map(
          (page) => (second: number) =>
            pageView({ page, eventTime: at(second < 60 ? '05:06' : '05:07', second % 60) }),
        ),
      fc.constant((second: number) =>
        purchase({ eventTime: at(second < 60 ? '05:06' : '05:07', second % 60) }),
      ),
      fc
        .constantFrom('device-1', 'device-2')
        .map(
          (deviceId) => (second: number) =>
            reading({ deviceId, eventTime: at(second < 60 ? '05:06' : '05:07', second % 60) }),
        ),
      fc.constant((second: number) =>
        statusChange({ eventTime: at(second < 60 ? '05:06' : '05:07', second % 60) }),
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(event, fc.integer({ min: 0, max: 119 })), { maxLength: 30 }), (made) => {
        // Prepare
        const records = acceptedBatch(made.map(([make, second]) => make(second)));
        const rollupsFor = indexBySchema(ROLLUPS);
        const expected = new Map<string, string[]>();
        for (const record of records) {
          for (const r of rollupsFor(record.event.schema)) {
            const fields = record.event as unknown as Record<string, unknown>;
            const pk = [r.name, ...r.dimensions.map((d) => String(fields[d]))].join('#');
            const key = `${pk} ${record.event.eventTime.slice(0, 16)}Z`;
            expected.set(key, [...(expected.get(key) ?? []), record.sequenceNumber]);
          }
        }

        // Act
        const items = preaggregate(records, ROLLUPS);

        // Assess
        expect(
          new Map(items.map((item) => [`${item.pk} ${item.sk}`, item.records.map((r) => r.sequenceNumber)])),
        ).toEqual(expected);
        expect(items.map((item) => `${item.pk} ${item.sk}`)).toEqual([...expected.keys()]);
        for (const item of items) expect(item.totals).toEqual(totalsOf(item.rollup, item.records));
      }),
      { numRuns: 300 },
    );
  });

  it('touches nothing for an empty batch', () => {
    // Prepare
    const records = acceptedBatch([]);

    // Act
    const items = preaggregate(records, ROLLUPS);

    // Assess
    expect(items).toEqual([]);
  });
});

describe('indexBySchema', () => {
  it('gives a schema its own rollups plus the wildcard ones, and unknown schemas only the wildcard ones', () => {
    // Prepare
    const rollupsFor = indexBySchema(ROLLUPS);

    // Act
    const forPageView = rollupsFor('clickstream.page_view').map((r) => r.name);
    const forStatusChange = rollupsFor('telemetry.status_change').map((r) => r.name);

    // Assess
    expect(forPageView.sort()).toEqual(['events_by_type', 'page_views']);
    expect(forStatusChange).toEqual(['events_by_type']);
  });
});

describe('measureAttribute', () => {
  it('stores counts as count and other measures as <field>_<kind>', () => {
    // Prepare
    const measures = rollup('purchases').measures;

    // Act
    const attributes = measures.map(measureAttribute);

    // Assess
    expect(attributes).toEqual(['count', 'revenue_sum', 'revenue_min', 'revenue_max', 'items_sum']);
  });
});
