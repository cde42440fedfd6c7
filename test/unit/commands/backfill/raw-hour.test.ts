import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type RawObject, rebuildHour } from '../../../../commands/backfill/raw-hour.ts';

const at = (iso: string) => Date.parse(iso);
const HOUR_MS = at('2026-12-01T05:00:00Z');
const POLICY = { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 65_536 };
const BUFFER_MS = 300_000;

const pageView = (eventTime: string, eventId: string = randomUUID()) =>
  Buffer.from(
    JSON.stringify({
      schema: 'clickstream.page_view',
      version: 1,
      eventId,
      eventTime,
      sessionId: 's-1',
      page: '/',
    }),
  );
const reading = (eventTime: string) =>
  Buffer.from(
    JSON.stringify({
      schema: 'telemetry.reading',
      version: 1,
      eventId: randomUUID(),
      eventTime,
      deviceId: 'dev-1',
      temperature: 20,
      humidity: 40,
      battery: 90,
      status: 'ok',
    }),
  );
const object = (stamp: string, lines: Buffer[]): RawObject => ({
  key: `raw/streamlake-raw-events-1-${stamp}-${randomUUID()}.gz`,
  arrivalMs: at(stamp),
  lines,
});
const idsOf = (events: readonly object[]) => events.map((e) => (e as { eventId: string }).eventId);

describe('rebuilding one event-time hour from raw objects', () => {
  it('keeps the hour’s records by dataset in event-time order and leaves other hours’ records out', () => {
    const hour = rebuildHour(
      [
        object('2026-12-01T05:10:00Z', [pageView('2026-12-01T05:09:00Z'), reading('2026-12-01T05:05:00Z')]),
        // An object of the next arrival hour holds a late record of this hour and one of the next hour.
        object('2026-12-01T06:00:00Z', [pageView('2026-12-01T05:01:00Z'), pageView('2026-12-01T06:04:00Z')]),
      ],
      HOUR_MS,
      POLICY,
      BUFFER_MS,
    );
    expect(hour.partitions.map((p) => [p.dataset, p.partition, p.events.length])).toEqual([
      ['clickstream', 'dt=2026-12-01/hour=05', 2],
      ['telemetry', 'dt=2026-12-01/hour=05', 1],
    ]);
    const times = hour.partitions[0]?.events.map((e) => (e as { eventTime: string }).eventTime);
    expect(times).toEqual(['2026-12-01T05:01:00Z', '2026-12-01T05:09:00Z']);
    expect(hour.linesRead).toBe(4);
  });

  it('drops producer duplicates by event id, keeping the first copy in arrival order', () => {
    const id = randomUUID();
    const first = { ...object('2026-12-01T05:10:00Z', [pageView('2026-12-01T05:09:00Z', id)]) };
    const again = object('2026-12-01T05:20:00Z', [
      pageView('2026-12-01T05:09:00Z', id),
      pageView('2026-12-01T05:09:00Z', id),
    ]);
    const hour = rebuildHour([first, again], HOUR_MS, POLICY, BUFFER_MS);
    expect(idsOf(hour.partitions[0]?.events ?? [])).toEqual([id]);
    expect(hour.duplicates).toBe(2);
  });

  it('counts bad lines by reason once, with the hour their object is stamped in, and writes none of them', () => {
    const objects = [
      object('2026-12-01T05:10:00Z', [Buffer.from('not json'), pageView('2026-12-01T03:00:00Z')]),
      object('2026-12-01T06:10:00Z', [Buffer.from('{"schema":"nope"}')]),
    ];
    const hour = rebuildHour(objects, HOUR_MS, POLICY, BUFFER_MS);
    expect(hour.partitions).toEqual([]);
    expect(Object.fromEntries(hour.rejected)).toEqual({ 'invalid-json': 1, 'too-late': 1 });
    expect(Object.fromEntries(rebuildHour(objects, HOUR_MS + 3_600_000, POLICY, BUFFER_MS).rejected)).toEqual(
      {
        'unknown-schema': 1,
      },
    );
  });

  it('counts records whose verdict depends on when within the buffer interval they arrived as borderline', () => {
    const hour = rebuildHour(
      [
        // Stamped 04:52: an event of 05:00:30 is 8.5 min ahead at the stamp (future-dated), 3.5 min at 04:57:01.
        object('2026-12-01T04:52:00Z', [pageView('2026-12-01T05:00:30Z')]),
        // Stamped 06:02: an event of 05:03 is 59 min late at the stamp (accepted), but past the hour at 06:07:01.
        object('2026-12-01T06:02:00Z', [pageView('2026-12-01T05:03:00Z'), pageView('2026-12-01T05:30:00Z')]),
      ],
      HOUR_MS,
      POLICY,
      BUFFER_MS,
    );
    expect(hour.borderline.map((b) => [b.line, b.rebuild, b.laterArrival])).toEqual([
      [0, 'future-dated', 'accepted'],
      [0, 'accepted', 'too-late'],
    ]);
    // The rebuild judges at the stamp: the late one is written, the early one is not.
    expect(hour.partitions[0]?.events).toHaveLength(2);
  });
});
