import { createHash } from 'node:crypto';

/**
 * Producer duplicates (docs/decisions.md, D14): a producer that retries after an ambiguous timeout puts the same
 * event twice, under two sequence numbers of the same shard (both copies share a partition key). The first copy in
 * sequence order counts; every later one within the horizon is a duplicate.
 *
 * What is remembered of each first copy is 12 bytes: 8 of a hash of its eventId and a 32-bit hash of its
 * sequence number (its "tag"). The tag tells a re-delivery of the first copy (same record: counted again, and the
 * high-water marks skip what was already applied) from a second copy (another record: a duplicate).
 */
export interface SeenEvent {
  /** 16 hex digits: the first 8 bytes of the MD5 of the eventId. */
  readonly key: string;
  /** A 32-bit hash of the first copy's sequence number. */
  readonly tag: number;
}

export const ENTRY_BYTES = 12;

export const eventKey = (eventId: string): string =>
  createHash('md5').update(eventId, 'utf8').digest('hex').slice(0, 16);

/**
 * A 32-bit hash (FNV-1a) of the whole sequence number. Not its low bits: Kinesis sequence numbers are structured
 * (kinesalite's end in the same shard and version bits on every record), so only a hash of all of it tells two
 * records apart.
 */
export const sequenceTag = (sequenceNumber: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sequenceNumber.length; i++) {
    hash ^= sequenceNumber.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
};

export interface Identified {
  readonly eventId: string;
  readonly sequenceNumber: string;
}

export interface Split<R> {
  /** First copies (and re-deliveries of first copies), in the order given. */
  readonly first: R[];
  /** Later copies of an event already seen, in the order given. */
  readonly duplicates: R[];
  /** What this batch adds to the memory: its first copies not remembered before. */
  readonly remembered: SeenEvent[];
  /**
   * First copies remembered before with this very sequence number: the record itself, delivered again (a
   * retry, a restart from an older checkpoint). Also in `first`; a consumer that remembers only once its
   * writes landed (the archive) knows they are written already.
   */
  readonly redelivered: R[];
}

/** The first copies seen on one shard within the horizon, by event key. */
export class SeenEvents {
  private readonly tags = new Map<string, number>();

  get size(): number {
    return this.tags.size;
  }

  remember(entries: Iterable<SeenEvent>): void {
    for (const { key, tag } of entries) if (!this.tags.has(key)) this.tags.set(key, tag);
  }

  forget(entries: Iterable<SeenEvent>): void {
    for (const { key, tag } of entries) if (this.tags.get(key) === tag) this.tags.delete(key);
  }

  /** Splits records given in sequence order into first copies and duplicates (nothing is remembered yet). */
  split<R>(records: readonly R[], idOf: (record: R) => Identified): Split<R> {
    const inBatch = new Map<string, number>();
    const split: Split<R> = { first: [], duplicates: [], remembered: [], redelivered: [] };
    for (const record of records) {
      const { eventId, sequenceNumber } = idOf(record);
      const key = eventKey(eventId);
      const tag = sequenceTag(sequenceNumber);
      const seen = this.tags.get(key) ?? inBatch.get(key);
      if (seen !== undefined && seen !== tag) {
        split.duplicates.push(record);
        continue;
      }
      split.first.push(record);
      if (seen !== undefined && this.tags.get(key) === tag) split.redelivered.push(record);
      if (seen === undefined) {
        inBatch.set(key, tag);
        split.remembered.push({ key, tag });
      }
    }
    return split;
  }
}

/** 12 bytes an entry, for one binary attribute per batch. */
export const packEntries = (entries: readonly SeenEvent[]): Uint8Array => {
  const bytes = Buffer.alloc(entries.length * ENTRY_BYTES);
  entries.forEach(({ key, tag }, i) => {
    bytes.write(key, i * ENTRY_BYTES, 8, 'hex');
    bytes.writeUInt32BE(tag, i * ENTRY_BYTES + 8);
  });
  return bytes;
};

export const unpackEntries = (bytes: Uint8Array): SeenEvent[] => {
  if (bytes.byteLength % ENTRY_BYTES !== 0) {
    throw new Error(
      `a dedup entry list has ${bytes.byteLength} bytes, not a multiple of ${ENTRY_BYTES}: written by another version?`,
    );
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: SeenEvent[] = [];
  for (let at = 0; at < buffer.byteLength; at += ENTRY_BYTES) {
    entries.push({ key: buffer.toString('hex', at, at + 8), tag: buffer.readUInt32BE(at + 8) });
  }
  return entries;
};
