import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { MinuteChange } from './delta.ts';

/** The minute rollup the device state is read from. */
export const DEVICE_ROLLUP = 'device_readings';

/**
 * Device state items spread over this many `fleet` partitions of the `BySilence` index, so the silent
 * check queries a few partitions instead of scanning, and no single index partition takes every write.
 */
export const FLEET_PARTITIONS = 4;

export type DeviceHealth = 'ok' | 'degraded' | 'critical';

/** Health from the latest minute: the first level whose limits the minute crosses. Declared, not coded. */
export const DEVICE_HEALTH: readonly {
  readonly health: Exclude<DeviceHealth, 'ok'>;
  readonly batteryBelow: number;
  readonly temperatureAbove: number;
}[] = [
  { health: 'critical', batteryBelow: 10, temperatureAbove: 45 },
  { health: 'degraded', batteryBelow: 20, temperatureAbove: 35 },
];

/** A device's latest minute, as the device state keeps it. */
export interface DeviceMinute {
  readonly deviceId: string;
  readonly minute: string;
  /** Readings in the minute so far; grows as the minute fills, so it orders images of one minute. */
  readonly readings: number;
  readonly avgTemperature?: number;
  readonly maxTemperature?: number;
  readonly avgHumidity?: number;
  readonly minBattery?: number;
  /** The stream record it came from: reported if its write fails. */
  readonly sequenceNumber: string;
}

const mean = (latest: Readonly<Record<string, number>>, field: string): number | undefined => {
  const sum = latest[`${field}_sum`];
  const count = latest.count;
  return sum === undefined || !count ? undefined : sum / count;
};

/** Per device, the newest minute the batch saw (and of that minute, the fullest image). */
export const latestDeviceMinutes = (changes: readonly MinuteChange[]): DeviceMinute[] => {
  const latest = new Map<string, DeviceMinute>();
  for (const change of changes) {
    if (change.rollup.name !== DEVICE_ROLLUP) continue;
    const deviceId = change.dimensions.deviceId;
    if (!deviceId) continue;
    const candidate: DeviceMinute = {
      deviceId,
      minute: change.minute,
      readings: change.latest.count ?? 0,
      avgTemperature: mean(change.latest, 'temperature'),
      maxTemperature: change.latest.temperature_max,
      avgHumidity: mean(change.latest, 'humidity'),
      minBattery: change.latest.battery_min,
      sequenceNumber: change.sequenceNumber,
    };
    const known = latest.get(deviceId);
    if (!known || isNewer(candidate, known)) latest.set(deviceId, candidate);
  }
  return [...latest.values()];
};

const isNewer = (a: DeviceMinute, b: DeviceMinute) =>
  a.minute > b.minute || (a.minute === b.minute && a.readings >= b.readings);

export const healthOf = (minute: DeviceMinute): DeviceHealth => {
  for (const level of DEVICE_HEALTH) {
    if (minute.minBattery !== undefined && minute.minBattery < level.batteryBelow) return level.health;
    if (minute.avgTemperature !== undefined && minute.avgTemperature > level.temperatureAbove) {
      return level.health;
    }
  }
  return 'ok';
};

/** End of the minute: the device was seen within it. */
export const windowEndOf = (minute: string): string => new Date(Date.parse(minute) + 60_000).toISOString();

/** `fleet#0` … `fleet#3`, a stable hash of the device id. */
export const fleetPartitionOf = (deviceId: string): string => {
  let hash = 0;
  for (let i = 0; i < deviceId.length; i++) hash = (hash * 31 + deviceId.charCodeAt(i)) >>> 0;
  return `fleet#${hash % FLEET_PARTITIONS}`;
};

/**
 * Last-writer-wins by (minute, readings): an older minute, or a thinner image of the same minute, never
 * overwrites a newer one, so re-delivery and out-of-order shards leave the newest state in place. Sets
 * `fleet` again, which puts a device the silent check took out of the index back into it.
 */
export const buildDeviceStateUpdate = (tableName: string, minute: DeviceMinute): UpdateCommandInput => {
  const stats: Record<string, number | undefined> = {
    avgTemperature: minute.avgTemperature,
    maxTemperature: minute.maxTemperature,
    avgHumidity: minute.avgHumidity,
    minBattery: minute.minBattery,
  };
  const names: Record<string, string> = {
    '#minute': 'lastMinute',
    '#readings': 'lastReadings',
    '#lastSeen': 'lastSeen',
    '#health': 'health',
    '#fleet': 'fleet',
  };
  const values: Record<string, unknown> = {
    ':minute': minute.minute,
    ':readings': minute.readings,
    ':lastSeen': windowEndOf(minute.minute),
    ':health': healthOf(minute),
    ':fleet': fleetPartitionOf(minute.deviceId),
  };
  const sets = Object.keys(names).map((placeholder) => `${placeholder} = :${placeholder.slice(1)}`);
  const removes: string[] = [];
  for (const [attribute, value] of Object.entries(stats)) {
    names[`#${attribute}`] = attribute;
    if (value === undefined) removes.push(`#${attribute}`);
    else {
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    }
  }
  return {
    TableName: tableName,
    Key: { deviceId: minute.deviceId },
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression:
      'attribute_not_exists(#minute) OR #minute < :minute OR (#minute = :minute AND #readings <= :readings)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_NEW',
  };
};
