import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BATCH } from '../../../tracker/src/options.ts';
import { acceptAll, type SentRequest } from './fake-browser.ts';
import { elapse, openPage, T0 } from './tracker-setup.ts';

const clicks = (tracker: ReturnType<typeof openPage>['tracker'], count: number, element = 'button') => {
  for (let i = 0; i < count; i++) tracker.click({ element });
};

describe('batching', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a batch as soon as it holds maxEvents events', async () => {
    // Prepare
    const { tracker, collector } = openPage({ autoPageViews: false, batch: { maxBytes: 200_000 } });
    // Act
    clicks(tracker, 99);
    const before = collector.requests.length;
    clicks(tracker, 1);
    await elapse(0);
    // Assess
    expect(before).toBe(0);
    expect(collector.requests.map((request) => request.events.length)).toEqual([100]);
    expect(tracker.stats()).toMatchObject({ accepted: 100, queued: 0 });
  });

  it('batches 100 events or 32,000 bytes by default: at $3.50 per million requests, $0.035 per million events', () => {
    expect(DEFAULT_BATCH).toEqual({ maxEvents: 100, maxBytes: 32_000, maxDelayMs: 5_000 });
    // Half the browsers' 64 KiB keepalive budget: a beacon still fits beside a batch in flight.
    expect(DEFAULT_BATCH.maxBytes).toBeLessThanOrEqual(65_536 / 2);
  });

  it('sends what waits once its oldest event has waited maxDelayMs', async () => {
    // Prepare
    const { tracker, collector } = openPage({ autoPageViews: false, batch: { maxDelayMs: 5_000 } });
    clicks(tracker, 1);
    await elapse(3_000);
    clicks(tracker, 2);
    // Act
    await elapse(1_999);
    const early = collector.requests.length;
    await elapse(1);
    // Assess
    expect(early).toBe(0);
    expect(collector.requests.map((request) => request.events.length)).toEqual([3]);
  });

  it('sends a batch once its body reaches maxBytes, never a body over it', async () => {
    // Prepare
    const { tracker, collector } = openPage({ autoPageViews: false, batch: { maxBytes: 2_000 } });
    const element = 'e'.repeat(120);
    // Act
    clicks(tracker, 9, element);
    await elapse(0);
    // Assess
    const [first] = collector.requests;
    expect(first?.events.length).toBeGreaterThan(1);
    expect(first?.events.length).toBeLessThan(9);
    expect(new TextEncoder().encode(first?.init.body).length).toBeLessThanOrEqual(2_000);
    expect(tracker.stats().queued).toBe(9 - (first?.events.length ?? 0));
  });

  it('posts text/plain (a CORS-simple request), without cookies, with keepalive only up to 64 KiB', async () => {
    // Prepare
    const { tracker, collector } = openPage({
      autoPageViews: false,
      batch: { maxEvents: 500, maxBytes: 200_000 },
    });
    // Act
    clicks(tracker, 10);
    await tracker.flush();
    clicks(tracker, 400, 'e'.repeat(120));
    await tracker.flush();
    // Assess
    const [small, large] = collector.requests;
    expect(small?.url).toBe('https://collect.test/v1/events');
    expect(small?.init).toMatchObject({
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      keepalive: true,
      credentials: 'omit',
    });
    expect(new TextEncoder().encode(large?.init.body).length).toBeGreaterThan(65_536);
    expect(large?.init.keepalive).toBe(false);
  });

  it('keeps one request in flight and the queue order across requests', async () => {
    // Prepare
    const { tracker, collector } = openPage({ autoPageViews: false, batch: { maxEvents: 2 } });
    let answer: (response: Response) => void = () => {};
    collector.answer(new Promise<Response>((resolve) => (answer = resolve)));
    // Act
    for (const element of ['a', 'b', 'c', 'd', 'e']) tracker.click({ element });
    const whileInFlight = collector.requests.length;
    answer(acceptAll(collector.requests[0] as SentRequest));
    await tracker.flush();
    // Assess
    expect(whileInFlight).toBe(1);
    expect(collector.requests.map((request) => request.events.map((event) => event.element))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e'],
    ]);
  });

  it('sends an X-Api-Key header when given a key (server-side sources)', async () => {
    // Prepare
    const { tracker, collector } = openPage({ autoPageViews: false, apiKey: 'key-123' });
    // Act
    clicks(tracker, 1);
    await tracker.flush();
    // Assess
    expect(collector.requests[0]?.init.headers).toEqual({
      'Content-Type': 'text/plain',
      'X-Api-Key': 'key-123',
    });
  });

  it('refuses options out of range, naming the option and the value given', () => {
    expect(() => openPage({ batch: { maxEvents: 501 } })).toThrow(
      'batch.maxEvents must be an integer between 1 and 500 inclusive (given 501)',
    );
    expect(() => openPage({ queueLimit: 5 })).toThrow('queueLimit must be an integer between 100 and 100000');
    expect(() => openPage({ collectorUrl: '' })).toThrow("collectorUrl must be the collector's URL");
  });
});
