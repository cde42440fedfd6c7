import { describe, expect, it } from 'vitest';
import { parseUtcMillis, UTC_YEARS, validateEvent } from '../../../schemas/index.ts';
import { statusChange } from '../support/kinesis-records.ts';

describe('parseUtcMillis', () => {
  it.each([
    ['an all-zero date', '0000-00-00T00:00:00Z'],
    ['hour 24', '2026-12-01T24:10:06Z'],
    ['February 30 at 25:61:61', '2026-02-30T25:61:61Z'],
    ['February 29 of a common year', '2025-02-29T00:00:00Z'],
    ['February 29 of 2100, not a leap year', '2100-02-29T00:00:00Z'],
    ['April 31', '2026-04-31T00:00:00Z'],
    ['day 0', '2026-01-00T00:00:00Z'],
    ['day 32', '2026-01-32T00:00:00Z'],
    ['month 0', '2026-00-10T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['minute 60', '2026-11-22T05:60:07Z'],
    ['second 60 (a leap second)', '2016-12-31T23:59:60Z'],
    ['a year before the range', `${UTC_YEARS.min - 1}-12-31T23:59:59.999Z`],
    ['year 0001', '0001-01-01T00:00:00Z'],
    ['an expanded year', '+002026-11-22T05:06:07Z'],
    ['a negative year', '-002026-11-22T05:06:07Z'],
    ['a lowercase z', '2026-11-22T05:06:07z'],
    ['a lowercase t', '2026-11-22t05:06:07Z'],
    ['a space for T', '2026-11-22 05:06:07Z'],
    ['an offset', '2026-11-22T05:06:07+01:00'],
    ['a zero offset', '2026-11-22T05:06:07+00:00'],
    ['a fraction and an offset', '2026-11-22T05:06:07.123+01:00'],
    ['no Z', '2026-11-22T05:06:07'],
    ['no Z after a fraction', '2026-11-22T05:06:07.123'],
    ['a date alone', '2026-11-22'],
    ['a 4-digit fraction', '2026-11-22T05:06:07.1234Z'],
    ['a dot without digits', '2026-11-22T05:06:07.Z'],
    ['a comma for the dot', '2026-11-22T05:06:07,123Z'],
    ['an empty string', ''],
    ['a letter in the year', '2O26-11-22T05:06:07Z'],
    ['a letter in the minutes', '2026-11-22T05:0x:07Z'],
    ['a letter in the fraction', '2026-11-22T05:06:07.1a3Z'],
    ['a sign in a digit place', '2026-+1-22T05:06:07Z'],
    ['a slash for a dash', '2026/11/22T05:06:07Z'],
    ['a dot for a colon', '2026-11-22T05.06.07Z'],
    ['full-width digits', '２０２６-11-22T05:06:07Z'],
    ['a leading space', ' 2026-11-22T05:06:07Z'],
    ['epoch milliseconds', '1795323967123'],
  ])('rejects %s as NaN (%s)', (_, text) => {
    // Prepare
    const given = text;

    // Act
    const ms = parseUtcMillis(given);

    // Assess
    expect(ms).toBeNaN();
  });

  it.each([
    ['the epoch', '1970-01-01T00:00:00Z', Date.UTC(1970, 0, 1)],
    ['the last instant of the range', '9999-12-31T23:59:59.999Z', Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
    ['a leap day', '2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
    ['the leap day of a year divisible by 400', '2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['March 1 after a leap day', '2024-03-01T00:00:00Z', Date.UTC(2024, 2, 1)],
    ['March 1 of 2100, a common year', '2100-03-01T00:00:00Z', Date.UTC(2100, 2, 1)],
    ['the last day of a common February', '2025-02-28T23:59:59Z', Date.UTC(2025, 1, 28, 23, 59, 59)],
    ['the last millisecond of a day', '2026-11-22T23:59:59.999Z', Date.UTC(2026, 10, 22, 23, 59, 59, 999)],
    ['the last millisecond of a year', '2026-12-31T23:59:59.999Z', Date.UTC(2026, 11, 31, 23, 59, 59, 999)],
    ['a 30-day month end', '2026-04-30T00:00:00Z', Date.UTC(2026, 3, 30)],
    ['a fraction of 1 digit as tenths', '2026-11-22T05:06:07.1Z', Date.UTC(2026, 10, 22, 5, 6, 7, 100)],
    ['a fraction of 2 digits as hundredths', '2026-11-22T05:06:07.12Z', Date.UTC(2026, 10, 22, 5, 6, 7, 120)],
    [
      'a fraction of 3 digits as milliseconds',
      '2026-11-22T05:06:07.123Z',
      Date.UTC(2026, 10, 22, 5, 6, 7, 123),
    ],
    ['a zero fraction', '2026-11-22T05:06:07.000Z', Date.UTC(2026, 10, 22, 5, 6, 7)],
  ])('reads %s (%s) as Date.UTC does', (_, text, expected) => {
    // Prepare
    const given = text;

    // Act
    const ms = parseUtcMillis(given);

    // Assess
    expect(ms).toBe(expected);
  });

  it('agrees with Date.parse at every hour of every day from 1970 to 2100', () => {
    // Prepare
    const times: string[] = [];
    for (let ms = 0; ms < Date.UTC(2101, 0, 1); ms += 3_600_000 * 7 + 1001) {
      times.push(new Date(ms).toISOString());
    }

    // Act
    const mismatches = times.filter((text) => parseUtcMillis(text) !== Date.parse(text));

    // Assess
    expect(times.length).toBeGreaterThan(150_000);
    expect(mismatches).toEqual([]);
  });
});

describe('validateEvent on eventTime', () => {
  it.each([
    '0000-00-00T00:00:00Z',
    '2026-12-01T24:10:06Z',
    '2026-02-30T25:61:61Z',
  ])('refuses %s, which matches the pattern, as a schema violation saying what to send', (eventTime) => {
    // Prepare
    const event = statusChange({ eventTime });

    // Act
    const result = validateEvent(event);

    // Assess
    expect(result).toEqual({
      ok: false,
      reason: 'schema-violation',
      detail:
        `telemetry.status_change v1: /eventTime is not a real UTC time (given "${eventTime}"): use ` +
        'YYYY-MM-DDTHH:MM:SS[.sss]Z with a calendar date in 1970–9999, hours 00–23, minutes and seconds 00–59',
    });
  });

  it('accepts a leap-day event time with its epoch milliseconds', () => {
    // Prepare
    const event = statusChange({ eventTime: '2024-02-29T23:59:59.9Z' });

    // Act
    const result = validateEvent(event);

    // Assess
    expect(result).toEqual({ ok: true, event, eventTimeMs: Date.UTC(2024, 1, 29, 23, 59, 59, 900) });
  });
});
