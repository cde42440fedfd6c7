import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MESSAGE_BYTES } from '../../../producers/mqtt-device-batch.ts';
import { MqttDeviceWriter, type MqttDeviceWriterOptions } from '../../../producers/mqtt-device-writer.ts';
import type { ProducedRecord } from '../../../producers/source.ts';
import { batchProblem, isEventBatch, type Reading } from '../../../schemas/index.ts';
import { eventIdOf, readings } from '../support/device-readings.ts';
import { eventsIn, MemoryBroker, memoryCredentials } from '../support/memory-broker.ts';

const opened: { writer: MqttDeviceWriter<ProducedRecord>; broker: MemoryBroker }[] = [];
const writerOn = (broker: MemoryBroker, options: Partial<MqttDeviceWriterOptions<ProducedRecord>>) => {
  const writer = new MqttDeviceWriter<ProducedRecord>({
    credentials: memoryCredentials,
    connect: broker.connect,
    ...options,
  });
  opened.push({ writer, broker });
  return writer;
};
afterEach(async () => {
  for (const { writer, broker } of opened.splice(0)) {
    await writer.close();
    await broker.stop();
  }
});

/** Waits, without a clock, until `condition` holds (bounded: a broken writer fails instead of hanging). */
const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error(`never happened: ${what}`);
};

describe('MqttDeviceWriter: several events a message', () => {
  it("packs a device's events into messages of one 5 KB billing unit by default, each a batch record of them in order", async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    const writer = writerOn(broker, { maxDelayMs: 0 });
    const records = readings('dev-0000', 50);
    const eventBytes = records[0]?.data.byteLength ?? 0;
    // `{"events":[` + `]}`, and a comma after every event but the last.
    const perMessage = Math.floor((DEFAULT_MESSAGE_BYTES - 12) / (eventBytes + 1));
    // Act
    const outcomes = await writer.write(records);
    // Assess
    expect(outcomes.every((o) => o.status === 'accepted' && o.attempts === 1)).toBe(true);
    const messages = await broker.took(Math.ceil(50 / perMessage));
    expect(messages).toHaveLength(Math.ceil(50 / perMessage));
    for (const { payload } of messages) {
      const parsed: unknown = JSON.parse(payload);
      expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(DEFAULT_MESSAGE_BYTES);
      expect(isEventBatch(parsed) && batchProblem(parsed)).toBeUndefined();
    }
    expect(eventsIn<Reading>(messages).map((e) => e.eventId)).toEqual(records.map(eventIdOf));
    expect(messages[0]?.payload).toBe(
      `{"events":[${records
        .slice(0, perMessage)
        .map((r) => Buffer.from(r.data))
        .join(',')}]}`,
    );
    expect(writer.figures).toMatchObject({ published: messages.length, publishedEvents: 50 });
  });

  it('with eventsPerMessage 1 publishes each event bare, byte for byte, as before batches', async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    const writer = writerOn(broker, { eventsPerMessage: 1 });
    const records = readings('dev-0001', 3);
    // Act: no waiting, whatever maxDelayMs says: a message of one event is full.
    const outcomes = await writer.write(records);
    // Assess
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    const messages = await broker.took(3);
    expect(messages.map((m) => m.payload)).toEqual(records.map((r) => Buffer.from(r.data).toString()));
    expect(writer.figures).toMatchObject({ published: 3, publishedEvents: 3 });
  });

  it('keeps a partial message waiting for its delay, and sends it at once on flush, still a batch', async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    const writer = writerOn(broker, { maxDelayMs: 300_000 });
    const records = readings('dev-0002', 3);
    const writing = writer.write(records);
    await until(() => writer.figures.connected === 1, 'the device connected');
    expect(broker.messages).toHaveLength(0);
    expect(writer.pending).toBe(3);
    // Act
    await writer.flush();
    // Assess
    expect((await writing).every((o) => o.status === 'accepted')).toBe(true);
    const [message] = await broker.took(1);
    expect(eventsIn<Reading>(broker.messages).map((e) => e.eventId)).toEqual(records.map(eventIdOf));
    expect(JSON.parse(message?.payload ?? '{}')).toHaveProperty('events');
  });

  it('sends a partial message once its oldest event has waited maxDelayMs, with no flush', async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    const writer = writerOn(broker, { maxDelayMs: 20 });
    const records = readings('dev-0003', 2);
    // Act
    const outcomes = await writer.write(records);
    // Assess
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(await broker.tookEvents(2)).toHaveLength(2);
    expect(broker.messages).toHaveLength(1);
  });

  it('sends a full message at once, not waiting for the delay, and keeps the rest waiting', async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    const writer = writerOn(broker, { maxDelayMs: 300_000, eventsPerMessage: 3 });
    const records = readings('dev-0004', 7);
    // Act
    const writing = writer.write(records);
    await broker.took(2);
    await until(() => writer.figures.published === 2, 'two PUBACKs');
    // Assess
    expect(writer.pending).toBe(1);
    await writer.flush();
    expect((await writing).every((o) => o.status === 'accepted')).toBe(true);
    expect((await broker.took(3)).map((m) => eventsIn([m]).length)).toEqual([3, 3, 1]);
  });

  it('refuses batching out of range, naming the value', () => {
    const make = (options: Partial<MqttDeviceWriterOptions<ProducedRecord>>) => () =>
      new MqttDeviceWriter<ProducedRecord>({ credentials: memoryCredentials, ...options });
    expect(make({ eventsPerMessage: 0 })).toThrow(
      'eventsPerMessage must be an integer between 1 and 500 inclusive (given 0)',
    );
    expect(make({ eventsPerMessage: 501 })).toThrow('(given 501)');
    expect(make({ maxMessageBytes: 131_073 })).toThrow(
      'maxMessageBytes must be an integer between 1 and 131072 inclusive (given 131073)',
    );
    expect(make({ maxDelayMs: 300_001 })).toThrow(
      'maxDelayMs must be an integer between 0 and 300000 inclusive (given 300001)',
    );
    expect(make({ maxDelayMs: 1.5 })).toThrow('(given 1.5)');
  });
});
