import { LatencyHistogram } from './latency-histogram.ts';

export type Dimensions = Readonly<Record<string, string>>;

/** A metric as CloudWatch identifies it: namespace, name and the exact set of dimensions. */
export interface MetricId {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Dimensions;
}

/** CloudWatch's statistics; a percentile (`p99`, `p99.9`) only of metrics put as distributions. */
export type Statistic = 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount' | `p${number}`;

export interface Series {
  readonly timestamps: number[];
  readonly values: (number | null)[];
}

export interface MetricStoreOptions {
  /** Width of the raw buckets, the finest period a series can have. @default 1000 */
  readonly resolutionMs?: number;
  /** How long buckets are kept, counted back from now. @default 30 minutes */
  readonly retentionMs?: number;
  /** What "now" is; tests pin it so retention does not depend on when they run. @default Date.now */
  readonly clock?: () => number;
}

const STATISTICS: readonly Statistic[] = ['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount'];
const PERCENTILE = /^p(\d{1,2}(\.\d+)?|100)$/;

/** The percent of a percentile statistic (`p99` → 99), or undefined for the others. */
const percentOf = (statistic: Statistic): number | undefined =>
  PERCENTILE.test(statistic) ? Number(statistic.slice(1)) : undefined;

/** One metric's raw buckets, in ascending order of start, as parallel arrays (no object per bucket). */
class Buckets {
  readonly starts: number[] = [];
  readonly sums: number[] = [];
  readonly counts: number[] = [];
  readonly mins: number[] = [];
  readonly maxs: number[] = [];
  /** Each bucket's values in bins, for percentiles; only for a metric put as a distribution. */
  readonly distributions: (LatencyHistogram | undefined)[] = [];
  /** Every value ever put, retention notwithstanding. */
  total = 0;

  constructor(readonly id: MetricId) {}

  /** Adds the values to the bucket starting at `start`; returns its index, or -1 when it is past retention. */
  add(start: number, sum: number, count: number, min: number, max: number, oldest: () => number): number {
    const { starts } = this;
    const newest = starts.length > 0 ? (starts[starts.length - 1] as number) : Number.NEGATIVE_INFINITY;
    let at: number;
    // Values nearly always arrive in time order: into the newest bucket, or a new one after it.
    if (start === newest) at = starts.length - 1;
    else if (start > newest) {
      const cutoff = oldest();
      if (start < cutoff) return -1;
      this.insert(starts.length, start, min, max);
      this.prune(cutoff);
      at = starts.length - 1;
    } else {
      at = this.indexOf(start);
      if (starts[at] !== start) {
        if (start < oldest()) return -1;
        this.insert(at, start, min, max);
      }
    }
    this.sums[at] = (this.sums[at] as number) + sum;
    this.counts[at] = (this.counts[at] as number) + count;
    if (min < (this.mins[at] as number)) this.mins[at] = min;
    if (max > (this.maxs[at] as number)) this.maxs[at] = max;
    return at;
  }

  private insert(at: number, start: number, min: number, max: number): void {
    this.starts.splice(at, 0, start);
    this.sums.splice(at, 0, 0);
    this.counts.splice(at, 0, 0);
    this.mins.splice(at, 0, min);
    this.maxs.splice(at, 0, max);
    this.distributions.splice(at, 0, undefined);
  }

  /** The first bucket starting at or after `start`. */
  indexOf(start: number): number {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.starts[middle] as number) < start) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Drops buckets starting before `oldest`; returns how many. */
  prune(oldest: number): number {
    const expired = this.indexOf(oldest);
    if (expired > 0) {
      for (const column of [this.starts, this.sums, this.counts, this.mins, this.maxs, this.distributions])
        column.splice(0, expired);
    }
    return expired;
  }
}

/** A stable key for a dimension set, independent of the order its names were given in. */
const dimensionsKey = (dimensions: Dimensions): string => {
  const names = Object.keys(dimensions);
  if (names.length > 1) names.sort();
  let key = '';
  for (const name of names) key += `${name}\u0000${dimensions[name]}\u0001`;
  return key;
};

/** Sum, count, minimum and maximum of each period of a series, as parallel arrays. */
interface PeriodTotals {
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  readonly mins: Float64Array;
  readonly maxs: Float64Array;
  /** Each period's merged distribution, when a percentile is asked of a distribution metric. */
  readonly distributions?: (LatencyHistogram | undefined)[];
}

/** Adds up the raw buckets inside each of `periods` periods of `periodMs` from `first`. */
const periodTotals = (
  buckets: Buckets,
  range: { readonly first: number; readonly periods: number; readonly periodMs: number },
  withDistributions = false,
): PeriodTotals => {
  const { first, periods, periodMs } = range;
  const totals = {
    sums: new Float64Array(periods),
    counts: new Float64Array(periods),
    mins: new Float64Array(periods).fill(Number.POSITIVE_INFINITY),
    maxs: new Float64Array(periods).fill(Number.NEGATIVE_INFINITY),
    distributions: withDistributions
      ? new Array<LatencyHistogram | undefined>(periods).fill(undefined)
      : undefined,
  };
  const end = first + periods * periodMs;
  for (let i = buckets.indexOf(first); i < buckets.starts.length; i++) {
    const start = buckets.starts[i] as number;
    if (start >= end) break;
    const p = Math.floor((start - first) / periodMs);
    totals.sums[p] = (totals.sums[p] as number) + (buckets.sums[i] as number);
    totals.counts[p] = (totals.counts[p] as number) + (buckets.counts[i] as number);
    totals.mins[p] = Math.min(totals.mins[p] as number, buckets.mins[i] as number);
    totals.maxs[p] = Math.max(totals.maxs[p] as number, buckets.maxs[i] as number);
    const distribution = buckets.distributions[i];
    if (totals.distributions && distribution) {
      const merged = totals.distributions[p] ?? new LatencyHistogram();
      merged.merge(distribution);
      totals.distributions[p] = merged;
    }
  }
  return totals;
};

/** The statistic of period `p`, or null when it has no datapoint. */
const statisticOf = (statistic: Statistic, totals: PeriodTotals, p: number): number | null => {
  const count = totals.counts[p] as number;
  if (count === 0) return null;
  const percent = percentOf(statistic);
  if (percent !== undefined) return totals.distributions?.[p]?.percentile(percent) ?? null;
  switch (statistic) {
    case 'Sum':
      return totals.sums[p] as number;
    case 'Average':
      return (totals.sums[p] as number) / count;
    case 'Maximum':
      return totals.maxs[p] as number;
    case 'Minimum':
      return totals.mins[p] as number;
    default:
      return count;
  }
};

/**
 * An in-memory time-series store holding what CloudWatch would hold for the local cloud: per metric
 * (namespace + name + exact dimension set), sum/count/min/max per `resolutionMs` bucket for the last
 * `retentionMs`, from which any statistic is computed per period, as GetMetricData does.
 */
export class MetricStore {
  private readonly resolutionMs: number;
  private readonly retentionMs: number;
  private readonly clock: () => number;
  /** `namespace \0 name` → dimensions key → buckets. */
  private readonly metrics = new Map<string, Map<string, Buckets>>();

  constructor(options: MetricStoreOptions = {}) {
    this.resolutionMs = options.resolutionMs ?? 1000;
    this.retentionMs = options.retentionMs ?? 30 * 60_000;
    this.clock = options.clock ?? Date.now;
    if (!(Number.isInteger(this.resolutionMs) && this.resolutionMs > 0)) {
      throw new RangeError(`resolutionMs must be a positive whole number (given ${options.resolutionMs})`);
    }
    if (!(this.retentionMs > 0)) {
      throw new RangeError(`retentionMs must be positive (given ${options.retentionMs})`);
    }
  }

  /**
   * One or more observed values (EMF allows arrays) at a time (default now). `distribution`: keep the values'
   * distribution too, so percentiles (`p99`) can be asked of the metric — for latencies, not for counters.
   */
  put(
    id: MetricId,
    value: number | readonly number[],
    timestampMs: number = this.clock(),
    options: { readonly distribution?: boolean } = {},
  ): void {
    let sum = 0;
    let count = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const add = (v: number) => {
      // CloudWatch rejects NaN and ±Infinity; so does the store, quietly.
      if (!Number.isFinite(v)) return;
      sum += v;
      count++;
      if (v < min) min = v;
      if (v > max) max = v;
    };
    if (typeof value === 'number') add(value);
    else for (const v of value) add(v);
    if (count === 0 || !Number.isFinite(timestampMs)) return;
    const buckets = this.bucketsOf(id, true) as Buckets;
    buckets.total += sum;
    const start = Math.floor(timestampMs / this.resolutionMs) * this.resolutionMs;
    const at = buckets.add(start, sum, count, min, max, this.oldest);
    if (options.distribution && at >= 0) {
      const distribution = buckets.distributions[at] ?? new LatencyHistogram();
      if (typeof value === 'number') distribution.add(value);
      else for (const v of value) distribution.add(v);
      buckets.distributions[at] = distribution;
    }
  }

  /** Statistic per period: periods aligned to multiples of periodMs (epoch), covering [fromMs, toMs); null where the period has no datapoint. */
  series(id: MetricId, statistic: Statistic, periodMs: number, fromMs: number, toMs: number): Series {
    this.assertQuery(statistic, periodMs);
    const first = Math.floor(fromMs / periodMs) * periodMs;
    const periods = toMs > fromMs ? Math.ceil((toMs - first) / periodMs) : 0;
    const timestamps = Array.from({ length: periods }, (_, i) => first + i * periodMs);
    const buckets = this.bucketsOf(id, false);
    if (!buckets || periods === 0) return { timestamps, values: new Array(periods).fill(null) };
    buckets.prune(this.oldest());
    const totals = periodTotals(buckets, { first, periods, periodMs }, percentOf(statistic) !== undefined);
    const values = Array.from({ length: periods }, (_, p) => statisticOf(statistic, totals, p));
    return { timestamps, values };
  }

  private assertQuery(statistic: Statistic, periodMs: number): void {
    if (!(Number.isInteger(periodMs) && periodMs > 0 && periodMs % this.resolutionMs === 0)) {
      throw new RangeError(
        `periodMs must be a positive multiple of the store's resolution, ${this.resolutionMs} ms (given ${periodMs})`,
      );
    }
    if (!STATISTICS.includes(statistic) && percentOf(statistic) === undefined) {
      throw new RangeError(
        `statistic must be one of ${STATISTICS.join(', ')} or a percentile such as p99 (given ${String(statistic)})`,
      );
    }
  }

  /**
   * Every stored metric of namespace+name whose dimensions include all of `fixed` (CloudWatch
   * SEARCH-like), sorted by dimensions. A metric stays listed after its buckets expire.
   */
  find(namespace: string, name: string, fixed: Dimensions = {}): MetricId[] {
    const byDimensions = this.metrics.get(`${namespace}\u0000${name}`);
    if (!byDimensions) return [];
    const required = Object.entries(fixed);
    return [...byDimensions]
      .filter(([, { id }]) => required.every(([key, value]) => id.dimensions[key] === value))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, { id }]) => id);
  }

  /** Sum of every value ever put (not limited by retention) — for totals in summaries. */
  total(id: MetricId): number {
    return this.bucketsOf(id, false)?.total ?? 0;
  }

  /** Start of the oldest bucket still within retention. */
  private readonly oldest = (): number =>
    Math.floor((this.clock() - this.retentionMs) / this.resolutionMs) * this.resolutionMs;

  private bucketsOf(id: MetricId, create: boolean): Buckets | undefined {
    const nameKey = `${id.namespace}\u0000${id.name}`;
    let byDimensions = this.metrics.get(nameKey);
    if (!byDimensions) {
      if (!create) return undefined;
      byDimensions = new Map();
      this.metrics.set(nameKey, byDimensions);
    }
    const key = dimensionsKey(id.dimensions);
    let buckets = byDimensions.get(key);
    if (!buckets && create) {
      // A copy, so a caller changing its object later cannot change the stored identity.
      const stored = {
        namespace: id.namespace,
        name: id.name,
        dimensions: Object.freeze({ ...id.dimensions }),
      };
      buckets = new Buckets(Object.freeze(stored));
      byDimensions.set(key, buckets);
    }
    return buckets;
  }
}
