/** The first retry waits up to a second; no retry waits longer than a minute, unless the collector says so. */
export const BACKOFF = { baseMs: 1_000, capMs: 60_000 } as const;
/** A Retry-After beyond an hour is a misconfiguration; the tracker checks back hourly instead. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Delay before the next attempt after `failures` failed ones in a row: "full jitter", uniform in
 * [0, min(cap, base·2^(failures−1))), so a crowd of browsers throttled together does not retry together; never
 * sooner than the collector's `Retry-After`. `random` returns values in [0, 1).
 */
export const retryDelayMs = (failures: number, random: () => number, retryAfterMs = 0): number => {
  const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** Math.max(failures - 1, 0));
  return Math.max(Math.floor(random() * ceiling), retryAfterMs);
};

/** A `Retry-After` header in milliseconds; 0 when absent or not a number of seconds (the contract's form). */
export const retryAfterMs = (header: string | null): number => {
  const seconds = header === null || header.trim() === '' ? Number.NaN : Number(header);
  return seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : 0;
};
