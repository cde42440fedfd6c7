import { randomUUID } from 'node:crypto';
import { type Context, recentTime, word } from '../context.ts';
import { markedDevice, markedPage, markedSession } from '../markers.ts';

export type Event = Record<string, unknown>;

/** A valid event of any contract, marked with the run, as the base a malformed record spoils. */
export const template = (ctx: Context): Event => {
  const { r, runId, n } = ctx;
  const base = { eventId: randomUUID(), eventTime: recentTime(ctx) };
  const sessionId = markedSession(runId, n);
  const page = markedPage(runId, n);
  switch (
    r.pick([
      'page_view',
      'page_view2',
      'click',
      'add_to_cart',
      'purchase',
      'client_error',
      'reading',
      'status_change',
    ] as const)
  ) {
    case 'page_view':
      return { schema: 'clickstream.page_view', version: 1, ...base, sessionId, page };
    case 'page_view2':
      return {
        schema: 'clickstream.page_view',
        version: 2,
        ...base,
        sessionId,
        page,
        referrer: 'https://example.com/',
        durationMs: r.int(0, 60_000),
      };
    case 'click':
      return { schema: 'clickstream.click', version: 1, ...base, sessionId, page, element: 'buy-button' };
    case 'add_to_cart':
      return {
        schema: 'clickstream.add_to_cart',
        version: 1,
        ...base,
        sessionId,
        page,
        productId: `p-${r.int(1, 99)}`,
        quantity: r.int(1, 5),
        price: r.int(100, 9_999) / 100,
      };
    case 'purchase':
      return {
        schema: 'clickstream.purchase',
        version: 1,
        ...base,
        sessionId,
        orderId: `o-${word(r, 6, 10)}`,
        items: r.int(1, 9),
        revenue: r.int(100, 99_999) / 100,
        currency: 'EUR',
      };
    case 'client_error':
      return {
        schema: 'clickstream.client_error',
        version: 1,
        ...base,
        sessionId,
        page,
        errorType: 'TypeError',
        message: 'x is undefined',
      };
    case 'reading':
      return {
        schema: 'telemetry.reading',
        version: 1,
        ...base,
        deviceId: markedDevice(runId, n),
        temperature: r.int(150, 300) / 10,
        humidity: r.int(20, 80),
        battery: r.int(5, 100),
        status: 'ok',
      };
    case 'status_change':
      return {
        schema: 'telemetry.status_change',
        version: 1,
        ...base,
        deviceId: markedDevice(runId, n),
        from: 'online',
        to: 'offline',
      };
  }
};

export const ENVELOPE = new Set(['schema', 'version']);
export const OPTIONAL = new Set(['userId', 'referrer', 'durationMs', 'firmware']);
/** The string fields a malformed record may spoil: not the envelope, eventId or eventTime. */
export const stringFields = (event: Event) =>
  Object.keys(event).filter(
    (k) => typeof event[k] === 'string' && !ENVELOPE.has(k) && k !== 'eventId' && k !== 'eventTime',
  );
export const numberFields = (event: Event) =>
  Object.keys(event).filter((k) => typeof event[k] === 'number' && !ENVELOPE.has(k));
