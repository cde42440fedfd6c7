import { describe, expect, it } from 'vitest';
import { type EventTimePiece, planSlices } from '../../../../processors/lake/event-time-slices.ts';

const piece = (key: string, minMs: number, maxMs: number, bytes: number, rowGroup = 0): EventTimePiece => ({
  key,
  rowGroup,
  minMs,
  maxMs,
  bytes,
});

describe('planSlices', () => {
  it('one part, one slice when everything fits', () => {
    const [part] = planSlices([piece('a', 0, 999, 100), piece('b', 500, 1499, 100)], 1, 1000);
    expect(part?.slices).toHaveLength(1);
    expect(part?.slices[0]).toMatchObject({ startMs: -Infinity, endMs: Infinity });
    expect(part?.slices[0]?.pieces.map((p) => p.key)).toEqual(['a', 'b']);
  });

  it('cuts parts at equal shares of bytes, and slices within the memory budget', () => {
    // Ten files of 100 bytes, each a disjoint second: 1,000 bytes over 10 s.
    const pieces = Array.from({ length: 10 }, (_, i) => piece(`f${i}`, i * 1000, i * 1000 + 999, 100));
    const parts = planSlices(pieces, 2, 250);
    expect(parts.map((p) => p.part)).toEqual([1, 2]);
    expect(parts[0]?.slices.at(-1)?.endMs).toBe(5000);
    expect(parts[1]?.slices[0]?.startMs).toBe(5000);
    for (const { slices } of parts) {
      expect(slices).toHaveLength(2);
      for (const slice of slices) expect(slice.estimatedBytes).toBeLessThanOrEqual(250 + 1e-9);
    }
  });

  it('a slice reads only the files whose range overlaps it; a file spanning two slices is read by both', () => {
    const pieces = [piece('early', 0, 999, 100), piece('wide', 0, 1999, 200), piece('late', 1000, 1999, 100)];
    const [part] = planSlices(pieces, 1, 200);
    expect(part?.slices.map((s) => s.pieces.map((p) => p.key))).toEqual([
      ['early', 'wide'],
      ['late', 'wide'],
    ]);
  });

  it('slices cover every event time exactly once, contiguously', () => {
    const pieces = Array.from({ length: 50 }, (_, i) =>
      piece(`f${i}`, (i * 37) % 1000, ((i * 37) % 1000) + 400, 10 + i),
    );
    const parts = planSlices(pieces, 3, 100);
    const slices = parts.flatMap((p) => p.slices);
    expect(slices[0]?.startMs).toBe(-Infinity);
    expect(slices.at(-1)?.endMs).toBe(Infinity);
    for (let i = 1; i < slices.length; i++) expect(slices[i]?.startMs).toBe(slices[i - 1]?.endMs);
  });

  it('the same row groups always give the same cuts (a later run resumes a generation)', () => {
    const pieces = [piece('a', 0, 5000, 300), piece('b', 2000, 9000, 500, 1)];
    expect(planSlices(pieces, 2, 120)).toEqual(planSlices([...pieces].reverse(), 2, 120));
  });

  it('refuses a part count below one, naming it', () => {
    expect(() => planSlices([], 0, 100)).toThrow('(given 0)');
  });
});
