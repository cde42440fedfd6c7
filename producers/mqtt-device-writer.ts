import { IOT_MAX_PAYLOAD_BYTES } from '../infra/constructs/device-edge/iot-limits.ts';
import type { DeviceCredentials } from '../infra/local/iot/local-iot.ts';
import type { SizedRecord } from './batching.ts';
import { type DeviceFigures, DeviceTally } from './device-figures.ts';
import { connectOverTls, type DeviceConnector } from './mqtt-connect.ts';
import { messageBatchingOf, messageBytes, tooLargeAlone } from './mqtt-device-batch.ts';
import { DeviceLink, type DeviceLinkSettings } from './mqtt-device-link.ts';
import { DEFAULT_RECONNECT, type ReconnectPolicy } from './mqtt-session.ts';
import type { QueuedRecord } from './write-lanes.ts';
import type { RecordOutcome, RecordWriter, UnsentRecord, WriterCounters } from './write-outcome.ts';

export interface MqttDeviceWriterOptions<R> {
  /** Each device's certificate, key, CA, endpoint and topic; asked once per device, on its first message. */
  readonly credentials: (deviceId: string) => Promise<DeviceCredentials>;
  /** The device (thing name, client id) that sends `record`. @default its partition key */
  readonly deviceOf?: (record: R) => string;
  /**
   * Events per message, 1 to 500 (a batch record's most): a message goes once it holds this many. 1 publishes
   * each event bare, as before batches; more publish `{"events":[…]}`, even when a message holds one.
   * @default 500, so maxMessageBytes decides
   */
  readonly eventsPerMessage?: number;
  /**
   * Payload bytes a message grows to at most, 1 to 131072 (IoT Core's limit); an event larger on its own goes
   * alone. @default 4608: one 5 KB IoT Core billing unit less the topic and the rule's edge (20 readings)
   */
  readonly maxMessageBytes?: number;
  /**
   * How long a device's oldest waiting event waits for its message to fill, 0 to 300000 (the silent-device check
   * would take a longer wait for silence); flush() sends partial messages at once. @default 2000
   */
  readonly maxDelayMs?: number;
  /** Events a device keeps while it cannot publish, 1 to 1000000; beyond, the oldest is dropped. @default 1000 */
  readonly maxBufferedPerDevice?: number;
  /** Unacknowledged QoS 1 messages per device, 1 to 100 (AWS IoT Core's limit per connection). @default 20 */
  readonly maxInFlightPerDevice?: number;
  readonly reconnect?: Partial<ReconnectPolicy>;
  /** Sessions in a row that end the way a silent refusal does before a device counts as refused, 1 to 10. @default 3 */
  readonly refusalStrikes?: number;
  /** How long flush() waits for devices that cannot publish before it gives their messages up. @default 30000 */
  readonly flushTimeoutMs?: number;
  /** A connection not acknowledged by then is retried. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** MQTT keep-alive, 30 to 1200 (AWS IoT Core's range). @default 60 */
  readonly keepaliveSeconds?: number;
  /** @default connectOverTls: mqtts with the device's own certificate */
  readonly connect?: DeviceConnector;
  /** Source of jitter, [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Milliseconds, for how long events wait for their message. @default performance.now */
  readonly now?: () => number;
}

/** AWS IoT Core's largest message payload; the local broker keeps to it too. */
export const MAX_DEVICE_MESSAGE_BYTES = IOT_MAX_PAYLOAD_BYTES;

/**
 * Error codes that condemn one device, not the whole run: the broker refused its certificate, client id or
 * topic, or it has no credentials. Its later messages are unsent at once; the other devices go on.
 */
const DEVICE_FAULTS = new Set(['DeviceRefused', 'PublishRefused', 'DeviceCredentials']);

export const isDeviceFault = (outcome: UnsentRecord<unknown>): boolean =>
  DEVICE_FAULTS.has(outcome.errorCode);

const checkInteger = (name: string, value: number, min: number, max: number) => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer between ${min} and ${max} inclusive (given ${value})`);
  }
};

const settingsOf = <R>(options: MqttDeviceWriterOptions<R>): DeviceLinkSettings => {
  const settings = {
    maxBuffered: options.maxBufferedPerDevice ?? 1000,
    maxInFlight: options.maxInFlightPerDevice ?? 20,
    reconnect: { ...DEFAULT_RECONNECT, ...options.reconnect },
    refusalStrikes: options.refusalStrikes ?? 3,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    keepaliveSeconds: options.keepaliveSeconds ?? 60,
    random: options.random ?? Math.random,
    batching: messageBatchingOf(options),
  };
  checkInteger('maxBufferedPerDevice', settings.maxBuffered, 1, 1_000_000);
  checkInteger('maxInFlightPerDevice', settings.maxInFlight, 1, 100);
  checkInteger('reconnect.baseDelayMs', settings.reconnect.baseDelayMs, 1, 600_000);
  checkInteger(
    'reconnect.maxDelayMs',
    settings.reconnect.maxDelayMs,
    settings.reconnect.baseDelayMs,
    600_000,
  );
  checkInteger('connectTimeoutMs', settings.connectTimeoutMs, 1, 600_000);
  checkInteger('keepaliveSeconds', settings.keepaliveSeconds, 30, 1200);
  return settings;
};

/**
 * Writes records over MQTT, each from its own device as the device itself would: one client per device (the
 * device's certificate, client id = thing name), its events packed into messages as the tracker packs requests
 * (up to `eventsPerMessage` events or `maxMessageBytes` bytes, or what waited `maxDelayMs`), QoS 1 to the
 * device's topic, every record of a message accepted on its PUBACK — or unsent together. See DeviceLink for
 * order, buffering, reconnection and refusals.
 *
 * QoS 1 is at least once: a message whose PUBACK was lost with its connection is resent whole and may reach the
 * stream twice with the same eventIds; the consumers count an eventId once.
 */
export class MqttDeviceWriter<R extends SizedRecord = SizedRecord> implements RecordWriter<R> {
  private readonly links = new Map<string, DeviceLink<R>>();
  private readonly tally = new DeviceTally();
  private readonly settings: DeviceLinkSettings;
  private readonly deviceOf: (record: R) => string;
  private readonly connect: DeviceConnector;
  private readonly flushTimeoutMs: number;
  private readonly now: () => number;
  private sent = 0;
  private failed = 0;
  private queued = 0;
  /** flush() calls under way: while any is, devices send partial messages at once. */
  private flushing = 0;
  private closed = false;

  constructor(private readonly options: MqttDeviceWriterOptions<R>) {
    this.settings = settingsOf(options);
    this.flushTimeoutMs = options.flushTimeoutMs ?? 30_000;
    checkInteger('flushTimeoutMs', this.flushTimeoutMs, 0, 3_600_000);
    this.deviceOf = options.deviceOf ?? ((record) => record.partitionKey);
    this.connect = options.connect ?? connectOverTls;
    this.now = options.now ?? (() => performance.now());
  }

  get counters(): WriterCounters {
    return { sent: this.sent, failed: this.failed, retried: this.tally.resentEvents };
  }

  get pending(): number {
    return this.queued;
  }

  /** Connections, acknowledged and resent messages and their events, dropped and refused events so far. */
  get figures(): DeviceFigures {
    return this.tally.figures();
  }

  write(records: readonly R[]): Promise<RecordOutcome<R>[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const outcomes: RecordOutcome<R>[] = new Array(records.length);
      let remaining = records.length;
      this.queued += records.length;
      records.forEach((record, index) => {
        let settled = false;
        const entry: QueuedRecord<R> = {
          record,
          attempts: 0,
          settle: (outcome) => {
            if (settled) return;
            settled = true;
            if (outcome.status === 'accepted') this.sent++;
            else this.failed++;
            this.queued--;
            outcomes[index] = outcome;
            if (--remaining === 0) resolve(outcomes);
          },
        };
        if (tooLargeAlone(this.settings.batching, record.data.byteLength)) {
          entry.settle(this.tooLarge(record));
          return;
        }
        if (this.closed) {
          entry.settle(this.closedOutcome(record));
          return;
        }
        this.linkOf(this.deviceOf(record)).enqueue(entry);
      });
    });
  }

  /**
   * Resolves once every record written so far has an outcome: partial messages go at once. Devices that cannot
   * publish are waited for `flushTimeoutMs`, then given up (unsent, DeviceOffline); a device still connected is
   * waited for until it has its PUBACKs or loses its connection.
   */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      await this.settleAll();
    } finally {
      this.flushing--;
    }
  }

  private async settleAll(): Promise<void> {
    const links = [...this.links.values()];
    for (const link of links) link.pump();
    const settled = Promise.all(links.map((link) => link.whenSettled()));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), this.flushTimeoutMs);
    });
    try {
      if ((await Promise.race([settled, deadline])) === 'deadline') {
        for (const link of links) link.stopWaiting();
        await settled;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Flushes, then disconnects every device. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await Promise.all([...this.links.values()].map((link) => link.close()));
  }

  private linkOf(deviceId: string): DeviceLink<R> {
    let link = this.links.get(deviceId);
    if (!link) {
      link = new DeviceLink<R>(deviceId, {
        credentials: this.options.credentials,
        connect: this.connect,
        tally: this.tally,
        settings: this.settings,
        now: this.now,
        flushing: () => this.flushing > 0,
      });
      this.links.set(deviceId, link);
    }
    return link;
  }

  private closedOutcome(record: R): UnsentRecord<R> {
    return {
      status: 'unsent',
      record,
      errorCode: 'WriterClosed',
      errorMessage: `the device writer was closed before device ${this.deviceOf(record)} sent this`,
      attempts: 0,
      retryable: true,
    };
  }

  private tooLarge(record: R): UnsentRecord<R> {
    return {
      status: 'unsent',
      record,
      errorCode: 'RecordTooLarge',
      errorMessage: `the message of device ${this.deviceOf(record)} holding this event alone is ${messageBytes(this.settings.batching, 1, record.data.byteLength)} bytes, over the ${MAX_DEVICE_MESSAGE_BYTES} bytes AWS IoT Core takes: send smaller events`,
      attempts: 0,
      retryable: false,
    };
  }
}
