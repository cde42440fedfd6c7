import type { Reading, StatusChange, TelemetryEvent } from '../schemas/index.ts';
import { type EventIdMinter, uuidv7 } from './event-ids.ts';
import { SeededRandom } from './random.ts';
import { type EventSource, isoTime } from './source.ts';

export interface DeviceFleetOptions {
  readonly seed: number | string;
  /** Number of devices, named dev-0000, dev-0001, …; between 1 and 100000. @default 50 */
  readonly devices?: number;
  /** Mean time between two dropouts of one device. @default 1_200_000 (20 min) */
  readonly meanTimeBetweenDropoutsMs?: number;
  /** Mean time between two anomalies (temperature spikes) of one device. @default 3_600_000 (1 h) */
  readonly meanTimeBetweenAnomaliesMs?: number;
  /** Readings a silent device keeps for later; beyond it the oldest are overwritten, as in a ring buffer. @default 500 */
  readonly maxBufferedReadings?: number;
  /** Mints each event's id from its time; never from the seed, which shapes the traffic only. @default uuidv7 */
  readonly eventIds?: EventIdMinter;
}

interface Anomaly {
  readonly untilMs: number;
  readonly extraTemperature: number;
  readonly status: 'degraded' | 'fault';
}

interface Device {
  readonly deviceId: string;
  readonly firmware: string;
  readonly nominalTemperature: number;
  readonly nominalHumidity: number;
  readonly drainPerHour: number;
  temperature: number;
  humidity: number;
  battery: number;
  lastSampleMs: number | undefined;
  anomaly: Anomaly | undefined;
  /** While set, the device is silent and buffers its readings. */
  offlineUntilMs: number | undefined;
  readonly buffered: Reading[];
}

/** The id (thing name) of the simulated device number `index`: dev-0000, dev-0001, … */
export const simulatedDeviceId = (index: number): string => `dev-${index.toString().padStart(4, '0')}`;

const round2 = (value: number) => Math.round(value * 100) / 100;
const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

/**
 * Simulates a fleet of sensors sampled in turn. Each device drifts slowly around its own nominal
 * climate, drains its battery, has occasional temperature spikes (status degraded or fault), and
 * sometimes drops out: it goes silent, then reports offline→online and flushes the readings it
 * buffered with their original, older eventTime — late data, as real devices send it.
 * A device's sampling interval follows the caller's pace: N devices at R events/s sample every N/R s.
 */
export class DeviceFleetSimulator implements EventSource {
  private readonly random: SeededRandom;
  private readonly fleet: Device[];
  private readonly options: Required<Omit<DeviceFleetOptions, 'seed' | 'devices' | 'eventIds'>>;
  private readonly eventId: EventIdMinter;
  /** Events owed before any new sample: reconnect flushes. */
  private outbox: TelemetryEvent[] = [];
  private outboxHead = 0;
  private cursor = 0;

  constructor(options: DeviceFleetOptions) {
    const count = options.devices ?? 50;
    if (!Number.isInteger(count) || count < 1 || count > 100_000) {
      throw new RangeError(`devices must be an integer between 1 and 100000 inclusive (given ${count})`);
    }
    this.options = {
      meanTimeBetweenDropoutsMs: options.meanTimeBetweenDropoutsMs ?? 1_200_000,
      meanTimeBetweenAnomaliesMs: options.meanTimeBetweenAnomaliesMs ?? 3_600_000,
      maxBufferedReadings: options.maxBufferedReadings ?? 500,
    };
    this.eventId = options.eventIds ?? uuidv7;
    this.random = new SeededRandom(options.seed);
    const r = this.random;
    this.fleet = Array.from({ length: count }, (_, i) => {
      const nominalTemperature = r.gaussian(22, 3);
      const nominalHumidity = clamp(r.gaussian(45, 10), 10, 90);
      return {
        deviceId: simulatedDeviceId(i),
        firmware: r.pick(['1.4.2', '1.5.0', '2.0.1']),
        nominalTemperature,
        nominalHumidity,
        drainPerHour: 0.5 + r.float() * 1.5,
        temperature: nominalTemperature,
        humidity: nominalHumidity,
        // A few devices start nearly flat, so low-battery degradation shows up in short runs.
        battery: r.chance(0.1) ? 5 + r.float() * 10 : 40 + r.float() * 60,
        lastSampleMs: undefined,
        anomaly: undefined,
        offlineUntilMs: undefined,
        buffered: [],
      };
    });
  }

  next(nowMs: number): TelemetryEvent {
    const owed = this.takeOwed();
    if (owed) return owed;
    for (let tried = 0; tried < this.fleet.length; tried++) {
      const device = this.fleet[this.cursor] as Device;
      this.cursor = (this.cursor + 1) % this.fleet.length;
      const event = this.sample(device, nowMs);
      if (event) return event;
    }
    // Every device is silent: the one due back first returns early, since each call yields an event.
    const first = this.fleet.reduce((a, b) => ((a.offlineUntilMs ?? 0) <= (b.offlineUntilMs ?? 0) ? a : b));
    return this.reconnect(first, nowMs);
  }

  private takeOwed(): TelemetryEvent | undefined {
    const event = this.outbox[this.outboxHead];
    if (!event) return undefined;
    this.outboxHead++;
    if (this.outboxHead === this.outbox.length) {
      this.outbox = [];
      this.outboxHead = 0;
    }
    return event;
  }

  /** Takes one sample; returns what the device sends now, or nothing while it is silent. */
  private sample(device: Device, nowMs: number): TelemetryEvent | undefined {
    if (device.lastSampleMs === undefined) {
      device.lastSampleMs = nowMs;
      return this.statusChange(device, nowMs); // boot announcement
    }
    const elapsedMs = Math.max(nowMs - device.lastSampleMs, 0);
    device.lastSampleMs = nowMs;
    const reading = this.measure(device, elapsedMs, nowMs);
    if (device.offlineUntilMs !== undefined) {
      this.buffer(device, reading);
      return nowMs >= device.offlineUntilMs ? this.reconnect(device, nowMs) : undefined;
    }
    if (this.random.chance(1 - Math.exp(-elapsedMs / this.options.meanTimeBetweenDropoutsMs))) {
      const silentMs = clamp(this.random.logNormal(45_000, 0.7), 10_000, 600_000);
      device.offlineUntilMs = nowMs + Math.round(silentMs);
      this.buffer(device, reading);
      return undefined;
    }
    return reading;
  }

  private buffer(device: Device, reading: Reading): void {
    device.buffered.push(reading);
    if (device.buffered.length > this.options.maxBufferedReadings) device.buffered.shift();
  }

  private reconnect(device: Device, nowMs: number): StatusChange {
    device.offlineUntilMs = undefined;
    this.outbox.push(...device.buffered.splice(0));
    return this.statusChange(device, nowMs);
  }

  private measure(device: Device, elapsedMs: number, nowMs: number): Reading {
    const r = this.random;
    const seconds = elapsedMs / 1000;
    // Ornstein–Uhlenbeck drift: wanders slowly, pulled back to the device's nominal within ~1 h.
    const pull = Math.min(seconds / 3600, 1);
    device.temperature +=
      (device.nominalTemperature - device.temperature) * pull + r.gaussian(0, 0.02 * Math.sqrt(seconds));
    device.humidity +=
      (device.nominalHumidity - device.humidity) * pull + r.gaussian(0, 0.05 * Math.sqrt(seconds));
    device.battery = Math.max(device.battery - (device.drainPerHour * seconds) / 3600, 0);

    if (device.anomaly && nowMs >= device.anomaly.untilMs) device.anomaly = undefined;
    if (!device.anomaly && r.chance(1 - Math.exp(-elapsedMs / this.options.meanTimeBetweenAnomaliesMs))) {
      const extraTemperature = Math.max(r.gaussian(15, 6), 5);
      device.anomaly = {
        untilMs: nowMs + r.int(120_000, 600_000),
        extraTemperature,
        status: extraTemperature > 22 ? 'fault' : 'degraded',
      };
    }
    const status = device.anomaly?.status ?? (device.battery < 10 ? 'degraded' : 'ok');
    return {
      schema: 'telemetry.reading',
      version: 1,
      eventId: this.eventId(nowMs),
      eventTime: isoTime(nowMs),
      deviceId: device.deviceId,
      temperature: round2(
        clamp(device.temperature + (device.anomaly?.extraTemperature ?? 0) + r.gaussian(0, 0.3), -100, 200),
      ),
      humidity: round2(clamp(device.humidity + r.gaussian(0, 1), 0, 100)),
      battery: round2(device.battery),
      status,
    };
  }

  private statusChange(device: Device, nowMs: number): StatusChange {
    return {
      schema: 'telemetry.status_change',
      version: 1,
      eventId: this.eventId(nowMs),
      eventTime: isoTime(nowMs),
      deviceId: device.deviceId,
      from: 'offline',
      to: 'online',
      firmware: device.firmware,
    };
  }
}
