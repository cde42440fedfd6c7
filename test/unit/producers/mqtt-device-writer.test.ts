import { afterEach, describe, expect, it } from 'vitest';
import { deviceTopic } from '../../../infra/local/iot/local-iot.ts';
import { BATCH_FRAME_BYTES } from '../../../producers/mqtt-device-batch.ts';
import {
  isDeviceFault,
  MAX_DEVICE_MESSAGE_BYTES,
  MqttDeviceWriter,
  type MqttDeviceWriterOptions,
} from '../../../producers/mqtt-device-writer.ts';
import type { ProducedRecord } from '../../../producers/source.ts';
import type { RecordOutcome, UnsentRecord } from '../../../producers/write-outcome.ts';
import type { Reading } from '../../../schemas/index.ts';
import { eventIdOf, reading, readings } from '../support/device-readings.ts';
import { eventsIn, MemoryBroker, memoryCredentials } from '../support/memory-broker.ts';

const eventIdsIn = (messages: Parameters<typeof eventsIn>[0]) =>
  eventsIn<Reading>(messages).map((event) => event.eventId);

const opened: { writer?: MqttDeviceWriter<ProducedRecord>; broker?: MemoryBroker }[] = [];

/**
 * A writer on the memory broker that reconnects within milliseconds and sends what waits without lingering (each
 * write's events of a device share messages); closed after each test.
 */
const writerOn = (broker: MemoryBroker, options: Partial<MqttDeviceWriterOptions<ProducedRecord>> = {}) => {
  const writer = new MqttDeviceWriter<ProducedRecord>({
    credentials: memoryCredentials,
    connect: broker.connect,
    reconnect: { baseDelayMs: 5, maxDelayMs: 20 },
    maxDelayMs: 0,
    ...options,
  });
  opened.push({ writer, broker });
  return writer;
};

afterEach(async () => {
  for (const { writer, broker } of opened.splice(0)) {
    await writer?.close();
    await broker?.stop();
  }
});

/** Waits, without a clock, until `condition` holds (bounded: a broken writer fails instead of hanging). */
const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error(`never happened: ${what}`);
};

const unsent = (outcomes: RecordOutcome<ProducedRecord>[]) =>
  outcomes.filter((o): o is UnsentRecord<ProducedRecord> => o.status === 'unsent');

describe('MqttDeviceWriter', () => {
  it("publishes each device's records on its own connection and topic, in the order written, accepted on PUBACK", async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    const writer = writerOn(broker, { maxInFlightPerDevice: 5, eventsPerMessage: 4 });
    const devices = ['dev-0000', 'dev-0001', 'dev-0002'];
    const records = Array.from({ length: 60 }, (_, i) => reading(devices[i % 3] as string));
    // Act
    const outcomes = await writer.write(records);
    // Assess: 20 events a device, 4 a message.
    expect(outcomes.map((o) => o.status)).toEqual(records.map(() => 'accepted'));
    expect(outcomes.map((o) => o.record)).toEqual(records);
    await broker.took(15);
    for (const device of devices) {
      const sent = broker.messages.filter((m) => m.clientId === device);
      expect(sent.every((m) => m.topic === deviceTopic(device))).toBe(true);
      expect(sent).toHaveLength(5);
      expect(eventIdsIn(sent)).toEqual(records.filter((r) => r.partitionKey === device).map(eventIdOf));
    }
    expect(writer.figures).toMatchObject({
      devices: 3,
      connected: 3,
      published: 15,
      publishedEvents: 60,
      dropped: 0,
      refused: 0,
    });
    expect(writer.counters).toEqual({ sent: 60, failed: 0, retried: 0 });
    expect(writer.pending).toBe(0);
  });

  it('buffers while the broker is down, drops the oldest beyond its bound and counts them, then sends the rest in order', async () => {
    // Prepare
    const broker = new MemoryBroker(); // not started: every connection is refused
    const writer = writerOn(broker, { maxBufferedPerDevice: 10 });
    const records = readings('dev-0007', 25);
    // Act
    const writing = writer.write(records);
    await until(() => writer.figures.dropped === 15, 'the buffer overflowed');
    await broker.start();
    const outcomes = await writing;
    // Assess
    const dropped = unsent(outcomes);
    expect(dropped.map((o) => o.record)).toEqual(records.slice(0, 15));
    expect(dropped.every((o) => o.errorCode === 'DeviceBufferFull' && o.retryable)).toBe(true);
    expect(dropped[0]?.errorMessage).toContain('buffer of 10 events was full');
    expect(outcomes.slice(15).every((o) => o.status === 'accepted')).toBe(true);
    // What waited while the broker was down goes as one message once it is back.
    await broker.took(1);
    expect(eventIdsIn(broker.messages)).toEqual(records.slice(15).map(eventIdOf));
    expect(writer.figures).toMatchObject({ dropped: 15, published: 1, publishedEvents: 10, connected: 1 });
  });

  it('reconnects after the broker restarts and resends whole what it had not acknowledged, keeping the order', async () => {
    // Prepare: the broker takes the second message but never acknowledges it, as if its PUBACK was lost.
    const broker = await MemoryBroker.started();
    const writer = writerOn(broker, { maxInFlightPerDevice: 10 });
    const first = readings('dev-0003', 5);
    const second = readings('dev-0003', 5);
    expect((await writer.write(first)).every((o) => o.status === 'accepted')).toBe(true);
    const unacknowledged: { clientId: string; topic: string; payload: string }[] = [];
    broker.authorizePublish = (client, packet) =>
      unacknowledged.push({
        clientId: client?.id ?? '',
        topic: packet.topic,
        payload: packet.payload.toString(),
      });
    // Act
    const writing = writer.write(second);
    await until(() => unacknowledged.length === 1, 'the broker received the second message');
    await broker.stop();
    // While it is down the device keeps trying, and is refused: a resend is counted once it happens.
    await until(() => broker.refusedAttempts >= 2, 'the device tried to reconnect');
    broker.authorizePublish = undefined;
    await broker.start();
    const outcomes = await writing;
    // Assess
    expect(outcomes.every((o) => o.status === 'accepted' && o.attempts === 2)).toBe(true);
    expect(eventIdsIn(unacknowledged)).toEqual(second.map(eventIdOf));
    await broker.took(2);
    // QoS 1 redelivery: the second message reached the broker twice (consumers count an eventId once), in order,
    // the same events in it both times.
    expect(eventIdsIn(broker.messages)).toEqual([...first, ...second].map(eventIdOf));
    expect(broker.messages[1]?.payload).toBe(unacknowledged[0]?.payload);
    expect(writer.figures).toMatchObject({
      published: 2,
      publishedEvents: 10,
      resent: 1,
      resentEvents: 5,
      reconnects: 1,
      connected: 1,
    });
    expect(writer.counters.retried).toBe(5);
    // A broker restart and reconnects over real (in-memory) MQTT sessions: more than the unit default under load.
  }, 20_000);

  it("refuses a device whose publishes the broker's policy refuses, after three tries, and lets the others go on", async () => {
    // Prepare: dev-0009's credentials name another device's topic, which the policy does not allow it.
    const broker = await MemoryBroker.started();
    broker.authorizePublish = (client, packet, done) =>
      done(packet.topic === deviceTopic(client?.id ?? '') ? null : new Error(`not ${client?.id}'s topic`));
    const writer = writerOn(broker, {
      credentials: async (deviceId) => ({
        ...(await memoryCredentials(deviceId)),
        ...(deviceId === 'dev-0009' ? { topic: deviceTopic('dev-0001') } : {}),
      }),
    });
    const records = [...readings('dev-0009', 4), ...readings('dev-0001', 4)];
    // Act
    const outcomes = await writer.write(records);
    const later = await writer.write(readings('dev-0009', 1));
    // Assess
    const refused = unsent([...outcomes, ...later]);
    expect(refused).toHaveLength(5);
    expect(
      refused.every((o) => o.record.partitionKey === 'dev-0009' && o.errorCode === 'PublishRefused'),
    ).toBe(true);
    expect(refused.every((o) => !o.retryable && isDeviceFault(o))).toBe(true);
    expect(refused[0]?.errorMessage).toContain(`published to ${deviceTopic('dev-0001')}, 3 times in a row`);
    expect(outcomes.slice(4).every((o) => o.status === 'accepted')).toBe(true);
    expect(broker.messages.every((m) => m.clientId === 'dev-0001')).toBe(true);
    expect(writer.figures).toMatchObject({ refusedDevices: 1, refused: 5, published: 1, publishedEvents: 4 });
  });

  it('refuses a device the broker does not let connect (CONNACK not authorized) at once', async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    broker.authenticate = (client, _username, _password, done) =>
      client.id === 'dev-0004'
        ? done(Object.assign(new Error('unknown thing'), { returnCode: 5 }), false)
        : done(null, true);
    const writer = writerOn(broker);
    // Act
    const outcomes = await writer.write(readings('dev-0004', 3));
    // Assess
    expect(unsent(outcomes).map((o) => o.errorCode)).toEqual([
      'DeviceRefused',
      'DeviceRefused',
      'DeviceRefused',
    ]);
    expect(unsent(outcomes)[0]?.errorMessage).toContain('refused device dev-0004 (CONNACK 5 not authorized)');
    expect(broker.connections).toBe(0);
    expect(writer.figures).toMatchObject({ refusedDevices: 1, refused: 3, connected: 0 });
  });

  it('refuses a device it has no credentials for, naming why', async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    const writer = writerOn(broker, {
      credentials: (deviceId) => Promise.reject(new Error(`${deviceId} is not registered`)),
    });
    // Act
    const [outcome] = await writer.write([reading('dev-0005')]);
    // Assess
    expect(outcome).toMatchObject({
      status: 'unsent',
      errorCode: 'DeviceCredentials',
      errorMessage: 'device dev-0005 has no credentials: dev-0005 is not registered',
      retryable: false,
    });
  });

  it('gives up what a device that cannot reach the broker holds once flush stops waiting', async () => {
    // Prepare
    const broker = new MemoryBroker();
    const writer = writerOn(broker, { flushTimeoutMs: 20 });
    const writing = writer.write(readings('dev-0006', 3));
    // Act
    await writer.flush();
    const outcomes = await writing;
    // Assess
    expect(unsent(outcomes).map((o) => o.errorCode)).toEqual([
      'DeviceOffline',
      'DeviceOffline',
      'DeviceOffline',
    ]);
    expect(unsent(outcomes)[0]?.errorMessage).toContain('ECONNREFUSED');
    expect(unsent(outcomes).every((o) => o.retryable && !isDeviceFault(o))).toBe(true);
    expect(writer.pending).toBe(0);
  });

  it('refuses an event whose message alone is larger than AWS IoT Core takes, without connecting', async () => {
    // Prepare: bare, it would fit; in a batch message's frame it does not.
    const broker = await MemoryBroker.started();
    const writer = writerOn(broker);
    const huge: ProducedRecord = {
      ...reading('dev-0008'),
      data: new Uint8Array(MAX_DEVICE_MESSAGE_BYTES - BATCH_FRAME_BYTES + 1),
    };
    // Act
    const [outcome] = await writer.write([huge]);
    // Assess
    expect(outcome).toMatchObject({ status: 'unsent', errorCode: 'RecordTooLarge', retryable: false });
    expect((outcome as UnsentRecord<ProducedRecord>).errorMessage).toContain(
      `is ${MAX_DEVICE_MESSAGE_BYTES + 1} bytes, over the ${MAX_DEVICE_MESSAGE_BYTES} bytes`,
    );
    expect(writer.figures.devices).toBe(0);
  });

  it('disconnects every device on close', async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    const writer = writerOn(broker);
    await writer.write([reading('dev-0001'), reading('dev-0002')]);
    expect(writer.figures.connected).toBe(2);
    // Act
    await writer.close();
    // Assess
    expect(writer.figures.connected).toBe(0);
    const [late] = await writer.write([reading('dev-0001')]);
    expect(late).toMatchObject({ status: 'unsent', errorCode: 'WriterClosed' });
  });
});
