import { randomUUID } from 'node:crypto';

/** Mints the id of an event that happens at `eventMs` (Unix milliseconds). */
export type EventIdMinter = (eventMs: number) => string;

/** UUIDv7 holds its time in 48 bits: Unix milliseconds up to the year 10889. */
const MAX_UUIDV7_MS = 2 ** 48 - 1;

/**
 * A UUIDv7 (RFC 9562): the 48-bit Unix millisecond time, version 7, the variant 10, and 74 random bits from
 * node:crypto. Never drawn from a seed, so two runs of one seed, or two producers, never share an id; the time
 * in front makes ids sort by time and compress well. Node 20 has no randomUUIDv7, so this takes a v4 UUID
 * (122 random bits, the variant already set) and writes the time and version over its first 52 bits.
 */
export const uuidv7 = (unixMs: number = Date.now()): string => {
  const ms = Math.floor(unixMs);
  if (!(ms >= 0 && ms <= MAX_UUIDV7_MS)) {
    throw new RangeError(`a UUIDv7 time must be between 0 and ${MAX_UUIDV7_MS} Unix ms (given ${unixMs})`);
  }
  const time = ms.toString(16).padStart(12, '0');
  // randomUUID(): xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx; from index 15 on, its random bits and variant are kept.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
};
