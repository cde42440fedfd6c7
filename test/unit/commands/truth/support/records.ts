import type { StreamRecord } from '../../../../../commands/truth/stream-recount.ts';
import type { StreamlakeEvent } from '../../../../../schemas/index.ts';

/** A fixed UUID per number, as the contracts want. */
export const uuidOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** When the fake records arrive, unless a test says otherwise. */
export const ARRIVAL_MS = Date.parse('2026-11-22T05:30:00.000Z');

export const SETTINGS = {
  policy: { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 65_536 },
  horizonMs: 900_000,
};

/** A valid event: a page view, a purchase or a reading, by `i`, timed `secondsBefore` the arrival. */
export const eventOf = (i: number, secondsBefore = i % 90): StreamlakeEvent => {
  const base = { eventId: uuidOf(i), eventTime: new Date(ARRIVAL_MS - secondsBefore * 1000).toISOString() };
  if (i % 3 === 0)
    return { ...base, schema: 'clickstream.page_view', version: 1, sessionId: 's-1', page: `/p/${i % 4}` };
  if (i % 3 === 1)
    return {
      ...base,
      schema: 'clickstream.purchase',
      version: 1,
      sessionId: 's-1',
      orderId: `o-${i}`,
      items: 1 + (i % 3),
      revenue: 0.1 * (i % 7) + 1.3,
      currency: 'EUR',
    };
  return {
    ...base,
    schema: 'telemetry.reading',
    version: 1,
    deviceId: `d-${i % 2}`,
    temperature: 20.1 + i / 10,
    humidity: 40,
    battery: 90 - (i % 5),
    status: 'ok',
  };
};

/** Records in sequence order: `sequenceNumber` 1000 + index, arriving one second apart from ARRIVAL_MS. */
export const recordsOf = (
  payloads: readonly (StreamlakeEvent | string)[],
  firstArrivalMs = ARRIVAL_MS,
): StreamRecord[] =>
  payloads.map((payload, i) => ({
    sequenceNumber: String(1000 + i),
    partitionKey: 'k',
    data: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    arrivalMs: firstArrivalMs + i * 1000,
  }));
