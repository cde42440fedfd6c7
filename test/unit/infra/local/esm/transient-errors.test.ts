import { ResourceNotFoundException, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { ExpiredIteratorException as StreamsExpiredIterator } from '@aws-sdk/client-dynamodb-streams';
import {
  ExpiredIteratorException,
  LimitExceededException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-kinesis';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  isTransient,
  RetryStopped,
  retryTransient,
  type TransientRetry,
  transientRetryDelayMs,
  untilStopped,
} from '../../../../../infra/local/esm/transient-errors.ts';

const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

/** What Node's http client rejects with when nothing listens on the port. */
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
  });

/** An S3 error as the SDK parses an XML error answer. */
const s3Error = (name: string, status: number) =>
  new S3ServiceException({
    name,
    message: name,
    $fault: status >= 500 ? 'server' : 'client',
    ...metadata(status),
  });

describe('isTransient', () => {
  it.each([
    ['a refused connection (server down)', refused()],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['a broken pipe', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
    ['a socket closed before the answer', new Error('socket hang up')],
    ['a request timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    [
      'Kinesis throttling a shard',
      new ProvisionedThroughputExceededException({ message: 'Rate exceeded for shard', ...metadata(400) }),
    ],
    [
      'Kinesis limiting GetShardIterator',
      new LimitExceededException({ message: 'Rate exceeded', ...metadata(400) }),
    ],
    ['DynamoDB throttling', new ThrottlingException({ message: 'Throttled', ...metadata(400) })],
    ['S3 asking to slow down', s3Error('SlowDown', 503)],
    ['S3 unavailable', s3Error('ServiceUnavailable', 503)],
    ['an internal failure', s3Error('InternalFailure', 500)],
    ['a 502 with no parsable body', Object.assign(new Error('Bad Gateway'), metadata(502))],
    ['a 429', Object.assign(new Error('Too Many Requests'), metadata(429))],
    ['an error the SDK marks retryable', Object.assign(new Error('retry me'), { $retryable: {} })],
    ['a refused dual-stack connect', new AggregateError([refused(), refused()], 'connect failed')],
    ['a refused connect wrapped as the cause', new Error('request failed', { cause: refused() })],
  ])('is true for %s', (_, error) => {
    // Act, Assess
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['an expired Kinesis iterator', new ExpiredIteratorException({ message: 'expired', ...metadata(400) })],
    [
      'an expired DynamoDB Streams iterator',
      new StreamsExpiredIterator({ message: 'expired', ...metadata(400) }),
    ],
    ['a missing table', new ResourceNotFoundException({ message: 'no table', ...metadata(400) })],
    ['a missing bucket', s3Error('NoSuchBucket', 404)],
    ['an abort', Object.assign(new Error('aborted'), { name: 'AbortError' })],
    ['a plain error', new Error('the handler failed')],
    ['a stop while retrying', new RetryStopped(3, refused())],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('is false for %s', (_, error) => {
    // Act, Assess
    expect(isTransient(error)).toBe(false);
  });

  it('does not follow causes without end', () => {
    // Prepare: a cause chain deeper than followed, with the transient error at its bottom.
    let error: Error = refused();
    for (let i = 0; i < 10; i++) error = new Error(`wrapper ${i}`, { cause: error });

    // Act, Assess
    expect(isTransient(error)).toBe(false);
  });
});

describe('transientRetryDelayMs', () => {
  it('starts at 100 ms, doubles to 2 s, and jitters over the upper half', () => {
    // Act
    const lowest = [1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => transientRetryDelayMs(attempt, () => 0));
    const highest = [1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => transientRetryDelayMs(attempt, () => 1));

    // Assess
    expect(lowest).toEqual([50, 100, 200, 400, 800, 1_000, 1_000, 1_000]);
    expect(highest).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000, 2_000]);
  });
});

/** A call that fails with the errors given, in order, then answers `answer`. */
const failingThen = (errors: unknown[], answer = 'answer') => {
  const left = [...errors];
  const call = vi.fn(async () => {
    if (left.length > 0) throw left.shift();
    return answer;
  });
  return call;
};

describe('retryTransient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries transient failures with growing pauses until the call answers', async () => {
    // Prepare
    const call = failingThen([refused(), refused(), s3Error('ServiceUnavailable', 503)]);
    const retries: TransientRetry[] = [];

    // Act
    const answered = retryTransient(call, new AbortController().signal, {
      onRetry: (retry) => retries.push(retry),
    });
    await vi.runAllTimersAsync();

    // Assess
    expect(await answered).toBe('answer');
    expect(call).toHaveBeenCalledTimes(4);
    expect(retries.map((retry) => retry.attempt)).toEqual([1, 2, 3]);
    const [first, second, third] = retries.map((retry) => retry.delayMs);
    expect(first).toBeGreaterThanOrEqual(50);
    expect(first).toBeLessThanOrEqual(100);
    expect(second).toBeGreaterThanOrEqual(100);
    expect(third).toBeGreaterThanOrEqual(200);
    // failingForMs counts from the first failure: the pauses before it are what it adds up.
    expect(retries[2]?.failingForMs).toBe((first ?? 0) + (second ?? 0));
  });

  it('throws any other error at once, without retrying', async () => {
    // Prepare
    const missing = new ResourceNotFoundException({ message: 'no table', ...metadata(400) });
    const call = failingThen([missing]);
    const onRetry = vi.fn();

    // Act
    const result = retryTransient(call, new AbortController().signal, { onRetry });

    // Assess
    await expect(result).rejects.toBe(missing);
    expect(call).toHaveBeenCalledTimes(1);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('throws a non-transient error that follows transient ones', async () => {
    // Prepare
    const missing = s3Error('NoSuchBucket', 404);
    const call = failingThen([refused(), missing]);

    // Act
    const result = retryTransient(call, new AbortController().signal, { delayMs: () => 10 });
    const assessed = expect(result).rejects.toBe(missing);
    await vi.runAllTimersAsync();

    // Assess
    await assessed;
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('stops waiting when the signal aborts, with RetryStopped naming the last error', async () => {
    // Prepare
    const controller = new AbortController();
    const lastError = refused();
    const call = vi.fn(async () => {
      throw lastError;
    });

    // Act
    const result = retryTransient(call, controller.signal, { delayMs: () => 60_000 });
    const assessed = expect(result).rejects.toThrow(RetryStopped);
    await vi.advanceTimersByTimeAsync(60_000 * 2 + 1);
    controller.abort();

    // Assess
    await assessed;
    const stopped = await result.catch((error: unknown) => error);
    expect(stopped).toMatchObject({ attempts: 3, lastError });
    expect((stopped as Error).message).toBe(
      'stopped after 3 failed attempts; the last failed with: connect ECONNREFUSED 127.0.0.1:4567',
    );
    expect(call).toHaveBeenCalledTimes(3);
  });

  it('does not wait to retry once the signal has aborted', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();
    const call = failingThen([refused()]);

    // Act, Assess
    await expect(retryTransient(call, controller.signal)).rejects.toThrow(RetryStopped);
    expect(call).toHaveBeenCalledTimes(1);
  });
});

describe('untilStopped', () => {
  it('gives undefined for work stopped while retrying, and what the work gave otherwise', async () => {
    // Act, Assess
    expect(await untilStopped(Promise.reject(new RetryStopped(1, refused())))).toBeUndefined();
    expect(await untilStopped(Promise.resolve('drained'))).toBe('drained');
    await expect(untilStopped(Promise.reject(new Error('the handler failed')))).rejects.toThrow(
      'the handler failed',
    );
  });
});
