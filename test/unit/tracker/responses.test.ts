import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reply, type SentRequest } from './fake-browser.ts';
import { elapse, openPage, T0 } from './tracker-setup.ts';

const elements = (request: SentRequest | undefined) => request?.events.map((event) => event.element);

const openWith = (count: number, options: Parameters<typeof openPage>[0] = {}) => {
  const page = openPage({ autoPageViews: false, ...options });
  for (let i = 0; i < count; i++) page.tracker.click({ element: `b${i}` });
  return page;
};

describe('what the tracker does with the collector’s answer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('429 keeps the batch and resends it no sooner than Retry-After', async () => {
    // Prepare
    const { tracker, collector } = openWith(3);
    collector.answer(reply(429, { message: 'throttled' }, { 'Retry-After': '7' }));
    // Act
    await tracker.flush();
    await elapse(6_999);
    const beforeRetryAfter = collector.requests.length;
    await elapse(1);
    // Assess
    expect(beforeRetryAfter).toBe(1);
    expect(collector.requests.map(elements)).toEqual([
      ['b0', 'b1', 'b2'],
      ['b0', 'b1', 'b2'],
    ]);
    expect(tracker.stats()).toMatchObject({ accepted: 3, retries: 1, queued: 0 });
  });

  it('network errors and 5xx back off exponentially with full jitter, then succeed', async () => {
    // Prepare: random() is 0.5, so each wait is half its ceiling of 1 s, 2 s, 4 s.
    const { tracker, collector } = openWith(1);
    collector.answer(new TypeError('Failed to fetch'), reply(503, { message: 'unavailable' }), reply(500));
    // Act
    await tracker.flush();
    const times: number[] = [];
    for (let i = 0; i < 50 && collector.requests.length < 4; i++) {
      const before = collector.requests.length;
      await elapse(100);
      if (collector.requests.length > before) times.push(Date.now() - T0);
    }
    // Assess
    expect(times).toEqual([500, 1_500, 3_500]);
    expect(tracker.stats()).toMatchObject({ accepted: 1, retries: 3, queued: 0 });
  });

  it('207 resends only the refused entries that may succeed, after a backoff, and counts the others', async () => {
    // Prepare
    const { tracker, collector } = openWith(5);
    collector.answer(
      reply(207, {
        accepted: 3,
        refused: [
          { index: 1, error: 'ProvisionedThroughputExceededException', retryable: true },
          { index: 3, error: 'InternalFailure', retryable: false },
        ],
      }),
    );
    // Act
    await tracker.flush();
    const queuedAfter207 = tracker.stats().queued;
    await elapse(500);
    // Assess
    expect(queuedAfter207).toBe(1);
    expect(collector.requests.map(elements)).toEqual([['b0', 'b1', 'b2', 'b3', 'b4'], ['b1']]);
    expect(tracker.stats()).toMatchObject({ accepted: 4, refused: 1, queued: 0 });
  });

  it('413 halves the batch until the halves pass', async () => {
    // Prepare
    const { tracker, collector } = openWith(4);
    collector.answer(reply(413, { message: 'batch too large' }));
    // Act
    await tracker.flush();
    await elapse(0);
    // Assess
    expect(collector.requests.map(elements)).toEqual([
      ['b0', 'b1', 'b2', 'b3'],
      ['b0', 'b1'],
      ['b2', 'b3'],
    ]);
    expect(tracker.stats()).toMatchObject({ accepted: 4, rejected: 0, queued: 0 });
  });

  it('400 splits the batch until the bad event is alone, then drops and counts only it, with the reason', async () => {
    // Prepare: the collector refuses every request that carries b2.
    const { tracker, collector } = openWith(4);
    const refuseB2 = (request: SentRequest) =>
      elements(request)?.includes('b2')
        ? reply(400, { message: 'event 2: eventTime is required' })
        : reply(200, { accepted: request.events.length, refused: [] });
    collector.answer(...Array.from({ length: 10 }, () => refuseB2));
    // Act
    await tracker.flush();
    await elapse(0);
    // Assess
    expect(tracker.stats()).toMatchObject({
      accepted: 3,
      rejected: 1,
      lastRejection: '400: event 2: eventTime is required',
      queued: 0,
    });
    expect(collector.requests.length).toBeLessThanOrEqual(6);
  });

  it('403 drops the batch and says why: resending cannot change the answer', async () => {
    // Prepare
    const { tracker, collector } = openWith(2);
    collector.answer(reply(403, { message: 'origin https://other.test is not allowed' }));
    // Act
    await tracker.flush();
    await elapse(120_000);
    // Assess
    expect(collector.requests).toHaveLength(1);
    expect(tracker.stats()).toMatchObject({
      rejected: 2,
      lastRejection: '403: origin https://other.test is not allowed',
      queued: 0,
    });
  });

  it('coming back online retries at once instead of waiting out the backoff', async () => {
    // Prepare
    const { tracker, collector, window } = openWith(1);
    collector.answer(
      new TypeError('Failed to fetch'),
      new TypeError('Failed to fetch'),
      new TypeError('Failed to fetch'),
    );
    await tracker.flush();
    await elapse(500);
    await elapse(1_000);
    const retriesBefore = tracker.stats().retries;
    // Act: the third failure set a 2 s backoff; the network returns at once.
    window.dispatch('online');
    await elapse(0);
    // Assess
    expect(retriesBefore).toBe(3);
    expect(collector.requests).toHaveLength(4);
    expect(tracker.stats()).toMatchObject({ accepted: 1, queued: 0 });
  });
});
