import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../producers/event-ids.ts';
import { validateEvent } from '../../../schemas/index.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
/** Version nibble 7, variant bits 10 (hex 8–b), lowercase, as RFC 9562 lays a UUIDv7 out. */
const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The 48-bit Unix millisecond time at the front of a UUIDv7, read independently of how it was written. */
const timeOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('uuidv7', () => {
  it('is a lowercase UUID of version 7 and variant 10 that holds the time it was minted for', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => uuidv7(T0 + i));
    expect(ids.filter((id) => !UUIDV7.test(id))).toEqual([]);
    expect(ids.map(timeOf)).toEqual(ids.map((_, i) => T0 + i));
  });

  it('holds the current time when given none', () => {
    const before = Date.now();
    const id = uuidv7();
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(Date.now());
  });

  it('gives 100,000 ids minted in the same millisecond 100,000 values', () => {
    const ids = Array.from({ length: 100_000 }, () => uuidv7(T0));
    expect(new Set(ids).size).toBe(ids.length);
    // 74 random bits each: every random hex digit takes all 16 values.
    expect(new Set(ids.map((id) => id.at(-1))).size).toBe(16);
  });

  it('sorts as text in the order of its time, across the whole 48-bit range', () => {
    const times = [0, 1, 255, 256, 65_535, 2 ** 32, T0 - 1, T0, T0 + 1, 2 ** 48 - 1];
    const ids = times.map((ms) => uuidv7(ms)).toReversed();
    expect(ids.toSorted().map(timeOf)).toEqual(times);
  });

  it('takes the millisecond a fractional time falls in, and refuses times a UUIDv7 cannot hold', () => {
    expect(timeOf(uuidv7(T0 + 0.9))).toBe(T0);
    for (const ms of [-1, 2 ** 48, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => uuidv7(ms)).toThrow(RangeError);
    }
  });

  it('satisfies the eventId contract of the event schemas', () => {
    const event = {
      schema: 'clickstream.page_view',
      version: 1,
      eventId: uuidv7(T0),
      eventTime: new Date(T0).toISOString(),
      sessionId: 's-1',
      page: '/',
    };
    expect(validateEvent(event).ok).toBe(true);
  });
});
