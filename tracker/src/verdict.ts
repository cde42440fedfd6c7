import { retryAfterMs } from './backoff.ts';
import type { ResponseLike } from './browser.ts';

/** What to do with a batch after the collector answered (or did not). */
export type Verdict =
  /** Every entry accepted but those listed: drop the rest, resend the retryable ones. */
  | { readonly kind: 'delivered'; readonly refused: readonly Refusal[] }
  /** Nothing was stored: send the whole batch again after a backoff of at least `afterMs`. */
  | { readonly kind: 'retry'; readonly afterMs: number }
  /** The batch as a whole was refused (400, 413): smaller batches may pass; a single event never will. */
  | { readonly kind: 'split'; readonly message: string }
  /** Refused for good (403, 404, 415, …): resending the same request cannot succeed. */
  | { readonly kind: 'rejected'; readonly message: string };

/** One refused entry of a 207: its index in the batch sent and whether resending it may succeed. */
export interface Refusal {
  readonly index: number;
  readonly error: string;
  readonly retryable: boolean;
}

const body = async (response: ResponseLike): Promise<{ message?: unknown; refused?: unknown }> => {
  try {
    const value = await response.json();
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
};

const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' &&
  value !== null &&
  Number.isInteger((value as Refusal).index) &&
  typeof (value as Refusal).retryable === 'boolean';

/**
 * The collector's answer, read as the shared contract states it: 200/207 name the refused entries by index;
 * 429, 5xx and a network error keep the batch (honouring Retry-After); 400 and 413 split it; other 4xx drop it.
 */
export const verdictOf = async (response: ResponseLike): Promise<Verdict> => {
  const { status } = response;
  if (status >= 200 && status < 300) {
    const { refused } = await body(response);
    if (Array.isArray(refused) && refused.every(isRefusal)) return { kind: 'delivered', refused };
    // A 207 that does not say what it refused cannot be trusted with any entry: resend them all (a duplicate
    // of an accepted one is counted once downstream, docs/decisions.md D14).
    return status === 207 ? { kind: 'retry', afterMs: 0 } : { kind: 'delivered', refused: [] };
  }
  if (status === 429 || status >= 500) {
    return { kind: 'retry', afterMs: retryAfterMs(response.headers.get('Retry-After')) };
  }
  const { message } = await body(response);
  const reason = `${status}${typeof message === 'string' ? `: ${message}` : ''}`;
  return status === 400 || status === 413
    ? { kind: 'split', message: reason }
    : { kind: 'rejected', message: reason };
};
