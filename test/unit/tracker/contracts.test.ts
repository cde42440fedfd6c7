import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateEvent } from '../../../schemas/index.ts';
import { clip } from '../../../tracker/src/events.ts';
import { openPage, T0 } from './tracker-setup.ts';

const detailOf = (event: unknown) => {
  const result = validateEvent(event);
  return result.ok ? 'valid' : result.detail;
};

describe('the tracker’s events follow the clickstream contracts', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('every helper’s event validates against its contract, as returned and as the collector receives it', async () => {
    // Prepare
    const { tracker, collector, window } = openPage({ autoPageViews: false });
    window.location.pathname = '/products/p-1';
    // Act
    const events = [
      tracker.pageView(),
      tracker.pageView({ page: '/cart', userId: 'u-1' }),
      tracker.click({ element: 'buy-button' }),
      tracker.addToCart({ productId: 'p-1', quantity: 2, price: 19.99 }),
      tracker.purchase({ orderId: 'o-1', items: 2, revenue: 39.98, currency: 'EUR', userId: 'u-1' }),
      tracker.clientError({
        errorType: 'TypeError',
        message: "Cannot read properties of undefined (reading 'x')",
      }),
      tracker.track('click', { element: 'logo', page: '/' }),
    ];
    await tracker.flush();
    // Assess
    expect(events.map(detailOf)).toEqual(events.map(() => 'valid'));
    expect(collector.requests.flatMap((request) => request.events)).toEqual(events);
    expect(events.map((event) => [event.schema, event.version])).toEqual([
      ['clickstream.page_view', 2],
      ['clickstream.page_view', 2],
      ['clickstream.click', 1],
      ['clickstream.add_to_cart', 1],
      ['clickstream.purchase', 1],
      ['clickstream.client_error', 1],
      ['clickstream.click', 1],
    ]);
  });

  it('fills the envelope: a time-ordered UUIDv7, the UTC time to the millisecond, the session', () => {
    // Prepare
    const { tracker } = openPage({ autoPageViews: false });
    // Act
    const first = tracker.click({ element: 'a' });
    vi.advanceTimersByTime(1234);
    const second = tracker.click({ element: 'b' });
    // Assess
    expect(first.eventTime).toBe('2026-03-01T12:00:00.000Z');
    expect(second.eventTime).toBe('2026-03-01T12:00:01.234Z');
    expect(Number.parseInt(second.eventId.replaceAll('-', '').slice(0, 12), 16)).toBe(T0 + 1234);
    expect(first.eventId < second.eventId).toBe(true);
    expect(second.sessionId).toBe(first.sessionId);
    // The page comes from the location where the contract has one; a purchase has none.
    expect(first.page).toBe('/');
    expect('page' in tracker.purchase({ orderId: 'o', items: 1, revenue: 1, currency: 'USD' })).toBe(false);
  });

  it('a page view measures the time on the previous page and names it as the referrer', () => {
    // Prepare
    const { tracker, window } = openPage({ autoPageViews: false });
    window.document.referrer = 'https://www.google.com/';
    // Act
    const landing = tracker.pageView();
    vi.advanceTimersByTime(8_500);
    window.location.pathname = '/products/p-2';
    const next = tracker.pageView();
    // Assess
    expect(landing).not.toHaveProperty('durationMs');
    expect(landing.referrer).toBe('https://www.google.com/');
    expect(next.durationMs).toBe(8_500);
    expect(next.referrer).toBe('https://shop.test/');
    expect(detailOf(next)).toBe('valid');
  });

  it('clips what it reads from the page to the contracts’ lengths, never splitting a surrogate pair', async () => {
    // Prepare
    const { tracker, window, collector } = openPage({ autoPageViews: false });
    window.location.pathname = `/${'a'.repeat(600)}`;
    const longMessage = `${'x'.repeat(1023)}😀 and more`;
    // Act
    window.dispatch('error', { message: longMessage, error: new RangeError('boom') });
    const view = tracker.pageView();
    await tracker.flush();
    // Assess
    const [error] = collector.requests.flatMap((request) => request.events);
    expect(error).toMatchObject({ errorType: 'RangeError', message: 'x'.repeat(1023) });
    expect(detailOf(error)).toBe('valid');
    expect(view.page).toHaveLength(512);
    expect(detailOf(view)).toBe('valid');
    expect(clip('😀', 1)).toBe('');
    expect(clip('ab😀', 4)).toBe('ab😀');
  });

  it('refuses an event type no contract has, naming it and the known ones', () => {
    // Prepare
    const { tracker } = openPage({ autoPageViews: false });
    // Act
    const track = () => tracker.track('checkout' as 'click', { element: 'x' });
    // Assess
    expect(track).toThrow(
      'unknown event type "checkout": use one of page_view, click, add_to_cart, purchase, client_error',
    );
    expect(() => tracker.track('toString' as 'click', { element: 'x' })).toThrow(TypeError);
  });
});
