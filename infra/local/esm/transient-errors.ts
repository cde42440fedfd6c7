import { errorMessage } from '../../../processors/shared/errors.ts';

/*
 * A Lambda event source mapping rides out a stream or bucket that is briefly unreachable, throttled or
 * failing on its side: it retries the call with the same iterator and position, so nothing is skipped or
 * read twice. These decide which failures are of that kind and retry them; any other error is the
 * poller's to report.
 */

/** Error names AWS gives throttling and passing server-side failures (the SDK's own retry list, and S3's). */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'LimitExceededException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Node's codes for a connection the server refused, dropped or never answered on (a server down or restarting). */
const CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** How deep `cause` and AggregateError `errors` are followed (Node wraps a refused dual-stack connect once). */
const MAX_CAUSE_DEPTH = 3;

interface ErrorFields {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly cause?: unknown;
  readonly errors?: unknown;
}

const statusOf = (fields: ErrorFields): number | undefined => {
  const status = fields.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
};

/** The error itself says it is passing: by name, code, status, SDK trait or the message of a dropped socket. */
const isTransientItself = (fields: ErrorFields): boolean => {
  if (fields.name === 'AbortError') return false;
  const status = statusOf(fields);
  return (
    (typeof fields.name === 'string' && TRANSIENT_NAMES.has(fields.name)) ||
    (typeof fields.code === 'string' && CONNECTION_CODES.has(fields.code)) ||
    fields.$retryable !== undefined ||
    status === 429 ||
    (status !== undefined && status >= 500 && status <= 599) ||
    (typeof fields.message === 'string' && fields.message.includes('socket hang up'))
  );
};

const isTransientAt = (error: unknown, depth: number): boolean => {
  if (typeof error !== 'object' || error === null || depth > MAX_CAUSE_DEPTH) return false;
  // Its cause is transient, but the poller is stopping: nothing is to be retried.
  if (error instanceof RetryStopped) return false;
  const fields = error as ErrorFields;
  if (isTransientItself(fields)) return true;
  if (isTransientAt(fields.cause, depth + 1)) return true;
  return Array.isArray(fields.errors) && fields.errors.some((inner) => isTransientAt(inner, depth + 1));
};

/**
 * True when `error` is one a stream poller retries rather than reports: the server unreachable or the
 * connection dropped, a timeout, throttling, or a 5xx answer. Client errors (a missing stream, a bad
 * iterator, a refused request) are not: retrying them would hide a fault that needs fixing.
 */
export const isTransient = (error: unknown): boolean => isTransientAt(error, 0);

/** The first pause before a retry. */
export const FIRST_RETRY_DELAY_MS = 100;
/** The longest pause between retries: a server back from a restart is used within about this long. */
export const MAX_RETRY_DELAY_MS = 2_000;

/**
 * The pause before retry `attempt` (1, 2, …): 100 ms doubling to 2 s, the second half of it random so
 * shards and mappings that failed together do not retry together.
 */
export const transientRetryDelayMs = (attempt: number, random: () => number = Math.random): number => {
  const ceiling = Math.min(FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, attempt - 1), MAX_RETRY_DELAY_MS);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
};

/** Thrown when the signal stops a call that was waiting to retry: the poller is stopping, not failing. */
export class RetryStopped extends Error {
  override readonly name = 'RetryStopped';

  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`stopped after ${attempts} failed attempts; the last failed with: ${errorMessage(lastError)}`, {
      cause: lastError,
    });
  }
}

export interface TransientRetry {
  /** The failed attempt (1 for the first call), its error, and the pause before the next. */
  readonly attempt: number;
  readonly error: unknown;
  readonly delayMs: number;
  /** Since the first attempt failed. */
  readonly failingForMs: number;
}

export interface RetryTransientOptions {
  /** Told of each transient failure before its pause. */
  readonly onRetry?: (retry: TransientRetry) => void;
  /** The pause before retry `attempt`. @default transientRetryDelayMs */
  readonly delayMs?: (attempt: number) => number;
}

/** Waits `ms`, or less when `signal` aborts; on the global timers, so tests can fake them. */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

const stopped = (signal: AbortSignal, attempt: number, error: unknown): void => {
  if (signal.aborted) throw new RetryStopped(attempt, error);
};

/**
 * Calls `call` until it succeeds, pausing after each transient failure (see isTransient); any other
 * error is thrown at once. There is no attempt limit, as a mapping's GetRecords has none: the loop ends
 * when the call succeeds, fails for good, or `signal` aborts (then RetryStopped is thrown).
 */
export const retryTransient = async <T>(
  call: () => Promise<T>,
  signal: AbortSignal,
  options: RetryTransientOptions = {},
): Promise<T> => {
  const delayOf = options.delayMs ?? transientRetryDelayMs;
  let firstFailureAt: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error)) throw error;
      stopped(signal, attempt, error);
      firstFailureAt ??= Date.now();
      const delayMs = delayOf(attempt);
      options.onRetry?.({ attempt, error, delayMs, failingForMs: Date.now() - firstFailureAt });
      await pause(delayMs, signal);
      stopped(signal, attempt, error);
    }
  }
};

/** What `work` settles to, or undefined when the signal stopped a call of it waiting to retry. */
export const untilStopped = async <T>(work: Promise<T>): Promise<T | undefined> => {
  try {
    return await work;
  } catch (error) {
    if (error instanceof RetryStopped) return undefined;
    throw error;
  }
};
