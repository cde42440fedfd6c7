import { describe, expect, it } from 'vitest';
import { retryAfterMs, retryDelayMs } from '../../../tracker/src/backoff.ts';

const almostOne = () => 0.999_999;

describe('the tracker’s retry delay', () => {
  it('has a ceiling that doubles from one second per failure, up to a minute', () => {
    // Act
    const ceilings = [1, 2, 3, 6, 7, 8, 30].map((failures) => retryDelayMs(failures, almostOne));
    // Assess
    expect(ceilings).toEqual([999, 1999, 3999, 31_999, 59_999, 59_999, 59_999]);
  });

  it('is drawn uniformly below the ceiling (full jitter)', () => {
    // Act
    const delays = [0, 0.25, 0.5].map((r) => retryDelayMs(3, () => r));
    // Assess
    expect(delays).toEqual([0, 1000, 2000]);
  });

  it('never comes sooner than the collector’s Retry-After, and may go beyond the one-minute cap for it', () => {
    // Act
    const short = retryDelayMs(1, () => 0, 5_000);
    const long = retryDelayMs(9, almostOne, 120_000);
    const jitterLonger = retryDelayMs(7, almostOne, 2_000);
    // Assess
    expect(short).toBe(5_000);
    expect(long).toBe(120_000);
    expect(jitterLonger).toBe(59_999);
  });
});

describe('retryAfterMs', () => {
  it('reads whole and fractional seconds, the contract’s form', () => {
    expect([retryAfterMs('1'), retryAfterMs('0'), retryAfterMs('2.5'), retryAfterMs(' 30 ')]).toEqual([
      1000, 0, 2500, 30_000,
    ]);
  });

  it('ignores what is absent, empty, negative or not seconds', () => {
    // An HTTP date is valid HTTP but not what the collector sends; the backoff alone then decides.
    const values = [null, '', '  ', '-1', 'soon', 'Wed, 21 Oct 2026 07:28:00 GMT'];
    expect(values.map(retryAfterMs)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('caps an absurd wait at an hour', () => {
    expect(retryAfterMs('86400')).toBe(3_600_000);
  });
});
