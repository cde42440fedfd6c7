import { describe, expect, it } from 'vitest';
import {
  alertInputsOf,
  evaluate,
  mergeRecent,
  type RecentMinutes,
} from '../../../../processors/fanout/alert-evaluation.ts';
import { ALERT_RULES, type StreamAlertRule } from '../../../../processors/fanout/alert-rules.ts';
import { alertMessageOf, decideTransition } from '../../../../processors/fanout/alert-state.ts';
import { alertStepOf } from '../../../../processors/fanout/alert-writer.ts';
import type { MinuteChange } from '../../../../processors/fanout/delta.ts';
import { ROLLUPS } from '../../../../processors/rollups/rollups.ts';

const rule = (name: string): StreamAlertRule => {
  const found = ALERT_RULES.find((r) => r.name === name);
  if (!found) throw new Error(`no rule ${name}`);
  return found;
};
const overheating = rule('device-overheating');
const purchasesDrop = rule('purchases-drop');

const minute = (m: number) => `2026-11-22T05:${String(m).padStart(2, '0')}Z`;
const series = (values: Record<number, number>): RecentMinutes =>
  Object.fromEntries(Object.entries(values).map(([m, value]) => [minute(Number(m)), { value, count: 10 }]));

const reading = (
  deviceId: string,
  m: number,
  temperatureSum: number,
  count: number,
  seq = 1,
): MinuteChange => ({
  sequenceNumber: String(seq),
  rollup: ROLLUPS.find((r) => r.name === 'device_readings') as MinuteChange['rollup'],
  pk: `device_readings#${deviceId}`,
  minute: minute(m),
  windowStartMs: Date.parse(minute(m)),
  dimensions: { deviceId },
  delta: {},
  latest: { count, temperature_sum: temperatureSum, battery_min: 50 },
});

describe('alert rule evaluation', () => {
  it('opens the overheating rule only after 3 consecutive hot minutes', () => {
    expect(evaluate(overheating, series({ 1: 40, 2: 41 }))?.kind).toBe('hold');
    expect(evaluate(overheating, series({ 1: 40, 2: 41, 3: 42 }))).toEqual({
      kind: 'breach',
      value: 42,
      threshold: 35,
      window: minute(3),
    });
  });

  it('holds when a minute in the streak is missing or cool, and clears when the latest minute is cool', () => {
    expect(evaluate(overheating, series({ 1: 40, 3: 42 }))?.kind).toBe('hold');
    expect(evaluate(overheating, series({ 1: 40, 2: 30, 3: 42 }))?.kind).toBe('hold');
    expect(evaluate(overheating, series({ 1: 40, 2: 41, 3: 30 }))?.kind).toBe('clear');
  });

  it('judges purchases on the last complete minute against the 10 minutes before it', () => {
    const steady = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i + 1, 20]));

    expect(evaluate(purchasesDrop, series({ ...steady, 11: 3, 12: 1 }))).toEqual({
      kind: 'breach',
      value: 3,
      threshold: 4,
      window: minute(11),
    });
    expect(evaluate(purchasesDrop, series({ ...steady, 11: 15, 12: 1 }))?.kind).toBe('clear');
  });

  it('counts missing minutes as zero purchases and holds while the baseline is too small', () => {
    expect(evaluate(purchasesDrop, series({ 1: 20, 2: 20, 12: 1 }))?.kind).toBe('hold');
  });

  it('keeps the fuller reading of a minute and only the history a rule needs', () => {
    const merged = mergeRecent(
      overheating,
      { [minute(1)]: { value: 1, count: 1 }, [minute(3)]: { value: 40, count: 9 } },
      { [minute(3)]: { value: 39, count: 5 }, [minute(4)]: { value: 41, count: 2 } },
    );

    expect(merged).toEqual({ [minute(3)]: { value: 40, count: 9 }, [minute(4)]: { value: 41, count: 2 } });
  });

  it('keeps the refined min of a minute at equal counts, whichever image comes last', () => {
    // Prepare: the aggregator writes battery_min 12 (count 20), then refines it to 9 without changing the count.
    const batteryLow = rule('device-battery-low');
    const before = { value: 12, count: 20 };
    const refined = { value: 9, count: 20 };

    // Act, Assess: in stream order, and with the earlier image re-delivered after the refined one was stored.
    expect(mergeRecent(batteryLow, { [minute(3)]: before }, { [minute(3)]: refined })).toEqual({
      [minute(3)]: refined,
    });
    expect(mergeRecent(batteryLow, { [minute(3)]: refined }, { [minute(3)]: before })).toEqual({
      [minute(3)]: refined,
    });
    // A mean is not refined: at equal counts the later reading stands, as before.
    expect(
      mergeRecent(
        overheating,
        { [minute(3)]: { value: 40, count: 5 } },
        { [minute(3)]: { value: 41, count: 5 } },
      ),
    ).toEqual({ [minute(3)]: { value: 41, count: 5 } });
  });

  it('does not resolve a low battery when a batch from before the min refinement is delivered again', () => {
    // Prepare: OPEN on the refined minute (battery_min 9 < 10); the re-delivered batch ends at the image before it.
    const batteryLow = rule('device-battery-low');
    const image = (batteryMin: number): MinuteChange => ({
      ...reading('dev-1', 3, 400, 20),
      latest: { count: 20, temperature_sum: 400, battery_min: batteryMin },
    });
    const [opened] = alertInputsOf([image(9)], [batteryLow]);
    const stored = {
      alertId: 'device-battery-low#dev-1',
      state: 'OPEN' as const,
      openedAt: minute(3),
      recent: opened?.minutes ?? {},
    };
    const [again] = alertInputsOf([image(12)], [batteryLow]);
    if (!again) throw new Error('no input for the re-delivered image');

    // Act
    const step = alertStepOf(again, stored);

    // Assess
    expect(step.recent).toEqual({ [minute(3)]: { value: 9, count: 20 } });
    expect(step.transition).toBeUndefined();
  });

  it('groups a batch by rule and subject, reading the mean temperature per device', () => {
    const inputs = alertInputsOf([reading('dev-1', 1, 400, 10), reading('dev-1', 1, 200, 5)], [overheating]);

    expect(inputs).toHaveLength(1);
    expect(inputs[0]?.alertId).toBe('device-overheating#dev-1');
    expect(inputs[0]?.minutes).toEqual({ [minute(1)]: { value: 40, count: 10 } });
  });
});

describe('alert state transitions', () => {
  const breach = { kind: 'breach', value: 42, threshold: 35, window: minute(3) } as const;
  const clear = { kind: 'clear', value: 30, threshold: 35, window: minute(9) } as const;

  it('opens on a breach, with an id made of rule, subject, state and window', () => {
    const transition = decideTransition({
      rule: overheating,
      subject: 'dev-1',
      status: {},
      verdict: breach,
      at: minute(3),
    });

    expect(transition).toMatchObject({
      id: `device-overheating#dev-1#OPEN#${minute(3)}`,
      state: 'OPEN',
      openedAt: minute(3),
      severity: 'critical',
    });
  });

  it('does nothing on a breach while open, or on a clear while not open', () => {
    const open = { state: 'OPEN', openedAt: minute(3) } as const;

    expect(
      decideTransition({ rule: overheating, subject: 'dev-1', status: open, verdict: breach, at: minute(4) }),
    ).toBeUndefined();
    expect(
      decideTransition({ rule: overheating, subject: 'dev-1', status: {}, verdict: clear, at: minute(9) }),
    ).toBeUndefined();
  });

  it('resolves on a clear while open, keeping when it opened', () => {
    const transition = decideTransition({
      rule: overheating,
      subject: 'dev-1',
      status: { state: 'OPEN', openedAt: minute(3) },
      verdict: clear,
      at: minute(9),
    });

    expect(transition).toMatchObject({ state: 'RESOLVED', openedAt: minute(3), resolvedAt: minute(9) });
  });

  it('does not open again within the cooldown after resolving, and does after it', () => {
    const resolved = { state: 'RESOLVED', openedAt: minute(3), resolvedAt: minute(9) } as const;
    const at = (m: number) => ({ ...breach, window: minute(m) });

    expect(
      decideTransition({
        rule: overheating,
        subject: 'dev-1',
        status: resolved,
        verdict: at(18),
        at: minute(18),
      }),
    ).toBeUndefined();
    expect(
      decideTransition({
        rule: overheating,
        subject: 'dev-1',
        status: resolved,
        verdict: at(19),
        at: minute(19),
      })?.state,
    ).toBe('OPEN');
  });

  it('a re-delivered batch after the transition was written decides nothing new', () => {
    const input = alertInputsOf(
      [reading('dev-1', 1, 400, 10), reading('dev-1', 2, 400, 10), reading('dev-1', 3, 400, 10)],
      [overheating],
    )[0];
    if (!input) throw new Error('no input');

    const first = alertStepOf(input, { alertId: input.alertId });
    const again = alertStepOf(input, { alertId: input.alertId, state: 'OPEN', recent: first.recent });

    expect(first.transition?.state).toBe('OPEN');
    expect(again.transition).toBeUndefined();
  });

  it('publishes a JSON body with String attributes subscribers can filter on', () => {
    const transition = decideTransition({
      rule: overheating,
      subject: 'dev-1',
      status: {},
      verdict: breach,
      at: minute(3),
    });
    if (!transition) throw new Error('no transition');

    const message = alertMessageOf(transition);

    expect(JSON.parse(message.Message)).toMatchObject({
      rule: 'device-overheating',
      subject: 'dev-1',
      state: 'OPEN',
      value: 42,
      threshold: 35,
    });
    expect(message.MessageAttributes).toMatchObject({
      rule: { DataType: 'String', StringValue: 'device-overheating' },
      severity: { DataType: 'String', StringValue: 'critical' },
      subject: { DataType: 'String', StringValue: 'dev-1' },
      state: { DataType: 'String', StringValue: 'OPEN' },
    });
  });
});
