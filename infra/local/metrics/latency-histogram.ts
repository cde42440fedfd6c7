/** Bins per doubling: each bin spans 2^(1/8) ≈ 9 %, so a percentile is within ≈ 4.5 % of the true value. */
const BINS_PER_DOUBLING = 8;
/** Values at or below this (ms) share the first bin. */
const FLOOR = 0.01;

const binOf = (value: number): number =>
  value <= FLOOR ? 0 : Math.ceil(Math.log2(value / FLOOR) * BINS_PER_DOUBLING);
/** The bin's upper edge: what a percentile falling in it reports (never under the true value). */
const upperEdgeOf = (bin: number): number => FLOOR * 2 ** (bin / BINS_PER_DOUBLING);

/**
 * Latencies in logarithmic bins (one home for the local cloud's metric store, its edge figures and the producers'
 * client-side figures): constant memory however many values are added (a few dozen bins for
 * realistic latencies), percentiles within one bin's width, as CloudWatch's own percentiles are approximate.
 */
export class LatencyHistogram {
  private readonly bins = new Map<number, number>();
  private added = 0;
  private largest = 0;

  add(valueMs: number): void {
    if (!Number.isFinite(valueMs) || valueMs < 0) return;
    const bin = binOf(valueMs);
    this.bins.set(bin, (this.bins.get(bin) ?? 0) + 1);
    this.added++;
    if (valueMs > this.largest) this.largest = valueMs;
  }

  merge(other: LatencyHistogram): void {
    for (const [bin, count] of other.bins) this.bins.set(bin, (this.bins.get(bin) ?? 0) + count);
    this.added += other.added;
    this.largest = Math.max(this.largest, other.largest);
  }

  get count(): number {
    return this.added;
  }

  /** The value `percent` % of the added values are at or below (0 < percent ≤ 100); undefined when empty. */
  percentile(percent: number): number | undefined {
    if (!(percent > 0 && percent <= 100)) {
      throw new RangeError(`percentile must be above 0 and at most 100 (given ${percent})`);
    }
    if (this.added === 0) return undefined;
    const rank = Math.ceil((percent / 100) * this.added);
    let seen = 0;
    for (const bin of [...this.bins.keys()].sort((a, b) => a - b)) {
      seen += this.bins.get(bin) as number;
      if (seen >= rank) return Math.min(upperEdgeOf(bin), this.largest);
    }
    return this.largest;
  }
}
