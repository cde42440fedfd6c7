import type { BufferingHints } from './delivery-stream-plan.ts';

/** A record read from the source stream, as the delivery keeps it. */
export interface SourceRecord {
  readonly sequenceNumber: string;
  readonly data: Uint8Array;
  /** The stream's ApproximateArrivalTimestamp: what the prefix's timestamps evaluate. */
  readonly arrivalMs: number;
}

interface Buffered {
  readonly record: SourceRecord;
  /** When the delivery read it: the buffering interval runs from the first record's. */
  readonly receivedMs: number;
}

const MiB = 1024 * 1024;

/**
 * One shard's records read and not yet delivered, and when an object of them is due: as soon as they reach
 * the size hint (record bytes plus delimiters, before compression — an object then holds as many as fit, at
 * least one), or when the oldest has waited the interval (an object holds them all).
 */
export class DeliveryBuffer {
  private entries: Buffered[] = [];
  private totalBytes = 0;
  private readonly sizeBytes: number;
  private readonly intervalMs: number;

  constructor(
    hints: BufferingHints,
    /** Bytes the delimiter adds to every record (0 without one). */
    private readonly delimiterBytes: number,
  ) {
    this.sizeBytes = hints.sizeInMBs * MiB;
    this.intervalMs = hints.intervalInSeconds * 1000;
  }

  get length(): number {
    return this.entries.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** The size hint is reached: read no more until an object is taken. */
  get isFull(): boolean {
    return this.totalBytes >= this.sizeBytes;
  }

  /** The arrival of the oldest buffered record (for DataFreshness), or undefined when empty. */
  get oldestArrivalMs(): number | undefined {
    let oldest: number | undefined;
    for (const { record } of this.entries)
      if (oldest === undefined || record.arrivalMs < oldest) oldest = record.arrivalMs;
    return oldest;
  }

  add(records: readonly SourceRecord[], nowMs: number): void {
    for (const record of records) {
      this.entries.push({ record, receivedMs: nowMs });
      this.totalBytes += this.bytesOf(record);
    }
  }

  /** Milliseconds until the interval makes an object due (0: due now), or undefined when empty. */
  msUntilDue(nowMs: number): number | undefined {
    const first = this.entries[0];
    if (!first) return undefined;
    if (this.isFull) return 0;
    return Math.max(0, first.receivedMs + this.intervalMs - nowMs);
  }

  /**
   * The records of the next object if one is due at `nowMs` (none when none is), left in the buffer until
   * `delivered` says they are written: a write that fails leaves them first in line.
   */
  nextDue(nowMs: number): SourceRecord[] {
    if (this.isFull) return this.peek(this.countFitting());
    return this.msUntilDue(nowMs) === 0 ? this.peek(this.entries.length) : [];
  }

  /** Everything buffered, for the last object before the delivery stops. */
  all(): SourceRecord[] {
    return this.peek(this.entries.length);
  }

  /** The first `count` records are written: off the buffer. */
  delivered(count: number): void {
    for (const { record } of this.entries.slice(0, count)) this.totalBytes -= this.bytesOf(record);
    this.entries = this.entries.slice(count);
  }

  /** How many records from the front fit in the size hint; at least one, however large. */
  private countFitting(): number {
    let bytes = 0;
    let count = 0;
    for (const { record } of this.entries) {
      bytes += this.bytesOf(record);
      if (count > 0 && bytes > this.sizeBytes) break;
      count++;
    }
    return count;
  }

  private peek(count: number): SourceRecord[] {
    return this.entries.slice(0, count).map((entry) => entry.record);
  }

  private bytesOf(record: SourceRecord): number {
    return record.data.length + this.delimiterBytes;
  }
}
