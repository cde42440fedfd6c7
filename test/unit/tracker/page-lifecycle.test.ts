import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RESEND_WITHIN_MS } from '../../../tracker/src/queue.ts';
import { elapse, openPage, T0 } from './tracker-setup.ts';

type Page = ReturnType<typeof openPage>;
const clicks = ({ tracker }: Page, elements: string[]) => {
  for (const element of elements) tracker.click({ element });
};
/** The page goes away: pagehide, and nothing of it runs any more. */
const unload = (page: Page) => {
  page.window.dispatch('pagehide');
  page.tracker.stop();
};
const elementsOf = (events: Record<string, unknown>[]) =>
  events.map((event) => event.element ?? event.schema);

describe('the page going away', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('on pagehide beacons what waits, as text/plain, and keeps it stored, marked sent, for the next page', async () => {
    // Prepare
    const page = openPage({ autoPageViews: false });
    clicks(page, ['a', 'b']);
    // Act
    page.window.dispatch('pagehide');
    // Assess
    const [beacon] = page.beacon.sent;
    expect(beacon?.url).toBe('https://collect.test/v1/events');
    expect(beacon?.data.type).toBe('text/plain');
    expect(elementsOf(await page.beacon.events())).toEqual(['a', 'b']);
    expect(page.tracker.stats()).toMatchObject({ beaconed: 2 });
    expect(page.collector.requests).toHaveLength(0);
    const [stored] = page.storage.queues();
    expect(stored?.closed).toBe(true);
    expect(stored?.events.map(([event, , sentAt]) => [event.element, sentAt])).toEqual([
      ['a', T0],
      ['b', T0],
    ]);
  });

  it('also beacons when the page is hidden, since a hidden page may never come back', async () => {
    // Prepare
    const page = openPage({ autoPageViews: false });
    clicks(page, ['a']);
    // Act
    page.window.hide();
    await elapse(10_000);
    // Assess
    expect(elementsOf(await page.beacon.events())).toEqual(['a']);
    expect(page.collector.requests).toHaveLength(0);
  });

  it('a reload resends the beaconed events, which the collector counts once within its duplicate horizon', async () => {
    // Prepare
    const first = openPage();
    clicks(first, ['a', 'b']);
    unload(first);
    await elapse(2_000);
    // Act: the adopted events keep their age, so they go when the first of them has waited 5 s.
    const reloaded = openPage({ storage: first.storage });
    await elapse(3_000);
    // Assess
    expect(elementsOf(await first.beacon.events())).toEqual(['clickstream.page_view', 'a', 'b']);
    expect(reloaded.collector.requests.map((request) => elementsOf(request.events))).toEqual([
      ['clickstream.page_view', 'a', 'b', 'clickstream.page_view'],
    ]);
  });

  it('a page opened after the duplicate horizon does not resend what was beaconed', async () => {
    // Prepare
    const first = openPage({ autoPageViews: false });
    clicks(first, ['a']);
    unload(first);
    await elapse(RESEND_WITHIN_MS + 1);
    // Act
    const later = openPage({ storage: first.storage, autoPageViews: false });
    await later.tracker.flush();
    // Assess
    expect(later.collector.requests).toHaveLength(0);
    expect(later.storage.queues().flatMap((stored) => stored.events)).toEqual([]);
  });

  it('offline, sends no beacon: the events stay stored and the next page sends them whenever it runs', async () => {
    // Prepare
    const first = openPage({ autoPageViews: false });
    first.window.navigator.onLine = false;
    clicks(first, ['a', 'b']);
    // Act
    unload(first);
    await elapse(2 * 86_400_000);
    const nextDay = openPage({ storage: first.storage, autoPageViews: false });
    await elapse(0);
    // Assess
    expect(first.beacon.sent).toHaveLength(0);
    expect(elementsOf(nextDay.collector.requests.flatMap((request) => request.events))).toEqual(['a', 'b']);
  });

  it('after a failed request sends no beacon either: its fate would be unknown and likely lost', async () => {
    // Prepare
    const page = openPage({ autoPageViews: false });
    page.collector.answer(new TypeError('Failed to fetch'));
    clicks(page, ['a']);
    await page.tracker.flush();
    // Act
    page.window.dispatch('pagehide');
    // Assess
    expect(page.beacon.sent).toHaveLength(0);
    expect(page.storage.queues()[0]?.events.map(([event, , sentAt]) => [event.element, sentAt])).toEqual([
      ['a', undefined],
    ]);
  });

  it('beacons at most 64 KiB; what does not fit stays stored for the next page', async () => {
    // Prepare
    const page = openPage({
      autoPageViews: false,
      batch: { maxEvents: 500, maxBytes: 500_000 },
      queueLimit: 2_000,
    });
    clicks(
      page,
      Array.from({ length: 400 }, (_, i) => `${i}`.padStart(120, '0')),
    );
    // Act
    page.window.dispatch('pagehide');
    // Assess
    const [beacon] = page.beacon.sent;
    const beaconed = await page.beacon.events();
    expect(beacon?.data.size).toBeLessThanOrEqual(65_536);
    expect(beaconed.length).toBeGreaterThan(150);
    expect(beaconed.length).toBeLessThan(400);
    const waiting = page.storage.queues()[0]?.events.filter(([, , sentAt]) => sentAt === undefined) ?? [];
    expect(beaconed.length + waiting.length).toBe(400);
  });

  it('when the browser refuses the beacon, the events wait as they were', async () => {
    // Prepare
    const page = openPage({ autoPageViews: false });
    page.beacon.accept = false;
    clicks(page, ['a']);
    // Act
    page.window.dispatch('pagehide');
    // Assess
    expect(page.tracker.stats()).toMatchObject({ beaconed: 0, queued: 1 });
    expect(page.storage.queues()[0]?.events[0]?.[2]).toBeUndefined();
  });

  it('with an API key sends no beacon, which cannot carry the header', () => {
    // Prepare
    const page = openPage({ autoPageViews: false, apiKey: 'k' });
    clicks(page, ['a']);
    // Act
    page.window.dispatch('pagehide');
    // Assess
    expect(page.beacon.sent).toHaveLength(0);
  });

  it('marks the request in flight at unload as sent: its answer will never be seen', () => {
    // Prepare
    const page = openPage({ autoPageViews: false, batch: { maxEvents: 1 } });
    page.collector.answer(new Promise<Response>(() => {}));
    clicks(page, ['in-flight']);
    // Act
    page.window.dispatch('pagehide');
    // Assess
    expect(page.beacon.sent).toHaveLength(0);
    expect(page.storage.queues()[0]?.events.map(([event, , sentAt]) => [event.element, sentAt])).toEqual([
      ['in-flight', T0],
    ]);
  });

  it('stop() stops listening and sending, and leaves the queue for the next page', async () => {
    // Prepare
    const page = openPage();
    clicks(page, ['a']);
    // Act
    page.tracker.stop();
    page.tracker.click({ element: 'after-stop' });
    page.window.dispatch('pagehide');
    await elapse(60_000);
    const next = openPage({ storage: page.storage, autoPageViews: false });
    await elapse(0);
    // Assess
    expect(page.window.listenerCount() + page.window.document.listenerCount()).toBe(0);
    expect(page.collector.requests).toHaveLength(0);
    expect(elementsOf(next.collector.requests.flatMap((request) => request.events))).toEqual([
      'clickstream.page_view',
      'a',
    ]);
  });

  it('never reads or writes a cookie', async () => {
    // Prepare
    const page = openPage();
    // Act
    clicks(page, ['a']);
    page.window.history.pushState(null, '', '/cart');
    page.window.dispatch('error', { message: 'x', error: new Error('x') });
    await page.tracker.flush();
    page.window.dispatch('pagehide');
    // Assess
    expect([page.window.document.cookieReads, page.window.document.cookieWrites]).toEqual([0, 0]);
  });
});
