import { describe, expect, it } from 'vitest';
import { expiredCount, recordAgeMs } from '../../../../../infra/local/esm/record-age.ts';

const NOW = 1_800_000_000_000;
const record = (ageMs: number, ageFromMs?: number) => ({
  sequenceNumber: String(ageMs),
  arrivalMs: NOW - ageMs,
  ...(ageFromMs === undefined ? {} : { ageFromMs }),
});

describe('recordAgeMs', () => {
  it('counts from the arrival time', () => {
    expect(recordAgeMs(record(5_000), NOW)).toBe(5_000);
  });

  it('counts from ageFromMs when the source gives one', () => {
    expect(recordAgeMs(record(90_000, NOW - 1_000), NOW)).toBe(1_000);
  });
});

describe('expiredCount', () => {
  it('counts the records older than the maximum record age', () => {
    // Prepare
    const records = [record(120_000), record(61_000), record(60_000), record(1_000)];

    // Act
    const expired = expiredCount(records, 60_000, NOW);

    // Assess: exactly the maximum age is not yet expired.
    expect(expired).toBe(2);
  });

  it('finds none when records never expire (-1)', () => {
    expect(expiredCount([record(10 ** 9)], -1, NOW)).toBe(0);
  });
});
