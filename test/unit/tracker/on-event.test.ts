import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrackedEvent } from '../../../tracker/src/index.ts';
import { openPage, T0 } from './tracker-setup.ts';

describe('the onEvent option', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is told of every event queued, the automatic ones too, exactly as it is sent', async () => {
    // Prepare
    const told: TrackedEvent[] = [];
    const page = openPage({ onEvent: (event) => told.push(event) });

    // Act
    page.tracker.click({ element: 'buy' });
    page.window.dispatch('error', { message: 'boom', error: new RangeError('boom') });
    page.window.history.pushState({}, '', '/cart');
    await page.tracker.flush();

    // Assess
    const sent = page.collector.requests.flatMap((request) => request.events);
    expect(told.map((event) => [event.schema, 'page' in event ? event.page : undefined])).toEqual([
      ['clickstream.page_view', '/'],
      ['clickstream.click', '/'],
      ['clickstream.client_error', '/'],
      ['clickstream.page_view', '/cart'],
    ]);
    expect(sent).toEqual(told);
  });

  it('a listener that throws costs neither the event nor the page', async () => {
    // Prepare
    const page = openPage({
      onEvent: () => {
        throw new Error('the page’s listener is broken');
      },
    });

    // Act
    const click = page.tracker.click({ element: 'buy' });
    await page.tracker.flush();

    // Assess
    const sent = page.collector.requests.flatMap((request) => request.events);
    expect(sent.map((event) => event.eventId)).toContain(click.eventId);
    expect(sent).toHaveLength(2);
  });

  it('is not told of events a stopped tracker does not send', () => {
    // Prepare
    const told: TrackedEvent[] = [];
    const page = openPage({ autoPageViews: false, onEvent: (event) => told.push(event) });

    // Act
    page.tracker.stop();
    page.tracker.click({ element: 'buy' });

    // Assess
    expect(told).toEqual([]);
  });
});
