import type { Refusal } from '../tracker/src/verdict.ts';
import { verdictOf } from '../tracker/src/verdict.ts';

/** Where and as whom a producer posts to the web collector. */
export interface CollectorTarget {
  /** `…/v1/server/events` with `apiKey` (server-side sources), or `…/v1/events` with `origin` (browser route). */
  readonly url: string;
  /** Sent as `X-Api-Key`. */
  readonly apiKey?: string;
  /** Sent as `Origin`, as a page of that site would. */
  readonly origin?: string;
  /** Both carry the JSON array; text/plain is what sendBeacon and CORS-simple fetches send. @default application/json */
  readonly contentType?: 'application/json' | 'text/plain';
}

export interface CollectorRequestInit {
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  readonly signal: AbortSignal;
}

/** Node's global fetch (undici, keep-alive), or a fake in tests. */
export type CollectorFetch = (url: string, init: CollectorRequestInit) => Promise<Response>;

/** The collector's answer to one request, read as the tracker reads it (tracker/src/verdict.ts). */
export type CollectorAnswer = { readonly latencyMs: number } & (
  | { readonly kind: 'delivered'; readonly refused: readonly Refusal[] }
  /** Nothing stored (429, 5xx, a network error): resend the whole batch, not sooner than `afterMs`. */
  | ({ readonly kind: 'retry'; readonly afterMs: number } & Failure)
  /** The batch as a whole refused (400, 413): a smaller batch may pass, a single event never will. */
  | ({ readonly kind: 'split' } & Failure)
  /** Refused for good (403, 404, 415, …): every later request would be too. */
  | ({ readonly kind: 'rejected' } & Failure)
);

/** Why a request failed as a whole. */
export interface Failure {
  /** The HTTP status; undefined when no answer came (network error, timeout). */
  readonly status?: number;
  /** `Collector429` etc., or the network error's code (`ECONNRESET`, `TimeoutError`). */
  readonly reason: string;
  readonly message: string;
}

const OPEN = new TextEncoder().encode('[');
const COMMA = new TextEncoder().encode(',');
const CLOSE = new TextEncoder().encode(']');

/** A JSON array of the events, each record's bytes as they are (already the event's JSON). */
export const batchBody = (events: readonly { readonly data: Uint8Array }[]): Uint8Array => {
  const parts: Uint8Array[] = [OPEN];
  for (const [i, { data }] of events.entries()) parts.push(...(i > 0 ? [COMMA, data] : [data]));
  parts.push(CLOSE);
  return Buffer.concat(parts);
};

export const requestHeaders = (target: CollectorTarget): Record<string, string> => ({
  'content-type': target.contentType ?? 'application/json',
  'user-agent': 'streamlake-produce',
  ...(target.apiKey ? { 'x-api-key': target.apiKey } : {}),
  ...(target.origin ? { origin: target.origin } : {}),
});

const messageOf = (text: string): string => {
  try {
    const { message } = JSON.parse(text) as { message?: unknown };
    if (typeof message === 'string') return message;
  } catch {
    // Not the collector's JSON (a proxy's page, say): its start says more than nothing.
  }
  return text.slice(0, 200);
};

/** Why fetch threw: undici puts the socket's error (with its code) in `cause`; an abort is a timeout here. */
const networkReason = (error: unknown): { reason: string; message: string } => {
  if (!(error instanceof Error)) return { reason: 'NetworkError', message: String(error) };
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = typeof cause?.message === 'string' ? `${error.message}: ${cause.message}` : error.message;
  if (typeof cause?.code === 'string') return { reason: cause.code, message: detail };
  return { reason: error.name === 'TypeError' ? 'NetworkError' : error.name, message: detail };
};

/** Posts one batch and reads the answer; never throws (a network error is an answer to retry). */
export const postBatch = async (
  fetcher: CollectorFetch,
  target: CollectorTarget,
  body: Uint8Array,
  options: { readonly timeoutMs: number; readonly now: () => number },
): Promise<CollectorAnswer> => {
  const startedMs = options.now();
  let status: number;
  let text: string;
  let headers: Headers;
  try {
    const response = await fetcher(target.url, {
      method: 'POST',
      headers: requestHeaders(target),
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // Read to the end in every case: an unread body keeps its keep-alive connection from being reused.
    text = await response.text();
    ({ status, headers } = response);
  } catch (error) {
    const { reason, message } = networkReason(error);
    return { latencyMs: options.now() - startedMs, kind: 'retry', reason, message, afterMs: 0 };
  }
  const latencyMs = options.now() - startedMs;
  const verdict = await verdictOf({ status, headers, json: async () => JSON.parse(text) });
  if (verdict.kind === 'delivered') return { latencyMs, kind: 'delivered', refused: verdict.refused };
  const failure = { status, reason: `Collector${status}`, message: messageOf(text) };
  if (verdict.kind === 'retry') return { latencyMs, kind: 'retry', afterMs: verdict.afterMs, ...failure };
  return { latencyMs, kind: verdict.kind, ...failure };
};
