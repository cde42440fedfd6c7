import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { onHistoryChange } from '../../../tracker/src/history.ts';
import { MAX_AUTO_ERRORS_PER_PAGE } from '../../../tracker/src/tracker.ts';
import { elapse, openPage, T0 } from './tracker-setup.ts';

type Page = ReturnType<typeof openPage>;
const sent = async ({ tracker, collector }: Page) => {
  await tracker.flush();
  return collector.requests.flatMap((request) => request.events);
};

describe('what the tracker records on its own', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a page view on start and on every history navigation to another path', async () => {
    // Prepare
    const page = openPage();
    // Act
    await elapse(1_000);
    page.window.history.pushState({}, '', '/products/p-1?ref=home');
    page.window.history.replaceState({ scroll: 10 }, '', '/products/p-1?ref=home');
    await elapse(2_000);
    page.window.history.pushState({}, '', '/cart');
    page.window.back('/products/p-1');
    // Assess
    const views = (await sent(page)).filter((event) => event.schema === 'clickstream.page_view');
    expect(views.map((event) => [event.page, event.referrer, event.durationMs])).toEqual([
      ['/', undefined, undefined],
      ['/products/p-1', 'https://shop.test/', 1_000],
      ['/cart', 'https://shop.test/products/p-1', 2_000],
      ['/products/p-1', 'https://shop.test/cart', 0],
    ]);
  });

  it('none when autoPageViews is false', async () => {
    // Prepare
    const page = openPage({ autoPageViews: false });
    // Act
    page.window.history.pushState({}, '', '/cart');
    // Assess
    expect(await sent(page)).toEqual([]);
  });

  it('uncaught errors and unhandled rejections become client errors', async () => {
    // Prepare
    const page = openPage({ autoPageViews: false });
    // Act
    page.window.dispatch('error', {
      message: "Uncaught TypeError: Cannot read properties of undefined (reading 'price')",
      error: new TypeError("Cannot read properties of undefined (reading 'price')"),
    });
    page.window.dispatch('unhandledrejection', { reason: new RangeError('Invalid array length') });
    page.window.dispatch('unhandledrejection', { reason: 'plain string' });
    page.window.dispatch('error', { message: '', error: null });
    // Assess
    expect((await sent(page)).map((event) => [event.errorType, event.message])).toEqual([
      ['TypeError', "Uncaught TypeError: Cannot read properties of undefined (reading 'price')"],
      ['RangeError', 'Invalid array length'],
      ['UnhandledRejection', 'plain string'],
      ['Error', 'non-error thrown: null'],
    ]);
  });

  it(`records at most ${MAX_AUTO_ERRORS_PER_PAGE} errors a page, so an error loop cannot crowd out the rest`, async () => {
    // Prepare
    const page = openPage({ autoPageViews: false, batch: { maxEvents: 100 } });
    // Act
    for (let i = 0; i < 1_000; i++)
      page.window.dispatch('error', { message: `frame ${i}`, error: new Error('x') });
    page.tracker.click({ element: 'still-recorded' });
    // Assess
    const events = await sent(page);
    expect(events.filter((event) => event.schema === 'clickstream.client_error')).toHaveLength(
      MAX_AUTO_ERRORS_PER_PAGE,
    );
    expect(events.at(-1)?.element).toBe('still-recorded');
  });

  it('starts a new session after 30 minutes idle', async () => {
    // Prepare
    const page = openPage({ autoPageViews: false });
    // Act
    const first = page.tracker.click({ element: 'a' });
    await elapse(29 * 60_000);
    const active = page.tracker.click({ element: 'b' });
    await elapse(30 * 60_000 + 1);
    const afterIdle = page.tracker.click({ element: 'c' });
    // Assess
    expect(active.sessionId).toBe(first.sessionId);
    expect(afterIdle.sessionId).not.toBe(first.sessionId);
  });
});

describe('onHistoryChange', () => {
  it('wraps pushState and replaceState once, however many trackers listen, and every one hears', () => {
    // Prepare
    const calls: string[] = [];
    const history = {
      pushState: (...args: unknown[]) => calls.push(`push ${args[2]}`),
      replaceState: (...args: unknown[]) => calls.push(`replace ${args[2]}`),
    };
    const heard: string[] = [];
    // Act
    const stopA = onHistoryChange(history, () => heard.push('a'));
    const wrapped = history.pushState;
    onHistoryChange(history, () => heard.push('b'));
    history.pushState(null, '', '/x');
    stopA();
    history.replaceState(null, '', '/y');
    // Assess
    expect(history.pushState).toBe(wrapped);
    expect(calls).toEqual(['push /x', 'replace /y']);
    expect(heard).toEqual(['a', 'b', 'b']);
  });

  it('never lets a listener that throws break the page’s navigation', () => {
    // Prepare
    const history = { pushState: () => 'navigated', replaceState: () => 'replaced' };
    onHistoryChange(history, () => {
      throw new Error('listener bug');
    });
    // Act
    const result = history.pushState();
    // Assess
    expect(result).toBe('navigated');
  });
});
