import { hashString } from './random.ts';
import type { RecordOutcome } from './write-outcome.ts';

/** A record waiting in a lane; `settle` gives its outcome to the write() that queued it. */
export interface QueuedRecord<R> {
  readonly record: R;
  /** Calls that carried it so far. */
  attempts: number;
  readonly settle: (outcome: RecordOutcome<R>) => void;
}

/** A queued record with when it was queued (0 without a linger: nothing reads it). */
interface Waiting<R> extends QueuedRecord<R> {
  readonly queuedMs: number;
}

interface Lane<R> {
  queue: Waiting<R>[];
  running: Promise<void> | undefined;
  /** Aborted to end the lane's linger early: a full batch arrived, or flush() was called. */
  lingering: AbortController | undefined;
}

/**
 * How long a lane holds a partial batch, as the tracker batches (tracker/src/emitter.ts): a batch goes once it
 * holds `maxRecords` records or `maxBytes` bytes, or its oldest record has waited `maxDelayMs`, or on flush().
 * The limits must be the drain's own, so the batches the lane releases are the batches the drain sends.
 */
export interface Linger<R> {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly bytesOf: (record: R) => number;
  readonly maxDelayMs: number;
  /** Milliseconds, for the records' waits. */
  readonly now: () => number;
  /** Waits `ms`, or less once `signal` aborts; never rejects. */
  readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface KeyedLanesOptions<R> {
  /** Lanes, so calls in flight at once; between 1 and 64. */
  readonly count: number;
  readonly keyOf: (record: R) => string;
  /** Sends what a lane holds, every record to an outcome, before the lane takes more. */
  readonly drain: (queued: QueuedRecord<R>[]) => Promise<void>;
  /** An outcome given without sending (e.g. a record too large for any call), or undefined to queue it. */
  readonly refuse?: (record: R) => RecordOutcome<R> | undefined;
  /** Hold partial batches for a while instead of sending whatever a free lane holds. @default none */
  readonly linger?: Linger<R>;
}

/**
 * How many of the queue's first records form batches due now: every full batch, and the last, partial one once
 * its oldest record has waited `maxDelayMs`. Batches are cut as planBatches cuts them.
 */
export const dueCount = <R>(queue: readonly Waiting<R>[], linger: Linger<R>, nowMs: number): number => {
  let due = 0;
  let start = 0;
  let bytes = 0;
  for (const [index, entry] of queue.entries()) {
    const size = linger.bytesOf(entry.record);
    const count = index - start;
    if (count > 0 && (count >= linger.maxRecords || bytes + size > linger.maxBytes)) {
      due = index;
      start = index;
      bytes = 0;
    }
    bytes += size;
  }
  const last = queue[start];
  if (!last) return due;
  const full = queue.length - start >= linger.maxRecords || bytes >= linger.maxBytes;
  return full || nowMs - last.queuedMs >= linger.maxDelayMs ? queue.length : due;
};

/** A bug in a drain must not leave write() pending for ever: what it had not settled is reported unsent. */
const abandon = <R>(queued: readonly QueuedRecord<R>[], error: unknown) => {
  const errorMessage = error instanceof Error ? (error.stack ?? error.message) : String(error);
  for (const { record, attempts, settle } of queued) {
    settle({ status: 'unsent', record, errorCode: 'WriterError', errorMessage, attempts, retryable: false });
  }
};

/**
 * Records spread over lanes by key: a lane sends one call at a time and finishes its retries before its next
 * call, so a key's records never race each other across calls, while different keys go out in parallel.
 */
export class KeyedLanes<R> {
  private readonly lanes: Lane<R>[];
  /** flush() calls under way: while any is, lanes send what they hold without lingering. */
  private flushing = 0;
  sent = 0;
  failed = 0;
  pending = 0;

  constructor(private readonly options: KeyedLanesOptions<R>) {
    const { count } = options;
    if (!Number.isInteger(count) || count < 1 || count > 64) {
      throw new RangeError(`maxInFlight must be an integer between 1 and 64 inclusive (given ${count})`);
    }
    this.lanes = Array.from({ length: count }, () => ({
      queue: [],
      running: undefined,
      lingering: undefined,
    }));
  }

  /** Queues records; resolves with one outcome per record, in the order given, once all are settled. */
  write(records: readonly R[]): Promise<RecordOutcome<R>[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const outcomes: RecordOutcome<R>[] = new Array(records.length);
      let remaining = records.length;
      this.pending += records.length;
      const touched = new Set<Lane<R>>();
      const { linger } = this.options;
      const queuedMs = linger ? linger.now : () => 0;
      records.forEach((record, index) => {
        let settled = false;
        const settle = (outcome: RecordOutcome<R>) => {
          if (settled) return;
          settled = true;
          if (outcome.status === 'accepted') this.sent++;
          else this.failed++;
          this.pending--;
          outcomes[index] = outcome;
          if (--remaining === 0) resolve(outcomes);
        };
        const refused = this.options.refuse?.(record);
        if (refused) {
          settle(refused);
          return;
        }
        const lane = this.lanes[hashString(this.options.keyOf(record)) % this.lanes.length] as Lane<R>;
        lane.queue.push({ record, attempts: 0, settle, queuedMs: queuedMs() });
        touched.add(lane);
      });
      for (const lane of touched) {
        if (!lane.running) lane.running = this.run(lane);
        else if (lane.lingering && this.due(lane) > 0) lane.lingering.abort();
      }
    });
  }

  /** Resolves once every record written so far has an outcome. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      for (const lane of this.lanes) lane.lingering?.abort();
      while (this.lanes.some((lane) => lane.running)) {
        await Promise.all(this.lanes.map((lane) => lane.running));
      }
    } finally {
      this.flushing--;
    }
  }

  /** How many of the lane's first records to send now: all of them without a linger or during a flush. */
  private due(lane: Lane<R>): number {
    const { linger } = this.options;
    if (!linger || this.flushing > 0) return lane.queue.length;
    return dueCount(lane.queue, linger, linger.now());
  }

  /** Waits until the lane's oldest partial batch is due, or until woken by a full batch or a flush. */
  private async waitForBatch(lane: Lane<R>, linger: Linger<R>): Promise<void> {
    const oldest = lane.queue[0] as Waiting<R>;
    const lingering = new AbortController();
    lane.lingering = lingering;
    try {
      await linger.wait(Math.max(oldest.queuedMs + linger.maxDelayMs - linger.now(), 0), lingering.signal);
    } finally {
      lane.lingering = undefined;
    }
  }

  private async run(lane: Lane<R>): Promise<void> {
    try {
      while (lane.queue.length > 0) {
        const count = this.due(lane);
        if (count === 0) {
          await this.waitForBatch(lane, this.options.linger as Linger<R>);
          continue;
        }
        const queued = lane.queue.slice(0, count);
        lane.queue = lane.queue.slice(count);
        await this.options.drain(queued).catch((error: unknown) => abandon(queued, error));
      }
    } finally {
      // Cleared synchronously after the last emptiness check, so write() restarts an idle lane.
      lane.running = undefined;
    }
  }
}
