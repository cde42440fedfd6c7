import type { QueuedRecord } from './write-lanes.ts';

/**
 * One device's messages on their way: a bounded buffer of those waiting to be published, and the window of
 * those published and not yet acknowledged, both in the order written.
 */
export class DeviceQueue<R> {
  private readonly waiting: QueuedRecord<R>[] = [];
  /** Published, not yet acknowledged; a Set keeps their order. */
  private readonly inFlight = new Set<QueuedRecord<R>>();
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly maxBuffered: number,
    private readonly maxInFlight: number,
  ) {}

  get pending(): number {
    return this.waiting.length + this.inFlight.size;
  }

  get unacknowledged(): number {
    return this.inFlight.size;
  }

  /** Queues `entry`; returns the oldest waiting message when that overflows the buffer (the caller settles it). */
  push(entry: QueuedRecord<R>): QueuedRecord<R> | undefined {
    this.waiting.push(entry);
    return this.waiting.length > this.maxBuffered ? this.waiting.shift() : undefined;
  }

  /** The next message to publish while the window has room, moved into it with one more attempt; else undefined. */
  nextToPublish(): QueuedRecord<R> | undefined {
    if (this.inFlight.size >= this.maxInFlight) return undefined;
    const entry = this.waiting.shift();
    if (!entry) return undefined;
    this.inFlight.add(entry);
    entry.attempts++;
    return entry;
  }

  /** Takes `entry` out of the window; false when it had been taken out already (given up on). */
  acknowledge(entry: QueuedRecord<R>): boolean {
    return this.inFlight.delete(entry);
  }

  /** Counts one more attempt for every unacknowledged message, about to be resent; returns how many. */
  resendAll(): number {
    for (const entry of this.inFlight) entry.attempts++;
    return this.inFlight.size;
  }

  /** Empties the queue: the unacknowledged messages first, then the waiting ones, in order. */
  takeAll(): QueuedRecord<R>[] {
    const entries = [...this.inFlight, ...this.waiting];
    this.inFlight.clear();
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
