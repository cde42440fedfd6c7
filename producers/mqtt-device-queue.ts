import { cutMessage, type MessageBatching, messagePayload } from './mqtt-device-batch.ts';
import type { QueuedRecord } from './write-lanes.ts';

/** An event waiting for its message: since when, and its JSON's size. */
interface WaitingEvent<R> extends QueuedRecord<R> {
  readonly queuedMs: number;
  readonly bytes: number;
}

/** One MQTT message on its way: its events, settled together on its PUBACK, and its payload. */
export interface DeviceMessage<R> {
  readonly entries: readonly QueuedRecord<R>[];
  readonly payload: Buffer;
}

/** What resendAll counted: the messages about to be resent, and the events they carry. */
export interface Resent {
  readonly messages: number;
  readonly events: number;
}

/**
 * One device's events on their way: a bounded buffer of events waiting for a message, and the window of messages
 * published and not yet acknowledged, both in the order written. Messages are cut as `batching` says
 * (mqtt-device-batch.ts) when the window has room; the clock is the caller's, so the rules are tested without one.
 */
export class DeviceQueue<R extends { readonly data: Uint8Array }> {
  private readonly waiting: WaitingEvent<R>[] = [];
  /** Published, not yet acknowledged; a Set keeps their order. */
  private readonly inFlight = new Set<DeviceMessage<R>>();
  private inFlightEvents = 0;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly maxBuffered: number,
    private readonly maxInFlight: number,
    private readonly batching: MessageBatching,
  ) {}

  /** Events not yet settled: waiting, or in a message not yet acknowledged. */
  get pending(): number {
    return this.waiting.length + this.inFlightEvents;
  }

  /** Messages published and not yet acknowledged. */
  get unacknowledged(): number {
    return this.inFlight.size;
  }

  /** Queues an event; returns the oldest waiting one when that overflows the buffer (the caller settles it). */
  push(entry: QueuedRecord<R>, nowMs: number): QueuedRecord<R> | undefined {
    this.waiting.push({ ...entry, queuedMs: nowMs, bytes: entry.record.data.byteLength });
    return this.waiting.length > this.maxBuffered ? this.waiting.shift() : undefined;
  }

  /**
   * The next message to publish, moved into the window with one more attempt for each of its events: when the
   * window has room and a message is due — full, its oldest event waited `maxDelayMs`, or `flushing`. Else
   * undefined.
   */
  nextMessage(nowMs: number, flushing: boolean): DeviceMessage<R> | undefined {
    const oldest = this.waiting[0];
    if (!oldest || this.inFlight.size >= this.maxInFlight) return undefined;
    const { count, full } = cutMessage(this.batching, this.waiting);
    if (!full && !flushing && nowMs - oldest.queuedMs < this.batching.maxDelayMs) return undefined;
    const entries = this.waiting.splice(0, count);
    for (const entry of entries) entry.attempts++;
    const payload = messagePayload(
      this.batching,
      entries.map((entry) => entry.record.data),
    );
    const message = { entries, payload };
    this.inFlight.add(message);
    this.inFlightEvents += entries.length;
    return message;
  }

  /**
   * Milliseconds until the waiting events make a message due by their delay; undefined when nothing waits or the
   * window is full (an acknowledgement, not time, frees it).
   */
  dueInMs(nowMs: number): number | undefined {
    const oldest = this.waiting[0];
    if (!oldest || this.inFlight.size >= this.maxInFlight) return undefined;
    return Math.max(0, oldest.queuedMs + this.batching.maxDelayMs - nowMs);
  }

  /** Takes `message` out of the window; false when it had been taken out already (given up on). */
  acknowledge(message: DeviceMessage<R>): boolean {
    if (!this.inFlight.delete(message)) return false;
    this.inFlightEvents -= message.entries.length;
    return true;
  }

  /** Counts one more attempt for every event of every unacknowledged message, about to be resent. */
  resendAll(): Resent {
    for (const message of this.inFlight) for (const entry of message.entries) entry.attempts++;
    return { messages: this.inFlight.size, events: this.inFlightEvents };
  }

  /** Empties the queue: the unacknowledged messages' events first, then the waiting ones, in order. */
  takeAll(): QueuedRecord<R>[] {
    const entries = [...[...this.inFlight].flatMap((message) => message.entries), ...this.waiting];
    this.inFlight.clear();
    this.inFlightEvents = 0;
    this.waiting.length = 0;
    return entries;
  }

  /** Resolves once the queue is empty. */
  whenEmpty(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Call after anything left the queue: resolves the waiters of whenEmpty once it is empty. */
  notifyIfEmpty(): void {
    if (this.pending > 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }
}
