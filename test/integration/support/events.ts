import { randomUUID } from 'node:crypto';
import type { StreamlakeEvent } from '../../../schemas/index.ts';

const PAGES = ['/', '/search', '/category/shoes', '/product/p-1', '/product/p-2', '/cart'];

/** A varied, valid mix of clickstream and telemetry events, all with event times near `nowMs`. */
export const sampleEvents = (count: number, nowMs = Date.now()): StreamlakeEvent[] =>
  Array.from({ length: count }, (_, i): StreamlakeEvent => {
    const base = { eventId: randomUUID(), eventTime: new Date(nowMs - (i % 90) * 1000).toISOString() };
    switch (i % 4) {
      case 0:
      case 1:
        return {
          ...base,
          schema: 'clickstream.page_view',
          version: 1,
          sessionId: `s-${i % 37}`,
          page: PAGES[i % PAGES.length] as string,
        };
      case 2:
        return {
          ...base,
          schema: 'clickstream.purchase',
          version: 1,
          sessionId: `s-${i % 37}`,
          orderId: `o-${i}`,
          items: 1 + (i % 3),
          revenue: Math.round((5 + (i % 17) * 3.7) * 100) / 100,
          currency: 'EUR',
        };
      default:
        return {
          ...base,
          schema: 'telemetry.reading',
          version: 1,
          deviceId: `dev-${i % 5}`,
          temperature: 20 + (i % 11) * 0.5,
          humidity: 40 + (i % 7),
          battery: 100 - (i % 13),
          status: 'ok',
        };
    }
  });

export const partitionKeyOf = (event: StreamlakeEvent): string =>
  'deviceId' in event ? event.deviceId : event.sessionId;

export const asRecords = (events: readonly StreamlakeEvent[]) =>
  events.map((event) => ({ data: JSON.stringify(event), partitionKey: partitionKeyOf(event) }));
