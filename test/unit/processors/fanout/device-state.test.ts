import { describe, expect, it } from 'vitest';
import { deviceSilentRule } from '../../../../processors/fanout/alert-rules.ts';
import type { MinuteChange } from '../../../../processors/fanout/delta.ts';
import {
  buildDeviceStateUpdate,
  fleetPartitionOf,
  healthOf,
  latestDeviceMinutes,
} from '../../../../processors/fanout/device-state.ts';
import { silenceVerdict, silentDevicesOf } from '../../../../processors/fanout/silent-devices.ts';
import { ROLLUPS } from '../../../../processors/rollups/rollups.ts';

const reading = (
  deviceId: string,
  minute: string,
  count: number,
  battery = 50,
  temperature = 22,
): MinuteChange => ({
  sequenceNumber: `${count}`,
  rollup: ROLLUPS.find((r) => r.name === 'device_readings') as MinuteChange['rollup'],
  pk: `device_readings#${deviceId}`,
  minute,
  windowStartMs: Date.parse(minute),
  dimensions: { deviceId },
  delta: {},
  latest: {
    count,
    temperature_sum: temperature * count,
    temperature_max: temperature + 1,
    battery_min: battery,
  },
});

describe('device state', () => {
  it('keeps, per device, the newest minute and of it the fullest image', () => {
    const minutes = latestDeviceMinutes([
      reading('dev-1', '2026-11-22T05:07Z', 3),
      reading('dev-1', '2026-11-22T05:06Z', 9),
      reading('dev-1', '2026-11-22T05:07Z', 5),
      reading('dev-2', '2026-11-22T05:01Z', 1),
    ]);

    expect(minutes.map((m) => [m.deviceId, m.minute, m.readings])).toEqual([
      ['dev-1', '2026-11-22T05:07Z', 5],
      ['dev-2', '2026-11-22T05:01Z', 1],
    ]);
    expect(minutes[0]?.avgTemperature).toBe(22);
  });

  it.each([
    [50, 22, 'ok'],
    [15, 22, 'degraded'],
    [50, 40, 'degraded'],
    [5, 22, 'critical'],
    [50, 50, 'critical'],
  ] as const)('battery %d %% at %d °C is %s', (battery, temperature, health) => {
    const [minute] = latestDeviceMinutes([reading('dev-1', '2026-11-22T05:07Z', 2, battery, temperature)]);
    if (!minute) throw new Error('no minute');

    expect(healthOf(minute)).toBe(health);
  });

  it('never lets an older minute or a thinner image overwrite the stored state', () => {
    const [minute] = latestDeviceMinutes([reading('dev-1', '2026-11-22T05:07Z', 2)]);
    if (!minute) throw new Error('no minute');

    const update = buildDeviceStateUpdate('DeviceState', minute);

    expect(update.ConditionExpression).toBe(
      'attribute_not_exists(#minute) OR #minute < :minute OR (#minute = :minute AND #readings <= :readings)',
    );
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':minute': '2026-11-22T05:07Z',
      ':lastSeen': '2026-11-22T05:08:00.000Z',
      ':health': 'ok',
      ':fleet': fleetPartitionOf('dev-1'),
    });
  });

  it('spreads devices over the fleet partitions stably', () => {
    expect(fleetPartitionOf('dev-0001')).toBe(fleetPartitionOf('dev-0001'));
    expect(fleetPartitionOf('dev-0001')).toMatch(/^fleet#[0-3]$/);
  });
});

describe('silent devices', () => {
  const rule = deviceSilentRule(5);
  const now = new Date('2026-11-22T05:20:00.000Z');

  it('are those not seen for the rule’s minutes', () => {
    const silent = silentDevicesOf(
      [
        { deviceId: 'quiet', lastSeen: '2026-11-22T05:10:00.000Z' },
        { deviceId: 'edge', lastSeen: '2026-11-22T05:15:00.000Z' },
        { deviceId: 'chatty', lastSeen: '2026-11-22T05:19:00.000Z' },
      ],
      now,
      rule,
    );

    expect(silent).toEqual([{ deviceId: 'quiet', lastSeen: '2026-11-22T05:10:00.000Z', silentMinutes: 10 }]);
  });

  it('breach the silence rule with how long they have been silent', () => {
    expect(silenceVerdict(rule, { deviceId: 'quiet', lastSeen: '2026-11-22T05:10:00.000Z' }, now)).toEqual({
      kind: 'breach',
      value: 10,
      threshold: 5,
      window: '2026-11-22T05:10:00.000Z',
    });
  });
});
