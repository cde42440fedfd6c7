import { randomUUID } from 'node:crypto';
import type { StreamlakeEvent } from '../../../schemas/index.ts';
import { expectedRollups, type RollupValues } from './expected-rollups.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** The rollups' minute key: `2026-11-22T05:06Z`. */
export const isoMinute = (ms: number) => `${iso(Math.floor(ms / MINUTE_MS) * MINUTE_MS).slice(0, 16)}Z`;

export const pageView = (page: string, atMs: number, sessionId: string): StreamlakeEvent => ({
  eventId: randomUUID(),
  eventTime: iso(atMs),
  schema: 'clickstream.page_view',
  version: 1,
  sessionId,
  page,
});

export const purchase = (
  atMs: number,
  sessionId: string,
  order: { revenue: number; items: number },
): StreamlakeEvent => ({
  eventId: randomUUID(),
  eventTime: iso(atMs),
  schema: 'clickstream.purchase',
  version: 1,
  sessionId,
  orderId: `o-${randomUUID().slice(0, 8)}`,
  items: order.items,
  revenue: order.revenue,
  currency: 'EUR',
});

export interface Reading {
  readonly temperature: number;
  readonly humidity: number;
  readonly battery: number;
}

export const reading = (deviceId: string, atMs: number, values: Reading): StreamlakeEvent => ({
  eventId: randomUUID(),
  eventTime: iso(atMs),
  schema: 'telemetry.reading',
  version: 1,
  deviceId,
  ...values,
  status: 'ok',
});

const combine = (attribute: string, current: number | undefined, value: number) => {
  if (current === undefined) return value;
  if (attribute.endsWith('_min')) return Math.min(current, value);
  if (attribute.endsWith('_max')) return Math.max(current, value);
  return current + value;
};

/**
 * Hourly (`H#2026-11-22T05`) and daily (`D#2026-11-22`) rollups, naively: the ground-truth minute
 * recount, then counts and sums added per period, min and max taken per period. Keys as `<pk> <sk>`.
 */
export const expectedDerivedRollups = (events: readonly StreamlakeEvent[]): Map<string, RollupValues> => {
  const derived = new Map<string, RollupValues>();
  for (const [key, minute] of expectedRollups(events)) {
    const split = key.lastIndexOf(' ');
    const pk = key.slice(0, split);
    const sk = key.slice(split + 1);
    for (const period of [`H#${sk.slice(0, 13)}`, `D#${sk.slice(0, 10)}`]) {
      const values = derived.get(`${pk} ${period}`) ?? {};
      for (const [attribute, value] of Object.entries(minute)) {
        values[attribute] = combine(attribute, values[attribute], value);
      }
      derived.set(`${pk} ${period}`, values);
    }
  }
  return derived;
};

/** A derived table's items as `<pk> <sk>` → numeric measures (marks are strings; `expiresAt` is left out). */
export const derivedValuesOf = (items: readonly Record<string, unknown>[]): Map<string, RollupValues> => {
  const values = new Map<string, RollupValues>();
  for (const item of items) {
    const measures: RollupValues = {};
    for (const [name, value] of Object.entries(item)) {
      if (typeof value === 'number' && name !== 'expiresAt') measures[name] = value;
    }
    values.set(`${String(item.pk)} ${String(item.sk)}`, measures);
  }
  return values;
};

export interface ExpectedDeviceState {
  readonly deviceId: string;
  readonly lastMinute: string;
  readonly lastReadings: number;
  readonly lastSeen: string;
  readonly avgTemperature: number;
  readonly maxTemperature: number;
  readonly avgHumidity: number;
  readonly minBattery: number;
}

/** Per device, its latest event-time minute, recounted naively from the events. */
export const expectedDeviceStates = (
  events: readonly StreamlakeEvent[],
): Map<string, ExpectedDeviceState> => {
  const states = new Map<string, ExpectedDeviceState>();
  for (const [key, minute] of expectedRollups(events)) {
    if (!key.startsWith('device_readings#')) continue;
    const split = key.lastIndexOf(' ');
    const deviceId = key.slice('device_readings#'.length, split);
    const lastMinute = key.slice(split + 1);
    const known = states.get(deviceId);
    if (known && known.lastMinute > lastMinute) continue;
    const count = minute.count ?? 0;
    states.set(deviceId, {
      deviceId,
      lastMinute,
      lastReadings: count,
      lastSeen: iso(Date.parse(lastMinute) + MINUTE_MS),
      avgTemperature: (minute.temperature_sum ?? 0) / count,
      maxTemperature: minute.temperature_max ?? Number.NaN,
      avgHumidity: (minute.humidity_sum ?? 0) / count,
      minBattery: minute.battery_min ?? Number.NaN,
    });
  }
  return states;
};
