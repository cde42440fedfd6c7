export interface BackoffPolicy {
  /** Cap of the first retry's delay. @default 100 */
  readonly baseDelayMs: number;
  /** No delay is longer, however many attempts. @default 5000 */
  readonly maxDelayMs: number;
  /** Attempts in total, the first included; at least 1. @default 8 */
  readonly maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 100, maxDelayMs: 5_000, maxAttempts: 8 };

/**
 * Delay before retry number `retry` (1 for the first retry): "full jitter", uniform in
 * [0, min(max, base·2^(retry−1))). Spreading retries at random keeps throttled writers from
 * retrying in lockstep. `random` returns values in [0, 1).
 */
export const backoffDelayMs = (
  retry: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number => {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(retry - 1, 0));
  return Math.floor(random() * ceiling);
};

/** True while attempts remain after `attemptsMade`. */
export const mayRetry = (attemptsMade: number, policy: BackoffPolicy = DEFAULT_BACKOFF): boolean =>
  attemptsMade < policy.maxAttempts;
