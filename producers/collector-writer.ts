import { EDGE_LIMITS, KINESIS_MAX_RECORD_BYTES, RecordTooLargeError } from '../schemas/index.ts';
import { DEFAULT_BATCH } from '../tracker/src/options.ts';
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF, mayRetry } from './backoff.ts';
import { planBatches, recordBytes, type SizedRecord } from './batching.ts';
import {
  batchBody,
  type CollectorAnswer,
  type CollectorFetch,
  type CollectorTarget,
  type Failure,
  postBatch,
} from './collector-request.ts';
import { type EdgeFigures, EdgeTally, refusalOfEntry, refusalOfStatus } from './edge-figures.ts';
import { pause } from './pacing.ts';
import { KeyedLanes, type Linger, type QueuedRecord } from './write-lanes.ts';
import type { RecordOutcome, RecordWriter, WriterCounters } from './write-outcome.ts';

export interface CollectorWriterOptions extends CollectorTarget {
  /** Events per request, 1 to 500 (one Kinesis record, a batch). @default 100, the tracker's batch (DEFAULT_BATCH) */
  readonly eventsPerRequest?: number;
  /**
   * How long a partial request waits for more events, as the tracker's `batch.maxDelayMs`: a lane then sends
   * once it holds eventsPerRequest events (or the request byte limit), or its oldest event has waited this long,
   * or on flush(). 0 to 3,600,000. @default 0, no waiting: a free lane sends whatever it holds, so the events per
   * request follow the requests' latency
   */
  readonly maxDelayMs?: number;
  /** Requests in flight at once, 1 to 64. @default 4 */
  readonly maxInFlight?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** A request not answered by then is abandoned and resent (API Gateway gives up on Kinesis at 29 s). @default 30000 */
  readonly timeoutMs?: number;
  /** @default globalThis.fetch (undici, keep-alive) */
  readonly fetch?: CollectorFetch;
  /** Source of jitter, [0, 1). @default Math.random */
  readonly random?: () => number;
  /** @default a setTimeout-based sleep */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds, for latencies. @default performance.now */
  readonly now?: () => number;
}

/** The most the edge adds to a batch (`{"edge":{…},"events":` and `}`): the longest header values it keeps, and the rest. */
const EDGE_BYTES = EDGE_LIMITS.requestId + EDGE_LIMITS.userAgent + EDGE_LIMITS.origin + 256;
/**
 * A request's events in bytes, each its data and partition key as planBatches counts them. The collector puts a
 * request as one Kinesis record (docs/decisions.md D36), which takes 1 MiB with its partition key: the events,
 * a comma between each (their own partition keys, one byte at least, cover it), the edge context once, and the
 * first event's key (≤ 256 characters, ≤ 1 KiB). API Gateway's 10 MB body cap is further still.
 */
const MAX_REQUEST_BYTES = KINESIS_MAX_RECORD_BYTES - EDGE_BYTES - 1024;

interface Refused<R> {
  readonly entry: QueuedRecord<R>;
  readonly reason: string;
  readonly message: string;
}

const onAbort = (signal: AbortSignal, then: () => void): void => {
  if (signal.aborted) then();
  else signal.addEventListener('abort', then, { once: true });
};

const checkInteger = (name: string, value: number, min: number, max: number) => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer between ${min} and ${max} inclusive (given ${value})`);
  }
};

/**
 * Writes events through the web collector (`POST` a JSON array, as the tracker does) with the contract of
 * KinesisWriter: one outcome per record, retries of only what the collector refused as retryable.
 *
 * Answers: 200 all accepted; 207 resend the entries marked retryable; 429, 5xx and network errors resend the
 * batch after a backoff, never sooner than Retry-After; 400 and 413 bisect the batch until the event the
 * collector refuses is alone (unsent with its message), the rest go through; 403, 404, 415 and other 4xx
 * leave the batch unsent, unretryable: the URL, key or origin is wrong for every request.
 *
 * Ordering is KinesisWriter's: a partition key keeps to one lane, a lane has one request in flight.
 */
export class CollectorWriter<R extends SizedRecord = SizedRecord> implements RecordWriter<R> {
  private readonly lanes: KeyedLanes<R>;
  private readonly edge = new EdgeTally();
  private readonly policy: BackoffPolicy;
  private readonly eventsPerRequest: number;
  private readonly fetcher: CollectorFetch;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly options: CollectorWriterOptions) {
    if (!/^https?:\/\/[^/]/.test(options.url)) {
      throw new Error(
        `the collector URL must be http(s), e.g. https://…/prod/v1/server/events (given ${options.url})`,
      );
    }
    this.eventsPerRequest = options.eventsPerRequest ?? DEFAULT_BATCH.maxEvents;
    checkInteger('eventsPerRequest', this.eventsPerRequest, 1, 500);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    checkInteger('timeoutMs', this.timeoutMs, 1, 600_000);
    this.policy = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.fetcher = options.fetch ?? ((url, init) => fetch(url, init));
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? (() => performance.now());
    const maxDelayMs = options.maxDelayMs ?? 0;
    checkInteger('maxDelayMs', maxDelayMs, 0, 3_600_000);
    this.lanes = new KeyedLanes<R>({
      count: options.maxInFlight ?? 4,
      keyOf: (record) => record.partitionKey,
      drain: (queued) => this.drain(queued),
      refuse: (record) => this.tooLarge(record),
      ...(maxDelayMs > 0 ? { linger: this.lingerOf(maxDelayMs) } : {}),
    });
  }

  /**
   * The lanes' linger, cut as drain() cuts batches. Its wait is cancellable: the default clears its timer, so a
   * flushed writer leaves no timer keeping the process up; an injected sleep is raced against the wake-up.
   */
  private lingerOf(maxDelayMs: number): Linger<R> {
    const injected = this.options.sleep;
    return {
      maxRecords: this.eventsPerRequest,
      maxBytes: MAX_REQUEST_BYTES,
      bytesOf: recordBytes,
      maxDelayMs,
      now: this.now,
      wait: injected
        ? (ms, signal) => Promise.race([injected(ms), new Promise<void>((woken) => onAbort(signal, woken))])
        : pause,
    };
  }

  get counters(): WriterCounters {
    return { sent: this.lanes.sent, failed: this.lanes.failed, retried: this.edge.retried };
  }

  get pending(): number {
    return this.lanes.pending;
  }

  /** Requests, accepted and refused events and latency so far, as this client saw them. */
  get figures(): EdgeFigures {
    return this.edge.figures();
  }

  write(records: readonly R[]): Promise<RecordOutcome<R>[]> {
    return this.lanes.write(records);
  }

  flush(): Promise<void> {
    return this.lanes.flush();
  }

  private tooLarge(record: R): RecordOutcome<R> | undefined {
    const bytes = recordBytes(record) + EDGE_BYTES;
    if (bytes <= KINESIS_MAX_RECORD_BYTES) return undefined;
    const { message } = new RecordTooLargeError(
      bytes,
      KINESIS_MAX_RECORD_BYTES,
      'event with its edge context',
    );
    return {
      status: 'unsent',
      record,
      errorCode: 'RecordTooLarge',
      errorMessage: message,
      attempts: 0,
      retryable: false,
    };
  }

  private async drain(queued: QueuedRecord<R>[]): Promise<void> {
    const limits = {
      maxRecords: this.eventsPerRequest,
      maxBytes: MAX_REQUEST_BYTES,
      maxRecordBytes: Infinity,
    };
    const sized = queued.map((entry) => ({
      entry,
      data: entry.record.data,
      partitionKey: entry.record.partitionKey,
    }));
    for (const batch of planBatches(sized, limits).batches) await this.send(batch.map((b) => b.entry));
  }

  /** One batch through to the end: resends what was refused as retryable until accepted or attempts run out. */
  private async send(batch: QueuedRecord<R>[]): Promise<void> {
    let entries = batch;
    for (let attempt = 1; entries.length > 0; attempt++) {
      const answer = await this.post(entries);
      if (answer.kind === 'split') return this.bisect(entries, answer);
      if (answer.kind === 'rejected') return this.giveUp(entries, answer);
      const refused = this.settleDelivered(entries, answer);
      if (refused.length === 0) return;
      if (!mayRetry(attempt, this.policy)) {
        for (const { entry, reason, message } of refused) this.unsent(entry, reason, message, true);
        return;
      }
      this.edge.retried += refused.length;
      const afterMs = answer.kind === 'retry' ? answer.afterMs : 0;
      await this.sleep(Math.max(backoffDelayMs(attempt, this.policy, this.random), afterMs));
      entries = refused.map((r) => r.entry);
    }
  }

  /**
   * Settles what the answer settles: accepted entries, and refused ones not worth resending. Returns the
   * entries to resend, each with why it was refused.
   */
  private settleDelivered(
    entries: QueuedRecord<R>[],
    answer: Exclude<CollectorAnswer, { kind: 'split' | 'rejected' }>,
  ): Refused<R>[] {
    if (answer.kind === 'retry') {
      this.edge.refuse(refusalOfStatus(answer.status), entries.length);
      return entries.map((entry) => ({ entry, reason: answer.reason, message: answer.message }));
    }
    const refusals = new Map(answer.refused.map((refusal) => [refusal.index, refusal]));
    const resend: Refused<R>[] = [];
    entries.forEach((entry, index) => {
      const refusal = refusals.get(index);
      if (!refusal) {
        this.edge.accept(1);
        entry.settle({ status: 'accepted', record: entry.record, attempts: entry.attempts });
        return;
      }
      this.edge.refuse(refusalOfEntry(refusal.error), 1);
      const message = `the collector refused the event: ${refusal.error}`;
      if (refusal.retryable) resend.push({ entry, reason: refusal.error, message });
      else this.unsent(entry, refusal.error, message, false);
    });
    return resend;
  }

  /** 400 or 413 for the whole batch: halves in order, each to its own answer, until the culprit is alone. */
  private async bisect(entries: QueuedRecord<R>[], answer: Failure): Promise<void> {
    this.edge.refuse(refusalOfStatus(answer.status), entries.length);
    if (entries.length === 1) {
      const [entry] = entries as [QueuedRecord<R>];
      return this.unsent(entry, answer.reason, answer.message, false);
    }
    const middle = Math.ceil(entries.length / 2);
    await this.send(entries.slice(0, middle));
    await this.send(entries.slice(middle));
  }

  private giveUp(entries: QueuedRecord<R>[], answer: Failure): void {
    this.edge.refuse(refusalOfStatus(answer.status), entries.length);
    const message = this.rejection(answer);
    for (const entry of entries) this.unsent(entry, answer.reason, message, false);
  }

  /** What a run that stops on a refused request should tell: which URL refused, why, and what to check. */
  private rejection(answer: Failure): string {
    const how = this.options.apiKey
      ? 'with X-Api-Key: check the key and that the URL ends in /v1/server/events'
      : this.options.origin
        ? `with Origin ${this.options.origin}: check that the URL ends in /v1/events and the origin is on the collector's allow-list`
        : 'with neither an API key nor an origin: give one';
    return `the collector at ${this.options.url} refused the request (${answer.reason.replace('Collector', 'HTTP ')}: ${answer.message}), sent ${how}`;
  }

  private unsent(entry: QueuedRecord<R>, errorCode: string, errorMessage: string, retryable: boolean): void {
    entry.settle({
      status: 'unsent',
      record: entry.record,
      errorCode,
      errorMessage,
      attempts: entry.attempts,
      retryable,
    });
  }

  private async post(entries: QueuedRecord<R>[]): Promise<CollectorAnswer> {
    for (const entry of entries) entry.attempts++;
    const answer = await postBatch(this.fetcher, this.options, batchBody(entries.map((e) => e.record)), {
      timeoutMs: this.timeoutMs,
      now: this.now,
    });
    this.edge.request(answer.latencyMs);
    return answer;
  }
}
