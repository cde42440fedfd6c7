import { type ProducedRecord, recordOf } from '../../../producers/source.ts';
import type { PageView } from '../../../schemas/index.ts';

let nextId = 0;

/** A valid page view of `sessionId`, each with an event id of its own. */
export const pageView = (sessionId: string): PageView => ({
  schema: 'clickstream.page_view',
  version: 1,
  eventId: `00000000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`,
  eventTime: '2026-03-01T12:00:00.000Z',
  sessionId,
  page: '/',
});

/** One produced record per key, a page view partitioned by that key (its session). */
export const pageViewRecords = (...keys: string[]): ProducedRecord[] =>
  keys.map((key) => recordOf(pageView(key)));
