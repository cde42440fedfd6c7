import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateEvent } from '../../../schemas/index.ts';
import { OVERFLOW_ERROR_TYPE } from '../../../tracker/src/tracker.ts';
import { elapse, openPage, T0 } from './tracker-setup.ts';

describe('a full queue', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drops the oldest waiting events, counts them, and reports the count once the collector is reachable', async () => {
    // Prepare: the collector is unreachable for the first five attempts.
    const { tracker, collector, storage } = openPage({
      autoPageViews: false,
      batch: { maxEvents: 10 },
      queueLimit: 20,
    });
    collector.answer(...Array.from({ length: 5 }, () => new TypeError('Failed to fetch')));
    // Act: b0–b9 go out at once and stay in flight while b10–b25 arrive.
    for (let i = 0; i < 26; i++) tracker.click({ element: `b${i}` });
    const whileFull = tracker.stats();
    const storedDrops = storage.queues()[0]?.dropped;
    await elapse(120_000);
    // Assess
    expect(whileFull).toMatchObject({ dropped: 6, queued: 20 });
    expect(storedDrops).toBe(6);
    const delivered = collector.requests.slice(5).flatMap((request) => request.events);
    const kept = [
      ...Array.from({ length: 10 }, (_, i) => i),
      ...Array.from({ length: 10 }, (_, i) => i + 16),
    ];
    expect(delivered.slice(0, 20).map((event) => event.element)).toEqual(kept.map((i) => `b${i}`));
    const reports = delivered.filter((event) => event.errorType === OVERFLOW_ERROR_TYPE);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.message).toBe(
      'the tracker dropped 6 events: its queue was full while the collector could not take them',
    );
    expect(validateEvent(reports[0]).ok).toBe(true);
    expect(tracker.stats()).toMatchObject({ dropped: 6, accepted: 21, queued: 0 });
  });

  it('reports drops an earlier page could not, after a reload', async () => {
    // Prepare
    const first = openPage({ autoPageViews: false, queueLimit: 20, batch: { maxEvents: 20 } });
    first.collector.answer(...Array.from({ length: 5 }, () => new TypeError('Failed to fetch')));
    for (let i = 0; i < 23; i++) first.tracker.click({ element: `b${i}` });
    first.window.dispatch('pagehide');
    first.tracker.stop();
    // Act
    const next = openPage({ storage: first.storage, autoPageViews: false });
    await next.tracker.flush();
    // Assess
    const reports = next.collector.requests
      .flatMap((request) => request.events)
      .filter((event) => event.errorType === OVERFLOW_ERROR_TYPE);
    expect(reports.map((event) => event.message)).toEqual([
      'the tracker dropped 3 events: its queue was full while the collector could not take them',
    ]);
  });
});
