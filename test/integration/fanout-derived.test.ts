import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import { asRecords } from './support/events.ts';
import { rollupDifferences } from './support/expected-rollups.ts';
import {
  derivedValuesOf,
  expectedDerivedRollups,
  expectedDeviceStates,
  HOUR_MS,
  pageView,
  purchase,
  reading,
} from './support/fanout-events.ts';
import {
  FANOUT_TEST_CONTEXT,
  fanoutTargetsOf,
  type PipelineRun,
  runPipelineUntilCaughtUp,
  scanTable,
} from './support/fanout-pipeline.ts';
import { putRecords } from './support/local-cloud-fixture.ts';

/**
 * Three minutes of events around the latest hour boundary at least 95 s ago, so the hourly rollups
 * span two hours (and, at midnight, the daily ones two days). Page views per hour are all different,
 * so "top pages" has exactly one right order.
 */
const eventsAround = (boundaryMs: number): StreamlakeEvent[] => {
  const before = { '/': 9, '/search': 7, '/cart': 5, '/product/p-1': 3, '/product/p-2': 1 };
  const after = { '/product/p-2': 14, '/cart': 6, '/': 4, '/search': 1 };
  const events: StreamlakeEvent[] = [];
  const spread = (startMs: number, k: number) => startMs + ((k * 7_919) % 89_000);
  for (const [startMs, views] of [
    [boundaryMs - 90_000, before],
    [boundaryMs, after],
  ] as const) {
    let k = 0;
    for (const [page, count] of Object.entries(views)) {
      for (let i = 0; i < count; i++, k++) events.push(pageView(page, spread(startMs, k), `s-${k % 6}`));
    }
  }
  const orders = [
    { revenue: 12.5, items: 1 },
    { revenue: 99.99, items: 3 },
    { revenue: 3.2, items: 1 },
    { revenue: 45, items: 2 },
    { revenue: 7.75, items: 1 },
    { revenue: 150, items: 3 },
    { revenue: 20.1, items: 2 },
    { revenue: 61.3, items: 1 },
  ];
  orders.forEach((order, i) => {
    events.push(purchase(boundaryMs - 85_000 + i * 22_000, `s-${i % 6}`, order));
  });
  ['dev-a', 'dev-b', 'dev-c'].forEach((deviceId, d) => {
    for (let i = 0; i < 12; i++) {
      events.push(
        reading(deviceId, boundaryMs - 90_000 + i * 15_000 + d * 1_000, {
          temperature: 20 + ((i * 7 + d * 3) % 10) * 0.7,
          humidity: 40 + ((i * 3 + d) % 15),
          battery: 90 - i - d * 5,
        }),
      );
    }
  });
  return events;
};

describe('fan-out on the local cloud: derived rollups, top pages and device state', () => {
  let cloud: LocalCloud;
  let run: PipelineRun;
  let events: StreamlakeEvent[];

  beforeAll(async () => {
    // Prepare: the real stack; events up to ~1 h old, so lateness is widened to keep them all.
    cloud = await LocalCloud.start({
      context: { ...FANOUT_TEST_CONTEXT, 'streamlake:allowedLatenessSeconds': 7_200 },
    });
    const boundaryMs = Math.floor((Date.now() - 95_000) / HOUR_MS) * HOUR_MS;
    events = eventsAround(boundaryMs);
    // Act: Kinesis → aggregate → rollups table → its stream → fan-out, until both have caught up.
    const produced = await putRecords(cloud, asRecords(events));
    run = await runPipelineUntilCaughtUp(cloud, produced);
  });
  afterAll(async () => cloud?.stop());

  it('every fan-out batch succeeds and nothing goes to the on-failure destination', () => {
    expect(run.fanoutOutcomes.length).toBeGreaterThan(0);
    expect(run.fanoutOutcomes.every((outcome) => outcome === 'success')).toBe(true);
    expect(run.discarded).toEqual([]);
  });

  it('hourly and daily rollups equal the minute recount summed per hour and day', async () => {
    // Assess
    const expected = expectedDerivedRollups(events);
    const hours = new Set(
      [...expected.keys()].filter((key) => key.includes(' H#')).map((k) => k.split(' ')[1]),
    );
    expect(hours.size).toBe(2);
    const items = await scanTable(cloud, fanoutTargetsOf(cloud).derivedRollupsTable);
    expect(rollupDifferences(expected, derivedValuesOf(items))).toEqual([]);
    expect(items.find((item) => item.pk === 'purchases' && String(item.sk).startsWith('H#'))).toMatchObject({
      grain: 'hour',
      windowStart: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:00Z$/),
    });
  });

  it('"top pages in hour H" is one Query on the TopByCount index, most viewed first', async () => {
    // Prepare: the expected ranking of each period, from the naive recount.
    const expected = expectedDerivedRollups(events);
    const periods = new Map<string, { page: string; count: number }[]>();
    for (const [key, values] of expected) {
      if (!key.startsWith('page_views#')) continue;
      const [pk = '', sk = ''] = key.split(' ');
      const ranked = periods.get(sk) ?? [];
      ranked.push({ page: pk.slice('page_views#'.length), count: values.count ?? 0 });
      periods.set(sk, ranked);
    }
    const { derivedRollupsTable } = fanoutTargetsOf(cloud);
    for (const [sk, ranked] of periods) {
      const top = ranked.sort((a, b) => b.count - a.count).slice(0, 3);
      // Act
      const result = await cloud.clients.documents.send(
        new QueryCommand({
          TableName: derivedRollupsTable,
          IndexName: 'TopByCount',
          KeyConditionExpression: '#rankKey = :rankKey',
          ExpressionAttributeNames: { '#rankKey': 'rankKey' },
          ExpressionAttributeValues: { ':rankKey': `page_views#${sk}` },
          ScanIndexForward: false,
          Limit: 3,
        }),
      );
      // Assess
      expect(
        (result.Items ?? []).map((item) => ({ page: String(item.page), count: Number(item.count) })),
        sk,
      ).toEqual(top);
    }
    expect([...periods.keys()].filter((sk) => sk.startsWith('H#'))).toHaveLength(2);
  });

  it("each device state holds its latest minute: lastSeen at its end, that minute's stats, health ok", async () => {
    // Assess
    const expected = expectedDeviceStates(events);
    const items = await scanTable(cloud, fanoutTargetsOf(cloud).deviceStateTable);
    expect(items.map((item) => item.deviceId).sort()).toEqual([...expected.keys()].sort());
    for (const item of items) {
      const want = expected.get(String(item.deviceId));
      if (!want) throw new Error(`unexpected device ${String(item.deviceId)}`);
      expect(item).toMatchObject({
        lastMinute: want.lastMinute,
        lastReadings: want.lastReadings,
        lastSeen: want.lastSeen,
        maxTemperature: want.maxTemperature,
        minBattery: want.minBattery,
        health: 'ok',
        fleet: expect.stringMatching(/^fleet#[0-3]$/),
      });
      expect(item.avgTemperature).toBeCloseTo(want.avgTemperature, 9);
      expect(item.avgHumidity).toBeCloseTo(want.avgHumidity, 9);
      expect(item).not.toHaveProperty('silentSince');
    }
  });

  it('normal traffic and healthy devices raise no alert', async () => {
    await cloud.sns.drain();
    expect(cloud.sns.published()).toEqual([]);
  });
});
