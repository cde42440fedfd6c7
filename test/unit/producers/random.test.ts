import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../producers/random.ts';

const draw = (random: SeededRandom, n: number) => Array.from({ length: n }, () => random.float());

describe('SeededRandom', () => {
  it('same seed yields the same draws, another seed other draws', () => {
    // Prepare
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    // Act
    const [fromA, fromB, fromC] = [draw(a, 100), draw(b, 100), draw(c, 100)];
    // Assess
    expect(fromA).toEqual(fromB);
    expect(fromA).not.toEqual(fromC);
    expect(fromA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('uuids are lowercase and version-4 shaped', () => {
    // Prepare
    const random = new SeededRandom('uuids');
    // Act
    const ids = Array.from({ length: 1000 }, () => random.uuid());
    // Assess
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('int stays within both bounds and reaches each of them', () => {
    // Prepare
    const random = new SeededRandom(7);
    // Act
    const values = Array.from({ length: 2000 }, () => random.int(3, 6));
    // Assess
    expect(new Set(values)).toEqual(new Set([3, 4, 5, 6]));
  });

  it('weighted never picks a zero-weight choice and follows the weights', () => {
    // Prepare
    const random = new SeededRandom(1);
    // Act
    const picks = Array.from({ length: 10_000 }, () =>
      random.weighted([
        ['rare', 1],
        ['never', 0],
        ['often', 9],
      ] as const),
    );
    // Assess
    expect(picks).not.toContain('never');
    const often = picks.filter((p) => p === 'often').length / picks.length;
    expect(often).toBeGreaterThan(0.87);
    expect(often).toBeLessThan(0.93);
  });

  it('gaussian draws have about the asked mean and standard deviation', () => {
    // Prepare
    const random = new SeededRandom(5);
    // Act
    const values = Array.from({ length: 20_000 }, () => random.gaussian(10, 2));
    // Assess
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('a fork is independent of later draws of its parent', () => {
    // Prepare
    const parentA = new SeededRandom(9);
    const parentB = new SeededRandom(9);
    // Act
    const forkA = parentA.fork('web');
    const forkB = parentB.fork('web');
    draw(parentA, 10);
    // Assess
    expect(draw(forkA, 20)).toEqual(draw(forkB, 20));
  });
});
