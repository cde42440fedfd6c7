import { Duplex, duplexPair } from 'node:stream';
import { Aedes, type AuthenticateHandler, type AuthorizePublishHandler } from 'aedes';
import { MqttClient } from 'mqtt';
import { type DeviceCredentials, deviceTopic } from '../../../infra/local/iot/local-iot.ts';
import { type DeviceConnector, deviceClientOptions } from '../../../producers/mqtt-connect.ts';

/** A message the broker took, as its rule engine would see it. */
export interface BrokerMessage {
  readonly clientId: string;
  readonly topic: string;
  readonly payload: string;
}

/** A stream whose far end is gone: what a device sees while the broker is down. */
const refusedStream = (): Duplex => {
  const stream = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() });
  setImmediate(() =>
    stream.destroy(Object.assign(new Error('connect ECONNREFUSED (memory)'), { code: 'ECONNREFUSED' })),
  );
  return stream;
};

/**
 * An in-process aedes broker reached over in-memory streams, so device clients run their real MQTT code without
 * a socket (unit tests open none). stop() and start() model a broker restart: every connection drops, new ones
 * are refused until it is back.
 */
export class MemoryBroker {
  readonly messages: BrokerMessage[] = [];
  authenticate: AuthenticateHandler | undefined;
  authorizePublish: AuthorizePublishHandler | undefined;
  /** Connections the broker has accepted a CONNECT on, in total. */
  connections = 0;
  /** Connection attempts refused while the broker was stopped. */
  refusedAttempts = 0;
  private broker: Aedes | undefined;
  private readonly streams = new Set<Duplex>();

  static async started(): Promise<MemoryBroker> {
    const broker = new MemoryBroker();
    await broker.start();
    return broker;
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker();
    broker.authenticate = (client, username, password, done) =>
      this.authenticate ? this.authenticate(client, username, password, done) : done(null, true);
    broker.authorizePublish = (client, packet, done) =>
      this.authorizePublish ? this.authorizePublish(client, packet, done) : done(null);
    broker.on('client', () => this.connections++);
    broker.on('publish', (packet, client) => {
      if (client)
        this.messages.push({ clientId: client.id, topic: packet.topic, payload: packet.payload.toString() });
    });
    this.broker = broker;
  }

  /**
   * Waits until the broker has taken `count` messages: aedes hands a QoS 1 message on only after writing its
   * PUBACK, so a device can see its acknowledgement first. Bounded: fails rather than hangs.
   */
  async took(count: number): Promise<readonly BrokerMessage[]> {
    for (let i = 0; i < 2000 && this.messages.length < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (this.messages.length < count) {
      throw new Error(`the broker took ${this.messages.length} messages, not ${count}`);
    }
    return this.messages;
  }

  /** Waits until the messages the broker took carry `count` events (see eventsIn); returns those events. */
  async tookEvents<E = Record<string, unknown>>(count: number): Promise<E[]> {
    for (let i = 0; i < 2000 && eventsIn(this.messages).length < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const events = eventsIn<E>(this.messages);
    if (events.length < count) throw new Error(`the broker took ${events.length} events, not ${count}`);
    return events;
  }

  /** Drops every connection and refuses new ones until start(). */
  async stop(): Promise<void> {
    const running = this.broker;
    this.broker = undefined;
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
  }

  /** Opens device clients to this broker, with the options the real TLS connector uses. */
  readonly connect: DeviceConnector = (credentials, settings) =>
    new MqttClient(() => this.stream() as never, deviceClientOptions(credentials, settings));

  private stream(): Duplex {
    const running = this.broker;
    if (!running) {
      this.refusedAttempts++;
      return refusedStream();
    }
    const [device, server] = duplexPair();
    // One side's end is the other's: duplexPair leaves each side open when the other is destroyed.
    device.on('close', () => server.destroy());
    server.on('close', () => {
      device.destroy();
      this.streams.delete(server);
    });
    this.streams.add(server);
    running.handle(server as never);
    return device;
  }
}

/**
 * The events the messages carried, in order: a batch message's `events`, or the one event a bare message is
 * (docs/decisions.md, D36).
 */
export const eventsIn = <E = Record<string, unknown>>(messages: readonly BrokerMessage[]): E[] =>
  messages.flatMap((message) => {
    const payload = JSON.parse(message.payload) as { readonly events?: E[] };
    return payload.events ?? [payload as E];
  });

/** Credentials for a device of the memory broker: only the id and topic matter without TLS. */
export const memoryCredentials = async (deviceId: string): Promise<DeviceCredentials> => ({
  deviceId,
  endpoint: 'mqtts://memory.invalid:8883',
  certificatePem: '',
  privateKeyPem: '',
  caPem: '',
  topic: deviceTopic(deviceId),
});
