import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MetricId, MetricStore } from '../../../../../infra/local/metrics/metric-store.ts';

// A fixed "now" well inside retention of every timestamp below (10:00:00 UTC on a whole minute).
const NOW = Date.UTC(2026, 10, 22, 10, 0, 0);
const at = (seconds: number) => NOW - 600_000 + seconds * 1000;

const records: MetricId = {
  namespace: 'Streamlake',
  name: 'RecordsIn',
  dimensions: { service: 'streamlake-aggregate' },
};

describe('the local metric store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('aggregates each period aligned to multiples of the period, with null where nothing was put', () => {
    // Prepare
    const store = new MetricStore();
    store.put(records, 5, at(1.5));
    store.put(records, 7, at(4.9));
    store.put(records, 1, at(10));
    // Act: from a time inside a period, to the end of the period holding 10 s
    const series = store.series(records, 'Sum', 5000, at(2), at(12));
    // Assess
    expect(series.timestamps).toEqual([at(0), at(5), at(10)]);
    expect(series.values).toEqual([12, null, 1]);
  });

  it('computes every statistic from the same values', () => {
    // Prepare
    const store = new MetricStore();
    for (const [value, second] of [
      [4, 0],
      [10, 0.5],
      [1, 2],
      [5, 2.2],
    ] as const)
      store.put(records, value, at(second));
    const stat = (statistic: Parameters<MetricStore['series']>[1]) =>
      store.series(records, statistic, 60_000, at(0), at(1)).values[0];
    // Act / Assess
    expect(stat('Sum')).toBe(20);
    expect(stat('SampleCount')).toBe(4);
    expect(stat('Average')).toBe(5);
    expect(stat('Maximum')).toBe(10);
    expect(stat('Minimum')).toBe(1);
  });

  it('counts each value of an array as its own sample, as CloudWatch does with EMF arrays', () => {
    // Prepare
    const store = new MetricStore();
    // Act
    store.put(records, [10, 5, 3], at(0));
    store.put(records, [], at(0));
    // Assess
    expect(store.series(records, 'SampleCount', 1000, at(0), at(1)).values).toEqual([3]);
    expect(store.series(records, 'Maximum', 1000, at(0), at(1)).values).toEqual([10]);
    expect(store.total(records)).toBe(18);
  });

  it('keeps values that arrive out of time order in their own bucket', () => {
    // Prepare
    const store = new MetricStore();
    // Act
    store.put(records, 1, at(3));
    store.put(records, 2, at(1));
    store.put(records, 4, at(3.5));
    store.put(records, 8, at(2));
    // Assess
    expect(store.series(records, 'Sum', 1000, at(0), at(4)).values).toEqual([null, 2, 8, 5]);
  });

  it('drops buckets older than the retention from series, but not from the total', () => {
    // Prepare
    const store = new MetricStore({ retentionMs: 60_000 });
    store.put(records, 100, NOW - 120_000);
    store.put(records, 1, NOW - 30_000);
    // Act
    vi.setSystemTime(NOW + 45_000);
    store.put(records, 2, NOW + 45_000);
    // Assess: the 30 s-old value aged out after time moved on; the oldest was never kept.
    expect(store.series(records, 'Sum', 60_000, NOW - 180_000, NOW + 60_000).values).toEqual([
      null,
      null,
      null,
      2,
    ]);
    expect(store.total(records)).toBe(103);
  });

  it('tells metrics apart by their exact dimension set, whatever order the names come in', () => {
    // Prepare
    const store = new MetricStore();
    const both = { namespace: 'Streamlake', name: 'RecordsIn', dimensions: { b: '2', a: '1' } };
    // Act
    store.put(records, 1, at(0));
    store.put(both, 2, at(0));
    store.put({ ...both, dimensions: { a: '1', b: '2' } }, 3, at(0));
    // Assess
    expect(store.total(records)).toBe(1);
    expect(store.total(both)).toBe(5);
    expect(store.total({ ...records, dimensions: {} })).toBe(0);
  });

  it('finds every metric of a name whose dimensions include the fixed ones, sorted by dimensions', () => {
    // Prepare
    const store = new MetricStore();
    const quarantined = (service: string, reason: string): MetricId => ({
      namespace: 'Streamlake',
      name: 'QuarantinedByReason',
      dimensions: { service, reason },
    });
    store.put(quarantined('streamlake-aggregate', 'too-late'), 1, at(0));
    store.put(quarantined('streamlake-archive', 'invalid-json'), 1, at(0));
    store.put(quarantined('streamlake-aggregate', 'invalid-json'), 1, at(0));
    store.put(records, 1, at(0));
    // Act
    const found = store.find('Streamlake', 'QuarantinedByReason', { service: 'streamlake-aggregate' });
    // Assess
    expect(found.map((id) => id.dimensions.reason)).toEqual(['invalid-json', 'too-late']);
    expect(store.find('Streamlake', 'QuarantinedByReason')).toHaveLength(3);
    expect(store.find('Streamlake', 'Missing')).toEqual([]);
    expect(store.find('AWS/Lambda', 'RecordsIn')).toEqual([]);
  });

  it('keeps its own copy of a metric id', () => {
    // Prepare
    const store = new MetricStore();
    const dimensions: Record<string, string> = { service: 'streamlake-aggregate' };
    store.put({ ...records, dimensions }, 1, at(0));
    // Act
    dimensions.service = 'changed';
    // Assess
    expect(store.find('Streamlake', 'RecordsIn')[0]?.dimensions).toEqual({ service: 'streamlake-aggregate' });
  });

  it('ignores values CloudWatch would refuse: NaN and infinities', () => {
    // Prepare
    const store = new MetricStore();
    // Act
    store.put(records, Number.NaN, at(0));
    store.put(records, [Number.POSITIVE_INFINITY, 4], at(0));
    // Assess
    expect(store.series(records, 'SampleCount', 1000, at(0), at(1)).values).toEqual([1]);
    expect(store.total(records)).toBe(4);
  });

  it('answers an unknown metric with a series of nulls and a total of 0', () => {
    const store = new MetricStore();
    expect(store.series(records, 'Sum', 1000, at(0), at(3))).toEqual({
      timestamps: [at(0), at(1), at(2)],
      values: [null, null, null],
    });
    expect(store.total(records)).toBe(0);
  });

  it('refuses a period that is not a positive multiple of its resolution, naming it', () => {
    const store = new MetricStore({ resolutionMs: 1000 });
    expect(() => store.series(records, 'Sum', 1500, at(0), at(3))).toThrow(
      /multiple .* 1000 ms \(given 1500\)/,
    );
    expect(() => store.series(records, 'Sum', 0, at(0), at(3))).toThrow(/given 0/);
    expect(() => new MetricStore({ resolutionMs: -1 })).toThrow(/given -1/);
  });

  it('takes values at now when no time is given', () => {
    const store = new MetricStore();
    store.put(records, 3);
    expect(store.series(records, 'Sum', 1000, NOW, NOW + 1000).values).toEqual([3]);
  });
});

describe('percentiles in the local metric store', () => {
  const AT = 1_800_000_000_000;
  const latency: MetricId = { namespace: 'AWS/ApiGateway', name: 'Latency', dimensions: { ApiName: 'api' } };

  it('answers p99 of a metric put as a distribution, per period', () => {
    const store = new MetricStore({ clock: () => AT });
    for (let i = 1; i <= 100; i++) store.put(latency, i === 100 ? 900 : 5, AT - 1000, { distribution: true });
    const p50 = store.series(latency, 'p50', 60_000, AT - 60_000, AT).values.find((v) => v !== null);
    const p100 = store.series(latency, 'p100', 60_000, AT - 60_000, AT).values.find((v) => v !== null);
    expect(p50).toBeGreaterThanOrEqual(5);
    expect(p50).toBeLessThan(5.5);
    expect(p100).toBe(900);
  });

  it('has no percentile of a metric put without its distribution, and refuses a statistic it does not know', () => {
    const store = new MetricStore({ clock: () => AT });
    store.put(latency, 5, AT - 1000);
    expect(store.series(latency, 'p99', 60_000, AT - 60_000, AT).values.every((v) => v === null)).toBe(true);
    expect(() => store.series(latency, 'p101' as never, 60_000, AT - 60_000, AT)).toThrow(
      'statistic must be one of Sum, Average, Maximum, Minimum, SampleCount or a percentile such as p99 (given p101)',
    );
  });
});
