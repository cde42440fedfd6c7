import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { alertInputsOf } from '../../../../processors/fanout/alert-evaluation.ts';
import { isQuiet, readsOneItemPerMinute } from '../../../../processors/fanout/alert-quiet.ts';
import { ALERT_RULES } from '../../../../processors/fanout/alert-rules.ts';
import { minuteChangesOf } from '../../../../processors/fanout/delta.ts';
import { createFanoutHandler } from '../../../../processors/fanout/fanout-batch.ts';
import { FakeSNS } from '../../support/fake-sns.ts';
import { FakeDynamoDB } from '../../support/fake-table.ts';
import { FANOUT_CONFIG } from '../../support/fanout-config.ts';
import { rollupChangeRecord } from '../../support/rollups-stream.ts';

const config = FANOUT_CONFIG;

const minute = (m: number) => `2026-11-22T05:${String(m).padStart(2, '0')}Z`;

/**
 * The rollups table of one device as the aggregator grows it: each `reading` adds readings to a minute item
 * and returns the stream record of that change (old and new image), with increasing sequence numbers.
 */
const deviceStream = (deviceId = 'device-1') => {
  const items = new Map<string, Record<string, unknown>>();
  let sequence = 100;
  return (m: number, readings: { count: number; temperature: number; battery: number }): DynamoDBRecord => {
    const previous = items.get(minute(m));
    const count = ((previous?.count as number | undefined) ?? 0) + readings.count;
    const next = {
      pk: `device_readings#${deviceId}`,
      sk: minute(m),
      rollup: 'device_readings',
      deviceId,
      count,
      temperature_sum:
        ((previous?.temperature_sum as number | undefined) ?? 0) + readings.temperature * readings.count,
      temperature_min: Math.min(
        (previous?.temperature_min as number | undefined) ?? readings.temperature,
        readings.temperature,
      ),
      temperature_max: Math.max(
        (previous?.temperature_max as number | undefined) ?? readings.temperature,
        readings.temperature,
      ),
      battery_sum: ((previous?.battery_sum as number | undefined) ?? 0) + readings.battery * readings.count,
      battery_min: Math.min(
        (previous?.battery_min as number | undefined) ?? readings.battery,
        readings.battery,
      ),
      battery_max: Math.max(
        (previous?.battery_max as number | undefined) ?? readings.battery,
        readings.battery,
      ),
    };
    items.set(minute(m), next);
    return rollupChangeRecord(String(++sequence), next, previous);
  };
};

/** The fan-out in `environments` execution environments (each its own cache) over one set of fake tables. */
const fanout = (environments = 1) => {
  const dynamodb = new FakeDynamoDB({
    DerivedRollups: ['pk', 'sk'],
    DeviceState: ['deviceId'],
    AlertState: ['alertId'],
  });
  const sns = new FakeSNS();
  const handlers = Array.from({ length: environments }, () =>
    createFanoutHandler({ config, dynamodb: dynamodb.client, sns: sns.client }),
  );
  const invoke = async (records: DynamoDBRecord[], environment = 0) => {
    const result = await handlers[environment]?.({ Records: records });
    expect(result).toEqual({ batchItemFailures: [] });
  };
  const alertCalls = () => dynamodb.sent.filter((s) => s.input.TableName === 'AlertState').map((s) => s.name);
  const published = () => sns.published.map((p) => p.MessageAttributes?.transitionId?.StringValue);
  return { invoke, dynamodb, alertCalls, published };
};

const cool = { count: 5, temperature: 21, battery: 90 };
const hot = { count: 5, temperature: 60, battery: 90 };

describe('quiet alert batches (D35)', () => {
  it('writes no alert state for a batch of below-threshold minutes of a subject with no alert', async () => {
    // Prepare: the first batch of minute 6 records it (one write per rule); the device stays cool.
    const reading = deviceStream();
    const { invoke, alertCalls } = fanout();
    await invoke([reading(6, cool)]);
    const afterFirst = alertCalls().length;

    // Act: two more batches of the same minute, below every threshold.
    await invoke([reading(6, cool), reading(6, cool)]);
    await invoke([reading(6, cool)]);

    // Assess: nothing read (cached) and nothing written.
    expect(alertCalls().slice(0, afterFirst).sort()).toEqual([
      'GetCommand',
      'GetCommand',
      'UpdateCommand',
      'UpdateCommand',
    ]);
    expect(alertCalls().slice(afterFirst)).toEqual([]);
  });

  it('writes once a new minute starts, and whenever an image could matter', async () => {
    // Prepare
    const reading = deviceStream();
    const { invoke, alertCalls, dynamodb } = fanout();
    await invoke([reading(6, cool)]);
    const written = () => alertCalls().filter((name) => name === 'UpdateCommand').length;
    const start = written();

    // Act + Assess: a new minute is recorded (both rules); a hot image is kept as overheating history.
    await invoke([reading(7, cool)]);
    expect(written() - start).toBe(2);
    await invoke([reading(7, hot)]);
    expect(written() - start).toBe(3);
    expect(
      dynamodb.table('AlertState').get({ alertId: 'device-overheating#device-1' })?.recent,
    ).toMatchObject({ [minute(7)]: { count: 10 } });
  });

  it('counts every image of a minute, not only the fullest: a hot partial image is not quiet', () => {
    // Prepare: the minute's first image is hot (60 °C), its fuller one cool again (28.8 °C on average).
    const reading = deviceStream();
    const changes = minuteChangesOf([
      reading(6, { ...hot, count: 2 }),
      reading(6, { ...cool, count: 8 }),
    ]).changes;
    const overheating = ALERT_RULES.find((r) => r.name === 'device-overheating');
    const input = alertInputsOf(changes, ALERT_RULES).find((i) => i.rule === overheating);
    if (!input) throw new Error('no overheating input');
    const stored = { recent: { [minute(6)]: { value: 21, count: 1 } } };

    // Act + Assess
    expect(input.minutes[minute(6)]?.value).toBeCloseTo(28.8);
    expect(isQuiet(input, stored, { fresh: true })).toBe(false);
  });

  it('never leaves a baseline rule unwritten: a fuller count changes what it will judge', () => {
    // Prepare
    const purchasesDrop = ALERT_RULES.find((r) => r.name === 'purchases-drop');
    if (!purchasesDrop) throw new Error('no purchases-drop rule');
    const input = {
      alertId: 'purchases-drop#all',
      rule: purchasesDrop,
      subject: 'all',
      minutes: { [minute(6)]: { value: 30, count: 30 } },
      sequenceNumber: '1',
      sources: { [`purchases# ${minute(6)}`]: { previousCount: 20, lastCount: 30 } },
      breaching: false,
      clearing: true,
    };

    // Act + Assess
    expect(isQuiet(input, { recent: { [minute(6)]: { value: 20, count: 20 } } }, { fresh: true })).toBe(
      false,
    );
  });

  it('only leaves rules unwritten whose subject and filter name one minute item', () => {
    // Prepare: a rule over all client error types at once reads several items per minute.
    const overAllTypes = {
      ...(ALERT_RULES.find((r) => r.name === 'client-errors-high') as (typeof ALERT_RULES)[number]),
      source: { rollup: 'client_errors' },
    };

    // Act + Assess
    expect(ALERT_RULES.map(readsOneItemPerMinute)).toEqual([true, true, true, true]);
    expect(readsOneItemPerMinute(overAllTypes)).toBe(false);
  });

  it('opens, resolves and publishes each transition once, the same with every batch re-delivered and re-cut', async () => {
    // Prepare: cool, then 3 hot minutes (opens at minute 4), then cool (resolves at minute 5), in 2 batches a minute.
    const reading = deviceStream();
    const batches: DynamoDBRecord[][] = [];
    for (const [m, readings] of [
      [1, cool],
      [2, hot],
      [3, hot],
      [4, hot],
      [5, cool],
      [6, cool],
    ] as const) {
      batches.push([reading(m, readings), reading(m, readings)], [reading(m, readings)]);
    }
    const once = fanout();
    const again = fanout();

    // Act: once; and each batch delivered whole, then its second half, then all of it again.
    for (const batch of batches) await once.invoke(batch);
    for (const batch of batches) {
      await again.invoke(batch);
      await again.invoke(batch.slice(Math.floor(batch.length / 2)));
      await again.invoke(batch);
    }

    // Assess
    const expected = [
      `device-overheating#device-1#OPEN#${minute(4)}`,
      `device-overheating#device-1#RESOLVED#${minute(5)}`,
    ];
    expect(once.published()).toEqual(expected);
    expect(again.published()).toEqual(expected);
    const stateOf = (run: ReturnType<typeof fanout>) =>
      run.dynamodb.table('AlertState').get({ alertId: 'device-overheating#device-1' });
    expect(stateOf(again)).toMatchObject({ state: 'RESOLVED', transition: { published: true } });
    expect(stateOf(again)?.version).toBeGreaterThan(0);
    expect(stateOf(once)).toMatchObject({ state: 'RESOLVED', openedAt: minute(4), resolvedAt: minute(5) });
    expect(stateOf(again)).toMatchObject({ state: 'RESOLVED', openedAt: minute(4), resolvedAt: minute(5) });
  });

  it('does not trust its cache when another environment folded in images of the minute meanwhile', async () => {
    // Prepare: environment 0 records a cool minute 6; environment 1 then sees a hot partial image of it; the
    // fuller image (cool on average) comes back to environment 0, then minutes 7 and 8 are hot.
    const reading = deviceStream();
    const { invoke, published, dynamodb } = fanout(2);
    await invoke([reading(6, { ...cool, count: 1 })], 0);
    await invoke([reading(6, { count: 2, temperature: 60, battery: 90 })], 1);

    // Act
    const before = dynamodb.sent.length;
    await invoke([reading(6, { ...cool, count: 20 })], 0);
    const overheatingCalls = dynamodb.sent
      .slice(before)
      .filter((s) => JSON.stringify(s.input.Key) === '{"alertId":"device-overheating#device-1"}')
      .map((s) => s.name);
    await invoke([reading(7, hot)], 0);
    await invoke([reading(8, hot)], 0);

    // Assess: the stale cached item is read again rather than written on its old version; minute 6 was cool
    // once full, so 7 and 8 are only two hot minutes in a row: nothing opens.
    expect(overheatingCalls).toEqual(['GetCommand', 'UpdateCommand']);
    expect(
      dynamodb.table('AlertState').get({ alertId: 'device-overheating#device-1' })?.recent,
    ).toMatchObject({ [minute(6)]: { count: 23 } });
    expect(published()).toEqual([]);
  });
});
