import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../tracker/src/uuidv7.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
/** Version nibble 7, variant bits 10 (hex 8–b), lowercase, as RFC 9562 lays a UUIDv7 out. */
const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('the tracker’s uuidv7', () => {
  it('is a lowercase UUID of version 7 and variant 10 that holds the time it was minted for', () => {
    // Act
    const ids = Array.from({ length: 1000 }, (_, i) => uuidv7(T0 + i));
    // Assess
    expect(ids.filter((id) => !UUIDV7.test(id))).toEqual([]);
    expect(ids.map(timeOf)).toEqual(ids.map((_, i) => T0 + i));
  });

  it('gives 20,000 ids minted in the same millisecond 20,000 values, every variant digit among them', () => {
    // Act
    const ids = Array.from({ length: 20_000 }, () => uuidv7(T0));
    // Assess
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id[19])).size).toBe(4);
    expect(new Set(ids.map((id) => id.at(-1))).size).toBe(16);
  });

  it('sorts as text in the order of its time', () => {
    // Prepare
    const times = [0, 1, 255, 256, 2 ** 32, T0 - 1, T0, T0 + 1, 2 ** 48 - 1];
    // Act
    const sorted = times
      .map((ms) => uuidv7(ms))
      .toReversed()
      .toSorted();
    // Assess
    expect(sorted.map(timeOf)).toEqual(times);
  });
});
