import { describe, expect, it, vi } from 'vitest';
import type { SilentCheckConfig } from '../../../../processors/fanout/config.ts';
import { fleetPartitionOf } from '../../../../processors/fanout/device-state.ts';
import { createSilentDeviceCheck } from '../../../../processors/fanout/silent-device-check.ts';
import { FakeSNS } from '../../support/fake-sns.ts';
import { FakeDynamoDB } from '../../support/fake-table.ts';
import { invokePrinting, type PrintedLine, printedBy } from '../../support/processor-telemetry.ts';

// Before the telemetry module builds its logger and metrics: POWERTOOLS_DEV would change what they print.
vi.hoisted(() => {
  Reflect.deleteProperty(process.env, 'POWERTOOLS_DEV');
  Reflect.deleteProperty(process.env, 'POWERTOOLS_METRICS_DISABLED');
});

const NOW = new Date('2026-11-22T06:00:00.000Z');
const config: SilentCheckConfig = {
  deviceStateTable: 'DeviceState',
  alertStateTable: 'AlertState',
  alertsTopicArn: 'arn:aws:sns:eu-west-1:000000000000:alerts',
  deviceSilentMinutes: 5,
};

/** A device state item as the fan-out leaves it: in its fleet partition of the silence index. */
const seen = (deviceId: string, lastSeen: string) => ({
  deviceId,
  lastSeen,
  fleet: fleetPartitionOf(deviceId),
  lastMinute: lastSeen.slice(0, 16),
});

interface Setup {
  readonly devices: readonly ReturnType<typeof seen>[];
  /** Fails the alert state write of this alert id. */
  readonly failAlert?: string;
  /** Runs before the device state is marked silent, as a fan-out writing concurrently would. */
  readonly beforeMark?: (db: FakeDynamoDB) => void;
}

/** The check on fake tables and a fake topic, at NOW. */
const checkOnFakes = ({ devices, failAlert, beforeMark }: Setup) => {
  const dynamodb: FakeDynamoDB = new FakeDynamoDB(
    { DeviceState: ['deviceId'], AlertState: ['alertId'] },
    (name, input) => {
      if (name !== 'UpdateCommand') return;
      const key = input.Key as Record<string, unknown>;
      if (input.TableName === 'AlertState' && key.alertId === failAlert) throw new Error('throttled');
      if (input.TableName === 'DeviceState') beforeMark?.(dynamodb);
    },
  );
  for (const device of devices) dynamodb.table('DeviceState').put(device);
  const sns = new FakeSNS();
  const check = createSilentDeviceCheck({
    config,
    dynamodb: dynamodb.client,
    sns: sns.client,
    now: () => NOW,
  });
  return { check, invoke: () => invokePrinting(check), dynamodb, sns };
};

const messages = (lines: readonly PrintedLine[], message: string) =>
  lines.filter((line) => line.message === message);

describe('silent-device check handler', () => {
  it('opens the alert of a device not seen for the silent minutes, then marks it silent', async () => {
    // Prepare
    const { invoke, dynamodb, sns } = checkOnFakes({
      devices: [seen('device-1', '2026-11-22T05:50:00.000Z'), seen('device-2', '2026-11-22T05:58:00.000Z')],
    });

    // Act
    const { result } = await invoke();

    // Assess
    expect(result).toEqual({ silent: 1, opened: 1, resolved: 0 });
    expect(dynamodb.table('AlertState').get({ alertId: 'device-silent#device-1' })).toMatchObject({
      state: 'OPEN',
    });
    expect(sns.published).toHaveLength(1);
    const marked = dynamodb.table('DeviceState').get({ deviceId: 'device-1' });
    expect(marked).toMatchObject({ silentSince: '2026-11-22T05:50:00.000Z' });
    expect(marked).not.toHaveProperty('fleet');
    expect(dynamodb.table('DeviceState').get({ deviceId: 'device-2' })).not.toHaveProperty('silentSince');
  });

  it('resolves the alert at once when the device was seen between the query and the mark', async () => {
    // Prepare
    const { invoke, dynamodb, sns } = checkOnFakes({
      devices: [seen('device-1', '2026-11-22T05:50:00.000Z')],
      beforeMark: (db) => db.table('DeviceState').put(seen('device-1', '2026-11-22T06:00:00.000Z')),
    });

    // Act
    const { result } = await invoke();

    // Assess
    expect(result).toEqual({ silent: 1, opened: 1, resolved: 1 });
    expect(dynamodb.table('AlertState').get({ alertId: 'device-silent#device-1' })).toMatchObject({
      state: 'RESOLVED',
    });
    expect(sns.published).toHaveLength(2);
    expect(dynamodb.table('DeviceState').get({ deviceId: 'device-1' })).not.toHaveProperty('silentSince');
  });

  it('handles every other device, then fails the run, when one device cannot be handled', async () => {
    // Prepare
    const { invoke, dynamodb } = checkOnFakes({
      devices: [seen('device-1', '2026-11-22T05:50:00.000Z'), seen('device-2', '2026-11-22T05:51:00.000Z')],
      failAlert: 'device-silent#device-1',
    });

    // Act
    const run = invoke();

    // Assess
    await expect(run).rejects.toThrow('silent-device check failed for 1 device(s); see the log');
    expect(dynamodb.table('AlertState').get({ alertId: 'device-silent#device-2' })).toMatchObject({
      state: 'OPEN',
    });
    expect(dynamodb.table('DeviceState').get({ deviceId: 'device-1' })).not.toHaveProperty('silentSince');
  });

  it('reports the device it could not handle in its log and the failure in its metrics', async () => {
    // Prepare
    const { check } = checkOnFakes({
      devices: [seen('device-1', '2026-11-22T05:50:00.000Z'), seen('device-2', '2026-11-22T05:51:00.000Z')],
      failAlert: 'device-silent#device-1',
    });

    // Act
    const lines = await printedBy(() => check().catch(() => undefined));

    // Assess
    expect(messages(lines, 'silent-device check failed for a device; the next run retries it')).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        deviceId: 'device-1',
        error: expect.objectContaining({ message: 'throttled' }),
      }),
    ]);
    expect(lines.find((line) => '_aws' in line)).toMatchObject({
      AlertsOpened: 1,
      AlertsResolved: 0,
      FanoutFailures: 1,
    });
    expect(messages(lines, 'silent devices checked')).toEqual([
      expect.objectContaining({ silent: 2, opened: 1, resolved: 0 }),
    ]);
  });
});
