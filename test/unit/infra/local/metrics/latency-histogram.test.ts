import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../../../infra/local/metrics/latency-histogram.ts';

describe('the latency histogram', () => {
  it('has no percentile before a value is added', () => {
    expect(new LatencyHistogram().percentile(99)).toBeUndefined();
  });

  it('reports percentiles within a bin (≈ 9 %) above the true value, never above the largest', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.add(ms);
    const p50 = histogram.percentile(50) as number;
    const p99 = histogram.percentile(99) as number;
    expect(p50).toBeGreaterThanOrEqual(500);
    expect(p50).toBeLessThan(500 * 1.1);
    expect(p99).toBeGreaterThanOrEqual(990);
    expect(p99).toBeLessThanOrEqual(1000);
    expect(histogram.percentile(100)).toBe(1000);
    expect(histogram.count).toBe(1000);
  });

  it('one slow request among a hundred fast ones is the p100, not the p99', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 100; i++) histogram.add(2);
    histogram.add(5000);
    expect(histogram.percentile(99)).toBeLessThan(2.2);
    expect(histogram.percentile(100)).toBe(5000);
  });

  it('merges, ignores values that are not latencies, and refuses a percentile out of range', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.add(1);
    b.add(100);
    b.add(Number.NaN);
    b.add(-3);
    a.merge(b);
    expect(a.count).toBe(2);
    expect(a.percentile(100)).toBe(100);
    expect(() => a.percentile(0)).toThrow('percentile must be above 0 and at most 100 (given 0)');
  });
});
