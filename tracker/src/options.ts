import {
  type FetchLike,
  memoryStorage,
  type SendBeacon,
  type StorageLike,
  type TrackerWindow,
} from './browser.ts';
import type { TrackedEvent } from './events.ts';

/**
 * How the tracker batches by default. Each request is one API Gateway request ($3.50 per million), so events per
 * request set the web edge's cost per event: 20 cost $0.175 per million events, 100 cost $0.035 (`npm run cost`,
 * BENCHMARKS.md). 100 events of ≈ 280 bytes fit 32,000 bytes, half the 64 KiB browsers allow keepalive requests and
 * beacons in flight, so a beacon on leaving the page still fits beside a batch being sent.
 */
export const DEFAULT_BATCH = { maxEvents: 100, maxBytes: 32_000, maxDelayMs: 5_000 } as const;

export interface BatchOptions {
  /** Events per request, at most the collector's 500. @default 100 */
  readonly maxEvents?: number;
  /** Bytes of request body; a batch is sent once its events reach it. @default 32000 */
  readonly maxBytes?: number;
  /** How long the oldest queued event waits for a batch to fill. @default 5000 */
  readonly maxDelayMs?: number;
}

export interface TrackerOptions {
  /** The collector's `POST /v1/events` URL, e.g. `http://127.0.0.1:4000/v1/events`. */
  readonly collectorUrl: string;
  /** Sent as `X-Api-Key`, for server-side sources; browsers are let in by origin. Disables beacons (no headers). */
  readonly apiKey?: string;
  readonly batch?: BatchOptions;
  /** Events held at most; beyond it the oldest are dropped and counted. @default 1000 */
  readonly queueLimit?: number;
  /** Idle time after which the next event starts a new session. @default 1800000 (30 minutes) */
  readonly sessionIdleMs?: number;
  /** Where the session and the queue outlive the page. @default window.localStorage */
  readonly storage?: StorageLike;
  /** A page view on start and on every history navigation to another path. @default true */
  readonly autoPageViews?: boolean;
  /**
   * Told of every event queued, the automatic ones (page views, client errors, overflow reports) too, exactly
   * as it will be sent: for a page's own analytics or a test. What it throws is ignored.
   */
  readonly onEvent?: (event: TrackedEvent) => void;
  /** The browser, or a fake one in tests. @default globalThis */
  readonly window?: TrackerWindow;
  readonly fetch?: FetchLike;
  readonly sendBeacon?: SendBeacon;
  /** Unix ms. @default Date.now */
  readonly now?: () => number;
  /** Uniform in [0, 1), for retry jitter only (event ids use crypto). @default Math.random */
  readonly random?: () => number;
}

export interface ResolvedOptions {
  readonly collectorUrl: string;
  readonly apiKey: string | undefined;
  readonly maxEvents: number;
  readonly maxBytes: number;
  readonly maxDelayMs: number;
  readonly queueLimit: number;
  readonly sessionIdleMs: number;
  readonly storage: StorageLike;
  readonly autoPageViews: boolean;
  readonly onEvent: ((event: TrackedEvent) => void) | undefined;
  readonly window: TrackerWindow;
  readonly fetch: FetchLike;
  readonly sendBeacon: SendBeacon | undefined;
  readonly now: () => number;
  readonly random: () => number;
}

/** The collector takes at most 500 events a request (one Kinesis PutRecords). */
export const MAX_EVENTS_PER_REQUEST = 500;

/** `value`, or `fallback` when undefined; throws naming the option when it is not an integer in [min, max]. */
const integer = (name: string, value: number | undefined, fallback: number, min: number, max: number) => {
  const chosen = value ?? fallback;
  if (!(Number.isInteger(chosen) && chosen >= min && chosen <= max)) {
    throw new RangeError(
      `streamlake tracker: ${name} must be an integer between ${min} and ${max} inclusive (given ${value})`,
    );
  }
  return chosen;
};

/** `localStorage` can be missing, or throw on access when the visitor blocks site data. */
const defaultStorage = (win: TrackerWindow): StorageLike => {
  try {
    return win.localStorage ?? memoryStorage();
  } catch {
    return memoryStorage();
  }
};

const noFetch: FetchLike = () => Promise.reject(new TypeError('no fetch in this environment'));

export const resolveOptions = (options: TrackerOptions): ResolvedOptions => {
  if (typeof options?.collectorUrl !== 'string' || options.collectorUrl === '') {
    throw new TypeError(
      `streamlake tracker: collectorUrl must be the collector's URL, e.g. https://collect.example.com/v1/events (given ${options?.collectorUrl})`,
    );
  }
  // In a browser, globalThis is the window; elsewhere pass `window`.
  const win = options.window ?? (globalThis as unknown as TrackerWindow);
  const maxEvents = integer(
    'batch.maxEvents',
    options.batch?.maxEvents,
    DEFAULT_BATCH.maxEvents,
    1,
    MAX_EVENTS_PER_REQUEST,
  );
  const navigator = win.navigator;
  return {
    collectorUrl: options.collectorUrl,
    apiKey: options.apiKey,
    maxEvents,
    maxBytes: integer('batch.maxBytes', options.batch?.maxBytes, DEFAULT_BATCH.maxBytes, 64, 5_000_000),
    maxDelayMs: integer(
      'batch.maxDelayMs',
      options.batch?.maxDelayMs,
      DEFAULT_BATCH.maxDelayMs,
      0,
      3_600_000,
    ),
    queueLimit: integer('queueLimit', options.queueLimit, 1_000, maxEvents, 100_000),
    sessionIdleMs: integer('sessionIdleMs', options.sessionIdleMs, 1_800_000, 1, 86_400_000),
    storage: options.storage ?? defaultStorage(win),
    autoPageViews: options.autoPageViews ?? true,
    onEvent: options.onEvent,
    window: win,
    // Called as methods: a browser's fetch and sendBeacon throw when detached from window and navigator.
    fetch:
      options.fetch ?? (win.fetch ? (url, init) => (win.fetch as FetchLike).call(win, url, init) : noFetch),
    sendBeacon:
      options.sendBeacon ??
      (navigator?.sendBeacon ? (url, data) => navigator.sendBeacon?.(url, data) === true : undefined),
    now: options.now ?? (() => Date.now()),
    random: options.random ?? Math.random,
  };
};
