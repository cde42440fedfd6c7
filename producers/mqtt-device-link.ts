import type { MqttClient, Packet } from 'mqtt';
import type { DeviceCredentials } from '../infra/local/iot/local-iot.ts';
import type { DeviceTally } from './device-figures.ts';
import type { DeviceConnector } from './mqtt-connect.ts';
import type { MessageBatching } from './mqtt-device-batch.ts';
import { type DeviceMessage, DeviceQueue } from './mqtt-device-queue.ts';
import { WakeUp } from './mqtt-device-wake-up.ts';
import { type ReconnectPolicy, RefusalWatch, reconnectDelayMs, refusalOf } from './mqtt-session.ts';
import type { QueuedRecord } from './write-lanes.ts';

/** How every device link of a writer behaves. */
export interface DeviceLinkSettings {
  /** Events a device keeps waiting for a message, beyond which the oldest is dropped. */
  readonly maxBuffered: number;
  /** Messages published and not yet acknowledged. */
  readonly maxInFlight: number;
  readonly reconnect: ReconnectPolicy;
  readonly refusalStrikes: number;
  readonly connectTimeoutMs: number;
  readonly keepaliveSeconds: number;
  readonly random: () => number;
  readonly batching: MessageBatching;
}

/** What a link needs from its writer. */
export interface DeviceLinkContext {
  readonly credentials: (deviceId: string) => Promise<DeviceCredentials>;
  readonly connect: DeviceConnector;
  readonly tally: DeviceTally;
  readonly settings: DeviceLinkSettings;
  /** Milliseconds, for how long events have waited for their message. */
  readonly now: () => number;
  /** While the writer flushes, partial messages go at once. */
  readonly flushing: () => boolean;
}

type LinkState = 'registering' | 'connecting' | 'online' | 'offline' | 'refused' | 'closed';

/** Why a link sends nothing more: later messages of the device are settled unsent with it at once. */
interface Ending {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One device's connection: its own MQTT client, its events packed into messages (`batching`), published in the
 * order written with QoS 1 and at most `maxInFlight` unacknowledged, every event of a message accepted on its
 * PUBACK. While the device cannot publish (registering, connecting, offline) its events wait in a buffer of
 * `maxBuffered`, the oldest dropped when full. A lost connection is retried with a growing delay, mqtt.js
 * resending the unacknowledged messages first, in order, each as it was; a refusal settles every event of the
 * device unsent.
 */
export class DeviceLink<R extends { readonly data: Uint8Array }> {
  private state: LinkState = 'registering';
  private readonly queue: DeviceQueue<R>;
  private readonly watch: RefusalWatch;
  private client: MqttClient | undefined;
  private topic = '';
  private endpoint = '(not yet known)';
  private everConnected = false;
  private counted = false;
  private reconnectAttempt = 0;
  private lastError = 'none';
  /** Set once the writer stops waiting for this device: the next lost connection ends it. */
  private giveUpWhenOffline = false;
  private ending: Ending | undefined;
  /** A pump is queued for after the current write, so the events of one write share messages. */
  private pumpQueued = false;
  /** Pumps when the waiting events' message falls due by their delay. */
  private readonly wakeUp = new WakeUp(() => this.pump());

  constructor(
    readonly deviceId: string,
    private readonly context: DeviceLinkContext,
  ) {
    this.watch = new RefusalWatch(context.settings.refusalStrikes);
    const { maxBuffered, maxInFlight, batching } = context.settings;
    this.queue = new DeviceQueue(maxBuffered, maxInFlight, batching);
    context.tally.devices++;
    // Through a promise even if `credentials` throws at once: a failure refuses the device, never write().
    Promise.resolve(deviceId)
      .then(context.credentials)
      .then(
        (credentials) => this.open(credentials),
        (error: unknown) =>
          this.refuse('DeviceCredentials', `device ${deviceId} has no credentials: ${messageOf(error)}`),
      );
  }

  get pending(): number {
    return this.queue.pending;
  }

  enqueue(entry: QueuedRecord<R>): void {
    const { ending } = this;
    if (ending) {
      if (this.state === 'refused') this.context.tally.refused++;
      entry.settle(this.unsentOutcome(entry, ending));
      return;
    }
    const dropped = this.queue.push(entry, this.context.now());
    if (dropped) this.drop(dropped);
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Publishes what is due now; while the writer flushes, that is every waiting event the window has room for. */
  pump(): void {
    const { client } = this;
    if (this.state !== 'online' || !client) return;
    const nowMs = this.context.now();
    const flushing = this.context.flushing();
    for (let message = this.queue.nextMessage(nowMs, flushing); message; ) {
      const published = message;
      client.publish(this.topic, message.payload, { qos: 1 }, (error) => this.acked(published, error));
      message = this.queue.nextMessage(nowMs, flushing);
    }
    this.wakeUp.set(nowMs, this.queue.dueInMs(nowMs));
  }

  /** Resolves once every message given so far has an outcome. */
  whenSettled(): Promise<void> {
    return this.queue.whenEmpty();
  }

  /**
   * Stops waiting for a device that cannot publish: offline now, it gives up at once; online, at its next lost
   * connection. What it gives up is unsent, DeviceOffline.
   */
  stopWaiting(): void {
    this.giveUpWhenOffline = true;
    if (this.state !== 'online') this.giveUp();
  }

  /** Ends the connection, politely when there is one; anything still pending is unsent. */
  async close(): Promise<void> {
    // mqtt.js's polite end waits for every PUBACK: only when none is owed.
    const polite = this.state === 'online' && this.queue.unacknowledged === 0;
    if (!this.ending)
      this.end('closed', {
        code: 'WriterClosed',
        message: `the writer was closed before device ${this.deviceId} sent it`,
        retryable: true,
      });
    // DISCONNECT when connected, so the broker sees a device that left rather than one that vanished.
    await this.client?.endAsync(!polite).catch(() => undefined);
  }

  private open(credentials: DeviceCredentials): void {
    if (this.state !== 'registering') return;
    this.topic = credentials.topic;
    this.endpoint = credentials.endpoint;
    const { settings } = this.context;
    let client: MqttClient;
    try {
      client = this.context.connect(credentials, {
        reconnectPeriodMs: settings.reconnect.baseDelayMs,
        connectTimeoutMs: settings.connectTimeoutMs,
        keepaliveSeconds: settings.keepaliveSeconds,
      });
    } catch (error) {
      this.refuse('DeviceCredentials', messageOf(error));
      return;
    }
    this.client = client;
    this.state = 'connecting';
    this.watch.attempt();
    client.on('packetreceive', (packet: Packet) => {
      if (packet.cmd === 'connack' && (packet.returnCode ?? packet.reasonCode ?? 0) === 0) this.accepted();
    });
    client.on('connect', () => this.connected(client));
    client.on('close', () => this.lost());
    client.on('error', (error: Error) => this.failed(error));
    client.on('reconnect', () => {
      this.reconnectAttempt++;
      this.watch.attempt();
      // Read by mqtt.js when this attempt fails: each failure waits longer, up to the cap.
      client.options.reconnectPeriod = reconnectDelayMs(
        this.reconnectAttempt + 1,
        settings.reconnect,
        settings.random,
      );
    });
  }

  /** Emitted by mqtt.js once it has resent what the last connection left unacknowledged. */
  private connected(client: MqttClient): void {
    if (this.ending) return;
    this.state = 'online';
    if (this.everConnected) this.context.tally.reconnects++;
    this.everConnected = true;
    if (!this.counted) this.context.tally.connected++;
    this.counted = true;
    this.reconnectAttempt = 0;
    client.options.reconnectPeriod = this.context.settings.reconnect.baseDelayMs;
    this.pump();
  }

  private lost(): void {
    if (this.ending) return;
    if (this.counted) this.context.tally.connected--;
    this.counted = false;
    this.state = 'offline';
    const refusal = this.watch.closed(this.queue.unacknowledged);
    if (refusal === 'connection') {
      this.refuse(
        'DeviceRefused',
        `the broker at ${this.endpoint} closed device ${this.deviceId}'s connection before accepting it, ${this.context.settings.refusalStrikes} times in a row (last error: ${this.lastError}): check that its certificate is active, signed by the CA the broker trusts, and attached to thing ${this.deviceId}`,
      );
      return;
    }
    if (refusal === 'publish') {
      this.refuse(
        'PublishRefused',
        `the broker at ${this.endpoint} closed device ${this.deviceId}'s connection right after it published to ${this.topic}, ${this.context.settings.refusalStrikes} times in a row, acknowledging nothing: its policy does not seem to allow that topic`,
      );
      return;
    }
    if (this.giveUpWhenOffline) this.giveUp();
  }

  /** The broker accepted a connection: mqtt.js now resends what the last one left unacknowledged, in order. */
  private accepted(): void {
    this.watch.connack();
    const resent = this.queue.resendAll();
    this.context.tally.resent += resent.messages;
    this.context.tally.resentEvents += resent.events;
  }

  private failed(error: Error): void {
    this.lastError = error.message;
    if (this.ending) return;
    const refusal = refusalOf(error);
    if (refusal) {
      this.refuse(
        'DeviceRefused',
        `the broker at ${this.endpoint} refused device ${this.deviceId} (${refusal}): check its certificate, that the broker's CA is the one it trusts, and that the policy lets client id ${this.deviceId} connect`,
      );
      return;
    }
    this.watch.failedOnNetwork();
  }

  /** A message's PUBACK (or its failure): every event it carries gets the same outcome. */
  private acked(message: DeviceMessage<R>, error: Error | undefined): void {
    if (!this.queue.acknowledge(message)) return; // given up on already
    if (error) {
      const failure = {
        code: 'PublishFailed',
        message: `device ${this.deviceId}: ${error.message}`,
        retryable: true,
      };
      for (const entry of message.entries) entry.settle(this.unsentOutcome(entry, failure));
    } else {
      this.watch.ack();
      this.context.tally.published++;
      this.context.tally.publishedEvents += message.entries.length;
      for (const entry of message.entries) {
        entry.settle({ status: 'accepted', record: entry.record, attempts: entry.attempts });
      }
    }
    this.pump();
    this.queue.notifyIfEmpty();
  }

  private drop(dropped: QueuedRecord<R>): void {
    this.context.tally.dropped++;
    const { maxBuffered } = this.context.settings;
    dropped.settle(
      this.unsentOutcome(dropped, {
        code: 'DeviceBufferFull',
        message: `device ${this.deviceId} could not publish (last error: ${this.lastError}) and its buffer of ${maxBuffered} events was full: the oldest was dropped`,
        retryable: true,
      }),
    );
  }

  private refuse(code: string, message: string): void {
    if (this.ending) return;
    this.context.tally.refusedDevices++;
    this.context.tally.refused += this.pending;
    this.end('refused', { code, message, retryable: false });
    // Without waiting: mqtt.js would otherwise resend what was just settled, and reconnect.
    this.client?.end(true);
  }

  private giveUp(): void {
    if (this.ending) return;
    const message = `device ${this.deviceId} could not reach ${this.endpoint} before the writer stopped waiting (last error: ${this.lastError})`;
    this.end('closed', { code: 'DeviceOffline', message, retryable: true });
    this.client?.end(true);
  }

  /** Settles everything pending with `ending`, and whatever the device is given later. */
  private end(state: 'refused' | 'closed', ending: Ending): void {
    this.ending = ending;
    this.wakeUp.stop();
    if (this.counted) this.context.tally.connected--;
    this.counted = false;
    this.state = state;
    for (const entry of this.queue.takeAll()) entry.settle(this.unsentOutcome(entry, ending));
    this.queue.notifyIfEmpty();
  }

  private unsentOutcome(entry: QueuedRecord<R>, ending: Ending) {
    return {
      status: 'unsent' as const,
      record: entry.record,
      errorCode: ending.code,
      errorMessage: ending.message,
      attempts: entry.attempts,
      retryable: ending.retryable,
    };
  }
}
