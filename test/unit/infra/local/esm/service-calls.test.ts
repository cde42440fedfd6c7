import { ProvisionedThroughputExceededException } from '@aws-sdk/client-kinesis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PollerObserver } from '../../../../../infra/local/esm/batch-delivery.ts';
import { ServiceCalls } from '../../../../../infra/local/esm/service-calls.ts';
import { RetryStopped } from '../../../../../infra/local/esm/transient-errors.ts';

type ServiceRetry = Parameters<NonNullable<PollerObserver['onServiceRetry']>>[0];

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), { code: 'ECONNREFUSED' });

/** A service that refuses connections until `upAt` (fake clock ms), then answers `answer`. */
const downUntil =
  (upAt: number, answer = 'records') =>
  async () => {
    if (Date.now() < upAt) throw refused();
    return answer;
  };

const serviceCalls = () => {
  const lines: string[] = [];
  const retries: ServiceRetry[] = [];
  const calls = new ServiceCalls('EventsMapping', {
    observer: { onServiceRetry: (retry) => void retries.push(retry) },
    log: (line) => void lines.push(line),
  });
  return { calls, lines, retries };
};

describe('ServiceCalls', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs an outage of every shard once when it starts and once when the service answers again', async () => {
    // Prepare
    const { calls, lines, retries } = serviceCalls();
    const signal = new AbortController().signal;

    // Act: two shards read through a 10 s outage.
    const shards = [
      calls.call('Kinesis GetRecords', signal, downUntil(10_000)),
      calls.call('Kinesis GetRecords', signal, downUntil(10_000)),
    ];
    await vi.advanceTimersByTimeAsync(15_000);

    // Assess
    expect(await Promise.all(shards)).toEqual(['records', 'records']);
    expect(lines).toHaveLength(2);
    // Logged on the first retry once a second has passed: the jittered pauses put that anywhere from 1 s to ≈ 3 s.
    const started =
      /^mapping EventsMapping: Kinesis GetRecords failing for (\d+\.\d) s \(Error: connect ECONNREFUSED 127\.0\.0\.1:4567\); retrying until it answers$/.exec(
        lines[0] ?? '',
      );
    expect(started, lines[0]).not.toBeNull();
    expect(Number(started?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(started?.[1])).toBeLessThan(4);
    expect(lines[1]).toMatch(/^mapping EventsMapping: Kinesis GetRecords answering again after 1\d\.\d s$/);
    // Pauses of at most 2 s: each shard retries at least five times in 10 s, and is counted each time.
    expect(retries.length).toBeGreaterThanOrEqual(10);
    expect(retries[0]).toEqual({
      mappingId: 'EventsMapping',
      operation: 'Kinesis GetRecords',
      attempt: 1,
      delayMs: expect.any(Number),
      error: 'Error: connect ECONNREFUSED 127.0.0.1:4567',
    });
  });

  it('counts throttling answered by a retry without logging it', async () => {
    // Prepare
    const { calls, lines, retries } = serviceCalls();
    let throttled = false;
    const getRecords = async () => {
      if (throttled) return 'records';
      throttled = true;
      throw new ProvisionedThroughputExceededException({
        message: 'Rate exceeded for shard shardId-000000000000',
        $metadata: { httpStatusCode: 400 },
      });
    };

    // Act
    const answered = calls.call('Kinesis GetRecords', new AbortController().signal, getRecords);
    await vi.advanceTimersByTimeAsync(1_000);

    // Assess
    expect(await answered).toBe('records');
    expect(lines).toEqual([]);
    expect(retries.map((retry) => retry.error)).toEqual([
      'ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000000',
    ]);
  });

  it('stops with RetryStopped when the poller stops during an outage, without claiming a recovery', async () => {
    // Prepare
    const { calls, lines } = serviceCalls();
    const controller = new AbortController();
    const putObject = calls.bound(controller.signal)('S3 PutObject', downUntil(Number.POSITIVE_INFINITY));
    const assessed = expect(putObject).rejects.toThrow(RetryStopped);

    // Act
    await vi.advanceTimersByTimeAsync(3_000);
    controller.abort();

    // Assess
    await assessed;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mapping EventsMapping: S3 PutObject failing for/);
  });

  it('passes an error that is not transient through at once', async () => {
    // Prepare
    const { calls, lines, retries } = serviceCalls();
    const missing = Object.assign(new Error('Stream events not found'), {
      name: 'ResourceNotFoundException',
    });

    // Act
    const result = calls.call('Kinesis ListShards', new AbortController().signal, async () => {
      throw missing;
    });

    // Assess
    await expect(result).rejects.toBe(missing);
    expect(retries).toEqual([]);
    expect(lines).toEqual([]);
  });
});
