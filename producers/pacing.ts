/**
 * Token bucket: tokens accrue at `ratePerSecond` up to `burst`; each token pays for one event.
 * The cap means a stalled producer catches up by at most `burst` events instead of flooding.
 */
export class TokenBucket {
  private tokens = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private lastMs: number,
  ) {}

  /** Takes every whole token available at `nowMs`. */
  take(nowMs: number): number {
    const elapsedMs = Math.max(nowMs - this.lastMs, 0);
    this.lastMs = Math.max(nowMs, this.lastMs);
    this.tokens = Math.min(this.tokens + (elapsedMs * this.ratePerSecond) / 1000, this.burst);
    const whole = Math.floor(this.tokens);
    this.tokens -= whole;
    return whole;
  }
}

/** Waits `ms`, or less if `signal` aborts; never rejects. */
export const pause = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
