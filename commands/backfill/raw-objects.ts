import { gunzipSync } from 'node:zlib';
import { prefixParts, renderPrefix } from '../../infra/local/firehose/prefix-expression.ts';
import { zonedFields } from '../../infra/local/firehose/zoned-time.ts';
import type { AcceptancePolicy } from '../../processors/shared/classify.ts';
import { HOUR_MS } from './backfill-range.ts';

/** `…-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>`: the end of every name Firehose gives an object (D29). */
const OBJECT_NAME_END =
  /-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[^/-]*$/i;

/**
 * The arrival the raw zone knows of a record: its object's name stamps the approximate arrival of the
 * object's oldest record (UTC, to the second). Every record of the object arrived then or up to one
 * buffer interval later; raw records carry no arrival of their own.
 */
export const rawArrivalMs = (key: string): number => {
  const match = OBJECT_NAME_END.exec(key);
  const [, year, month, day, hour, minute, second] = (match ?? []).map(Number);
  const ms =
    second === undefined
      ? Number.NaN
      : Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
  if (Number.isNaN(ms)) {
    throw new Error(
      `raw object ${JSON.stringify(key)} is not named as Firehose names objects (…-yyyy-MM-dd-HH-mm-ss-<uuid>.gz): ` +
        'move foreign objects out of the raw zone prefix',
    );
  }
  return ms;
};

/** Arrival times, epoch ms, `toMs` exclusive. */
export interface ArrivalWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The object timestamps to read for the event-time hour starting at `hourMs`: every object that may hold a
 * record the live consumers accepted into that hour. Accepted means arrival − lateness ≤ event time ≤
 * arrival + skew, so such records arrived in [hour − skew, hour + 1 h + lateness); an object is stamped with
 * its oldest record's arrival, so it may start up to one buffer interval (plus the stamp's lost second)
 * before the records it holds.
 */
export const rawReadWindow = (
  hourMs: number,
  policy: Pick<AcceptancePolicy, 'allowedLatenessMs' | 'clockSkewMs'>,
  bufferIntervalMs: number,
): ArrivalWindow => ({
  fromMs: hourMs - policy.clockSkewMs - bufferIntervalMs - 1_000,
  toMs: hourMs + HOUR_MS + policy.allowedLatenessMs,
});

/**
 * The prefixes to list for a window: the delivery stream's data prefix (`raw/dt=!{timestamp:yyyy-MM-dd}/
 * hour=!{timestamp:HH}/`) evaluated at every hour the window touches, each once. A prefix drawing random
 * strings cannot be listed by time and is refused.
 */
export const rawPrefixes = (dataPrefix: string, window: ArrivalWindow): string[] => {
  const parts = prefixParts(dataPrefix);
  if (parts.some((p) => p.kind === 'random-string' || p.kind === 'error-output-type')) {
    throw new Error(
      `the raw zone's prefix ${JSON.stringify(dataPrefix)} draws random strings: its objects cannot be found by arrival hour`,
    );
  }
  const prefixes = new Set<string>();
  const randomString = () => '';
  for (let hour = Math.floor(window.fromMs / HOUR_MS) * HOUR_MS; hour < window.toMs; hour += HOUR_MS) {
    prefixes.add(renderPrefix(parts, { fields: zonedFields(hour), randomString }));
  }
  return [...prefixes];
};

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The records of one raw object, byte for byte: GZIP undone (when the object is GZIP), split at the newline
 * Firehose appends after every record. A record that itself held a newline byte comes back as two lines
 * (D29's known limit); every streamlake writer sends JSON.stringify output, which holds none.
 */
export const rawLines = (body: Uint8Array): Buffer[] => {
  const bytes = body[0] === GZIP_MAGIC[0] && body[1] === GZIP_MAGIC[1] ? gunzipSync(body) : Buffer.from(body);
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0x0a); end >= 0; end = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
};
