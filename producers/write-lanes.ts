import { hashString } from './random.ts';
import type { RecordOutcome } from './write-outcome.ts';

/** A record waiting in a lane; `settle` gives its outcome to the write() that queued it. */
export interface QueuedRecord<R> {
  readonly record: R;
  /** Calls that carried it so far. */
  attempts: number;
  readonly settle: (outcome: RecordOutcome<R>) => void;
}

interface Lane<R> {
  queue: QueuedRecord<R>[];
  running: Promise<void> | undefined;
}

export interface KeyedLanesOptions<R> {
  /** Lanes, so calls in flight at once; between 1 and 64. */
  readonly count: number;
  readonly keyOf: (record: R) => string;
  /** Sends what a lane holds, every record to an outcome, before the lane takes more. */
  readonly drain: (queued: QueuedRecord<R>[]) => Promise<void>;
  /** An outcome given without sending (e.g. a record too large for any call), or undefined to queue it. */
  readonly refuse?: (record: R) => RecordOutcome<R> | undefined;
}

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
  sent = 0;
  failed = 0;
  pending = 0;

  constructor(private readonly options: KeyedLanesOptions<R>) {
    const { count } = options;
    if (!Number.isInteger(count) || count < 1 || count > 64) {
      throw new RangeError(`maxInFlight must be an integer between 1 and 64 inclusive (given ${count})`);
    }
    this.lanes = Array.from({ length: count }, () => ({ queue: [], running: undefined }));
  }

  /** Queues records; resolves with one outcome per record, in the order given, once all are settled. */
  write(records: readonly R[]): Promise<RecordOutcome<R>[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const outcomes: RecordOutcome<R>[] = new Array(records.length);
      let remaining = records.length;
      this.pending += records.length;
      const touched = new Set<Lane<R>>();
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
        lane.queue.push({ record, attempts: 0, settle });
        touched.add(lane);
      });
      for (const lane of touched) if (!lane.running) lane.running = this.run(lane);
    });
  }

  /** Resolves once every record written so far has an outcome. */
  async flush(): Promise<void> {
    while (this.lanes.some((lane) => lane.running)) {
      await Promise.all(this.lanes.map((lane) => lane.running));
    }
  }

  private async run(lane: Lane<R>): Promise<void> {
    try {
      while (lane.queue.length > 0) {
        const queued = lane.queue;
        lane.queue = [];
        await this.options.drain(queued).catch((error: unknown) => abandon(queued, error));
      }
    } finally {
      // Cleared synchronously after the last emptiness check, so write() restarts an idle lane.
      lane.running = undefined;
    }
  }
}
