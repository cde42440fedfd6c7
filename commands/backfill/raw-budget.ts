import { getHeapStatistics } from 'node:v8';
import { UsageError } from '../../producers/cli-options.ts';
import { hourText } from './backfill-range.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * V8 heap bytes the rebuild needs per stored (GZIP) raw byte of an hour: it holds the hour's records, events and
 * Parquet parts at once. Measured 16–18.5 (the smallest --max-old-space-size that rebuilt an hour of 400,000 and
 * of 1,200,000 events, D32), rounded up for headroom; the whole process peaks at 36–38× (buffers off the heap).
 */
export const HEAP_BYTES_PER_RAW_BYTE = 24;

/**
 * The default for `--max-hour-bytes`: what this process's heap limit can hold (`v8` heap_size_limit, which
 * NODE_OPTIONS=--max-old-space-size raises), so an hour over it is refused instead of running out of memory
 * half-way. Node sizes that limit from the machine's memory (a quarter, at most 4 GiB): 170 MiB of raw per hour
 * under 4 GiB, ≈ 5.5 million events (≈ 1,500 events/s for the hour), ≈ 6.5 GiB of memory at the peak.
 */
export const defaultMaxHourBytes = (heapLimitBytes = getHeapStatistics().heap_size_limit): number =>
  Math.floor(heapLimitBytes / HEAP_BYTES_PER_RAW_BYTE / MiB) * MiB;

const UNITS: Readonly<Record<string, number>> = { '': 1, KiB, MiB, GiB };

/** `268435456`, `256MiB`, `1.5GiB`: a size in bytes, binary units; throws a UsageError naming the value. */
export const byteSizeOption = (name: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const match = /^(\d+(?:\.\d+)?)\s*(KiB|MiB|GiB)?$/.exec(text.trim());
  const bytes = match ? Math.floor(Number(match[1]) * (UNITS[match[2] ?? ''] as number)) : Number.NaN;
  if (!(bytes > 0)) {
    throw new UsageError(
      `${name} is a size in bytes above 0, as 268435456, 256MiB or 1.5GiB (given ${JSON.stringify(text)})`,
    );
  }
  return bytes;
};

/** `812 KiB`, `1.50 GiB`, `123 bytes`. */
export const sizeText = (bytes: number): string => {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= KiB) return `${Math.round(bytes / KiB)} KiB`;
  return `${bytes} bytes`;
};

/** Hours whose raw objects exceed the budget: the rebuild would hold too much of them in memory. */
export class HourTooLargeError extends Error {
  constructor(
    readonly hours: readonly { readonly hourMs: number; readonly rawBytes: number }[],
    readonly maxHourBytes: number,
  ) {
    const largest = Math.max(...hours.map((h) => h.rawBytes));
    const named = hours
      .slice(0, 5)
      .map((h) => `${hourText(h.hourMs)} (${sizeText(h.rawBytes)}, ${h.rawBytes} bytes)`)
      .join(', ');
    const more = hours.length > 5 ? ` and ${hours.length - 5} more` : '';
    const heapMiB = Math.ceil((largest * HEAP_BYTES_PER_RAW_BYTE) / MiB);
    super(
      `raw hour${hours.length === 1 ? '' : 's'} ${named}${more} over the budget of ` +
        `${sizeText(maxHourBytes)} (${maxHourBytes} bytes) of raw objects per hour; nothing was rebuilt. ` +
        `The rebuild holds an hour in memory (≈ ${HEAP_BYTES_PER_RAW_BYTE} heap bytes per raw byte): on a machine ` +
        `with ≥ ${sizeText(heapMiB * MiB * 2)} of memory to spare, run it with ` +
        `NODE_OPTIONS=--max-old-space-size=${heapMiB} and --max-hour-bytes ${Math.ceil(largest / MiB)}MiB, ` +
        'or leave those hours out of --from/--to',
    );
    this.name = 'HourTooLargeError';
  }
}
