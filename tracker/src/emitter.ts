import { retryDelayMs } from './backoff.ts';
import { MAX_EVENTS_PER_REQUEST, type ResolvedOptions } from './options.ts';
import { bodyBytes, bodyOf, type Entry, type EventQueue } from './queue.ts';
import type { TrackerStats } from './stats.ts';
import { type Verdict, verdictOf } from './verdict.ts';

/**
 * Browsers allow 64 KiB of keepalive requests and beacons in flight per page: a larger fetch goes without
 * keepalive, and a beacon takes what fits beside the keepalive request in flight.
 */
export const KEEPALIVE_BYTES = 65_536;

export type Emitter = ReturnType<typeof createEmitter>;

/**
 * Sends the queue to the collector, one request at a time, in queue order: a batch goes once it holds maxEvents
 * events or maxBytes bytes, or its oldest event has waited maxDelayMs. Failures back off with full jitter; the
 * answer decides what is dropped, resent, split or counted (verdict.ts).
 */
export const createEmitter = (
  o: ResolvedOptions,
  queue: EventQueue,
  stats: TrackerStats,
  onDelivered: () => void,
) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let backingOff = false;
  /** Failed attempts in a row: the backoff's exponent, and why a beacon is not trusted just now. */
  let failures = 0;
  /** Events per request; halved while the collector refuses batches as a whole (400, 413). */
  let limit = o.maxEvents;
  let inFlight: { batch: Entry[]; keepaliveBytes: number; done: Promise<boolean> } | undefined;
  let stopped = false;

  const wait = (ms: number, backoff: boolean) => {
    if (stopped) return;
    clearTimeout(timer);
    backingOff = backoff;
    timer = setTimeout(() => {
      timer = undefined;
      backingOff = false;
      // A backoff ends in a resend, whatever the batching delay says: the batch is already late.
      if (backoff) void sendNext();
      else schedule();
    }, ms);
  };

  const backOff = (afterMs: number) => {
    failures++;
    stats.retries++;
    wait(retryDelayMs(failures, o.random, afterMs), true);
  };

  /** Applies the collector's verdict; true when the queue moved on (so a flush may send the next batch). */
  const apply = (batch: Entry[], verdict: Verdict): boolean => {
    if (verdict.kind === 'retry') {
      queue.release(batch);
      backOff(verdict.afterMs);
      return false;
    }
    if (verdict.kind === 'split' && batch.length > 1) {
      queue.release(batch);
      limit = Math.ceil(batch.length / 2);
      return true;
    }
    if (verdict.kind !== 'delivered') {
      queue.remove(batch);
      stats.rejected += batch.length;
      stats.lastRejection = verdict.message;
      return true;
    }
    const retry = verdict.refused.flatMap(({ index, retryable }) => {
      const entry = batch[index];
      return retryable && entry ? [entry] : [];
    });
    queue.remove(batch.filter((entry) => !retry.includes(entry)));
    queue.release(retry);
    stats.accepted += batch.length - verdict.refused.length;
    stats.refused += verdict.refused.length - retry.length;
    limit = o.maxEvents;
    if (retry.length === 0) failures = 0;
    // Refused for throughput: the stream is busy, so the resend backs off like a 429.
    else backOff(0);
    onDelivered();
    return retry.length === 0;
  };

  const post = async (batch: Entry[], keepalive: boolean): Promise<Verdict> => {
    const headers: Record<string, string> = { 'Content-Type': 'text/plain' };
    if (o.apiKey) headers['X-Api-Key'] = o.apiKey;
    try {
      const response = await o.fetch(o.collectorUrl, {
        method: 'POST',
        // text/plain keeps the request CORS-simple (no preflight); the collector reads it as JSON.
        headers,
        body: bodyOf(batch),
        keepalive,
        credentials: 'omit',
      });
      return await verdictOf(response);
    } catch {
      // Offline, DNS, CORS refusal, a keepalive over the browser's quota: nothing known to be stored.
      return { kind: 'retry', afterMs: 0 };
    }
  };

  const sendNext = (): Promise<boolean> => {
    if (inFlight) return inFlight.done;
    if (stopped) return Promise.resolve(false);
    const batch = queue.take(limit, o.maxBytes);
    if (batch.length === 0) return Promise.resolve(false);
    const bytes = bodyBytes(batch);
    const current = {
      batch,
      keepaliveBytes: bytes <= KEEPALIVE_BYTES ? bytes : 0,
      done: Promise.resolve(false),
    };
    inFlight = current;
    current.done = post(batch, current.keepaliveBytes > 0).then((verdict) => {
      inFlight = undefined;
      const moved = apply(batch, verdict);
      // A stopped tracker's queue stays closed, for the next page to adopt.
      queue.save(stopped);
      schedule();
      return moved;
    });
    return current.done;
  };

  /** Sends now if a batch is due, else sets the timer for when the oldest waiting event will be. */
  const schedule = (): void => {
    if (stopped || inFlight || backingOff) return;
    const waiting = queue.waiting();
    const oldest = waiting[0];
    if (!oldest) {
      clearTimeout(timer);
      timer = undefined;
      return;
    }
    const bytes = bodyBytes(waiting);
    const dueInMs = oldest.at + o.maxDelayMs - o.now();
    const full = waiting.length >= o.maxEvents || bytes >= o.maxBytes;
    // While splitting, the halves go at once: they are already late.
    if (full || dueInMs <= 0 || limit < o.maxEvents) {
      clearTimeout(timer);
      timer = undefined;
      void sendNext();
    } else {
      wait(dueInMs, false);
    }
  };

  return {
    schedule,
    /**
     * Sends every waiting event now, batch after batch, ignoring the batching delay and any backoff; resolves
     * once the queue is empty (the request in flight answered) or a request failed (its batch then waits for the
     * backoff).
     */
    async flush(): Promise<void> {
      clearTimeout(timer);
      timer = undefined;
      backingOff = false;
      // Each round sends or drops at least one event, so the queue's size bounds the rounds.
      for (let round = queue.size + 1; round > 0 && (inFlight || queue.waiting().length > 0); round--) {
        if (!(await sendNext())) return;
      }
    },
    /**
     * The page is being hidden or unloaded: beacon what waits (what fits in 64 KiB beside a keepalive request in
     * flight) unless the collector failed last time or the browser is offline — a beacon's fate is never known,
     * so it is used only when it will very likely arrive; otherwise the events wait, stored, for the next page.
     * On unload, the request in flight is marked sent too: its answer will not be seen.
     */
    beacon(unloading: boolean): void {
      if (unloading && inFlight) queue.markSent(inFlight.batch);
      const healthy = failures === 0 && o.window.navigator?.onLine !== false;
      if (!(o.sendBeacon && healthy && !o.apiKey)) return;
      const budget = KEEPALIVE_BYTES - (inFlight?.keepaliveBytes ?? 0);
      const batch = queue.take(MAX_EVENTS_PER_REQUEST, budget);
      if (batch.length === 0) return;
      // A Blob of type text/plain is sent with exactly that Content-Type; a string would add a charset.
      const data = new Blob([bodyOf(batch)], { type: 'text/plain' });
      if (data.size <= budget && o.sendBeacon(o.collectorUrl, data)) {
        queue.markSent(batch);
        stats.beaconed += batch.length;
      } else {
        queue.release(batch);
      }
    },
    /** Back online: the backoff was waiting for the network, so try at once. */
    retryNow(): void {
      if (!backingOff) return;
      clearTimeout(timer);
      timer = undefined;
      backingOff = false;
      failures = 0;
      void sendNext();
    },
    stop(): void {
      stopped = true;
      clearTimeout(timer);
    },
  };
};
