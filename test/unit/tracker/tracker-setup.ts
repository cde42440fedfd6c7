import { vi } from 'vitest';
import { createTracker, type TrackerOptions } from '../../../tracker/src/index.ts';
import { FakeStorage, FakeWindow, fakeBeacon, fakeCollector } from './fake-browser.ts';

export const T0 = Date.parse('2026-03-01T12:00:00.000Z');
export const COLLECTOR_URL = 'https://collect.test/v1/events';

/**
 * A browser page with the tracker on it: fake window, storage, collector and beacon, on vitest's fake clock
 * (start with `vi.useFakeTimers({ now: T0 })`). `storage` may be another page's, for a reload.
 */
export const openPage = (options: Partial<TrackerOptions> & { storage?: FakeStorage } = {}) => {
  const window = new FakeWindow();
  const storage = options.storage ?? new FakeStorage();
  const collector = fakeCollector();
  const beacon = fakeBeacon();
  const tracker = createTracker({
    collectorUrl: COLLECTOR_URL,
    window,
    storage,
    fetch: collector.fetch,
    sendBeacon: beacon.send,
    random: () => 0.5,
    ...options,
  });
  return { window, storage, collector, beacon, tracker };
};

/** Lets the clock run `ms` and every promise it releases settle. */
export const elapse = (ms: number) => vi.advanceTimersByTimeAsync(ms);
