import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BATCH_FRAME_BYTES,
  cutMessage,
  DEFAULT_BATCHING,
  type MessageBatching,
  messageBytes,
  messagePayload,
} from '../../../producers/mqtt-device-batch.ts';
import { DeviceQueue } from '../../../producers/mqtt-device-queue.ts';
import type { QueuedRecord } from '../../../producers/write-lanes.ts';
import type { RecordOutcome } from '../../../producers/write-outcome.ts';
import { batchProblem, isEventBatch } from '../../../schemas/index.ts';

const batching = (overrides: Partial<MessageBatching> = {}): MessageBatching => ({
  maxEvents: 500,
  maxBytes: 1000,
  maxDelayMs: 2000,
  ...overrides,
});
const sized = (...sizes: number[]) => sizes.map((bytes) => ({ bytes }));

/** An event of `bytes` bytes of JSON (a string), numbered, whose outcome lands in `outcomes`. */
type Event = { readonly data: Uint8Array; readonly n: number };
const outcomes = new Map<number, RecordOutcome<Event>>();
const event = (n: number, bytes = 100): QueuedRecord<Event> => {
  const record = { data: Buffer.from(JSON.stringify('x'.repeat(bytes - 2))), n };
  return { record, attempts: 0, settle: (outcome) => outcomes.set(n, outcome) };
};
const numbersOf = (message: { readonly entries: readonly QueuedRecord<Event>[] } | undefined) =>
  message?.entries.map((entry) => entry.record.n);

describe('cutting messages', () => {
  it('takes events while the message stays within maxBytes, frame and commas counted', () => {
    // 13 + 300 + 2 commas = 315 fits 315; one more byte of event does not.
    expect(cutMessage(batching({ maxBytes: 315 }), sized(100, 100, 100, 100))).toEqual({
      count: 3,
      full: true,
    });
    expect(cutMessage(batching({ maxBytes: 314 }), sized(100, 100, 100))).toEqual({ count: 2, full: true });
    expect(messageBytes(batching(), 3, 300)).toBe(BATCH_FRAME_BYTES + 300 + 2);
  });

  it('takes at most maxEvents, full once it holds them', () => {
    expect(cutMessage(batching({ maxEvents: 2 }), sized(10, 10, 10))).toEqual({ count: 2, full: true });
    expect(cutMessage(batching({ maxEvents: 2 }), sized(10, 10))).toEqual({ count: 2, full: true });
  });

  it('is not full while another event could still join it', () => {
    expect(cutMessage(batching(), sized(10, 10))).toEqual({ count: 2, full: false });
    expect(cutMessage(batching(), [])).toEqual({ count: 0, full: false });
  });

  it('sends an event larger than maxBytes alone rather than never', () => {
    expect(cutMessage(batching({ maxBytes: 50 }), sized(400, 10))).toEqual({ count: 1, full: true });
  });

  it('counts a bare event as its own bytes when messages carry one each', () => {
    expect(messageBytes(batching({ maxEvents: 1 }), 1, 220)).toBe(220);
    expect(cutMessage(batching({ maxEvents: 1 }), sized(220))).toEqual({ count: 1, full: true });
  });

  it("fills the default message with 20 of the simulator's largest readings (225 bytes)", () => {
    const cut = cutMessage(DEFAULT_BATCHING, sized(...Array.from({ length: 30 }, () => 225)));
    expect(cut).toEqual({ count: 20, full: true });
  });

  it('cuts any sequence into messages in order, each within its bounds, every one but the last full', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 600 }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 3000 }),
        (sizes, maxEvents, maxBytes) => {
          const rules = batching({ maxEvents, maxBytes });
          let waiting = sized(...sizes);
          const cut: number[][] = [];
          while (waiting.length > 0) {
            const { count, full } = cutMessage(rules, waiting);
            const taken = waiting.slice(0, count).map((e) => e.bytes);
            const bytes = messageBytes(
              rules,
              count,
              taken.reduce((a, b) => a + b, 0),
            );
            expect(count).toBeGreaterThanOrEqual(1);
            expect(count).toBeLessThanOrEqual(maxEvents);
            expect(count === 1 || bytes <= maxBytes).toBe(true);
            expect(full || count === waiting.length).toBe(true);
            cut.push(taken);
            waiting = waiting.slice(count);
          }
          expect(cut.flat()).toEqual(sizes);
        },
      ),
    );
  });
});

describe('message payloads', () => {
  it('is a batch record of the events as they are, which the consumers read', () => {
    const events = [Buffer.from('{"schema":"a","n":1}'), Buffer.from('{"schema":"a","n":2}')];
    const payload = messagePayload(batching(), events);
    const parsed: unknown = JSON.parse(payload.toString());
    expect(payload.toString()).toBe('{"events":[{"schema":"a","n":1},{"schema":"a","n":2}]}');
    expect(payload.byteLength).toBe(messageBytes(batching(), 2, 40));
    expect(isEventBatch(parsed) && batchProblem(parsed)).toBeUndefined();
  });

  it('is a batch even of one event, unless messages carry one each: then the event bare', () => {
    const one = [Buffer.from('{"schema":"a"}')];
    expect(messagePayload(batching(), one).toString()).toBe('{"events":[{"schema":"a"}]}');
    expect(messagePayload(batching({ maxEvents: 1 }), one).toString()).toBe('{"schema":"a"}');
  });
});

describe('DeviceQueue, on a clock of its caller', () => {
  it('holds a partial message until its oldest event has waited maxDelayMs', () => {
    // Prepare
    const queue = new DeviceQueue<Event>(100, 5, batching({ maxDelayMs: 2000 }));
    queue.push(event(1), 1000);
    queue.push(event(2), 1500);
    // Act, Assess
    expect(queue.nextMessage(2999, false)).toBeUndefined();
    expect(queue.dueInMs(2999)).toBe(1);
    const message = queue.nextMessage(3000, false);
    expect(numbersOf(message)).toEqual([1, 2]);
    expect(message?.entries.every((entry) => entry.attempts === 1)).toBe(true);
    expect(queue.dueInMs(3000)).toBeUndefined();
    expect(queue).toMatchObject({ pending: 2, unacknowledged: 1 });
  });

  it('sends a full message at once and keeps the rest waiting for their own delay', () => {
    const queue = new DeviceQueue<Event>(100, 5, batching({ maxEvents: 2, maxDelayMs: 2000 }));
    for (const n of [1, 2, 3]) queue.push(event(n), 1000 + n);
    expect(numbersOf(queue.nextMessage(1010, false))).toEqual([1, 2]);
    expect(queue.nextMessage(1010, false)).toBeUndefined();
    expect(queue.dueInMs(1010)).toBe(1993);
  });

  it('sends partial messages at once while flushing', () => {
    const queue = new DeviceQueue<Event>(100, 5, batching({ maxEvents: 2 }));
    for (const n of [1, 2, 3]) queue.push(event(n), 0);
    expect(numbersOf(queue.nextMessage(1, true))).toEqual([1, 2]);
    expect(numbersOf(queue.nextMessage(1, true))).toEqual([3]);
    expect(queue.nextMessage(1, true)).toBeUndefined();
  });

  it('publishes no more than maxInFlight unacknowledged messages; an acknowledgement frees the window', () => {
    const queue = new DeviceQueue<Event>(100, 1, batching({ maxEvents: 1 }));
    for (const n of [1, 2]) queue.push(event(n), 0);
    const first = queue.nextMessage(0, false);
    expect(queue.nextMessage(0, false)).toBeUndefined();
    expect(queue.dueInMs(5000)).toBeUndefined();
    expect(first && queue.acknowledge(first)).toBe(true);
    expect(first && queue.acknowledge(first)).toBe(false);
    expect(numbersOf(queue.nextMessage(0, false))).toEqual([2]);
  });

  it('counts a resend per message and per event, and gives every event of a message one more attempt', () => {
    const queue = new DeviceQueue<Event>(100, 5, batching({ maxEvents: 2 }));
    for (const n of [1, 2, 3]) queue.push(event(n), 0);
    queue.nextMessage(0, true);
    const second = queue.nextMessage(0, true);
    expect(queue.resendAll()).toEqual({ messages: 2, events: 3 });
    expect(second?.entries.map((entry) => entry.attempts)).toEqual([2]);
  });

  it('drops the oldest waiting event when the buffer overflows, and gives up in-flight events first, in order', () => {
    const queue = new DeviceQueue<Event>(2, 5, batching({ maxEvents: 1 }));
    queue.push(event(1), 0);
    queue.nextMessage(0, false);
    queue.push(event(2), 0);
    queue.push(event(3), 0);
    expect(queue.push(event(4), 0)?.record.n).toBe(2);
    expect(queue.takeAll().map((entry) => entry.record.n)).toEqual([1, 3, 4]);
    expect(queue).toMatchObject({ pending: 0, unacknowledged: 0 });
  });
});
