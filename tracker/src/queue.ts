import type { StorageLike } from './browser.ts';
import { keysWithPrefix, readJson, remove, writeJson } from './storage.ts';

/** Each page keeps its queue under a key of its own, so two tabs never overwrite each other's events. */
export const QUEUE_PREFIX = 'streamlake:queue:';
/**
 * Entries whose fate is unknown (beaconed, or in a request the page did not live to see answered) are resent by
 * the next page only this soon after they went out: well inside the smallest duplicate horizon a stack may set
 * (600 s, docs/decisions.md D14), so the resend of a copy that did arrive is counted once. Later, they are
 * presumed delivered: a beacon the browser queued almost always is.
 */
export const RESEND_WITHIN_MS = 300_000;
/** A queue its page neither closed nor saved for this long was left by a page that crashed or was killed. */
export const ORPHAN_AFTER_MS = 1_800_000;

export interface Entry {
  /** The event as JSON, exactly as it is sent. */
  readonly json: string;
  /** UTF-8 bytes of `json`. */
  readonly bytes: number;
  /** Unix ms the entry was queued: the batching delay runs from the oldest waiting entry. */
  readonly at: number;
  /** Unix ms it went out with no answer to be seen (beacon, unload): this page will not send it again. */
  sentAt?: number | undefined;
  /** Part of the request in flight. */
  sending?: boolean;
}

/** How a queue is stored: `events` holds [event, queued at, sent at?] so the events are not escaped twice. */
interface StoredQueue {
  readonly saved: number;
  readonly closed: boolean;
  /** Events dropped for the queue limit and not yet reported. */
  readonly dropped: number;
  readonly events: readonly (readonly [unknown, number, number?])[];
}

const encoder = new TextEncoder();
const entryOf = (json: string, at: number, sentAt?: number): Entry => ({
  json,
  bytes: encoder.encode(json).length,
  at,
  sentAt,
});
/**
 * The entries to resend from another page's stored queue, or undefined while that page may still be alive (it
 * did not close the queue and saved it lately).
 */
const leftBehind = (stored: StoredQueue, t: number): Entry[] | undefined => {
  if (!Array.isArray(stored.events) || (!stored.closed && t - stored.saved < ORPHAN_AFTER_MS))
    return undefined;
  return stored.events
    .filter(([, , sentAt]) => sentAt === undefined || t - sentAt <= RESEND_WITHIN_MS)
    .map(([event, at]) => entryOf(JSON.stringify(event), at));
};
const isWaiting = (entry: Entry) => entry.sentAt === undefined && !entry.sending;

/** The body of a request carrying `batch`: a JSON array, the collector's simplest form. */
export const bodyOf = (batch: readonly Entry[]): string => `[${batch.map((entry) => entry.json).join(',')}]`;
/** UTF-8 bytes of bodyOf(batch): the brackets, the events and the commas between them. */
export const bodyBytes = (batch: readonly Entry[]): number =>
  batch.reduce((sum, entry) => sum + entry.bytes + 1, 1);

export type EventQueue = ReturnType<typeof createQueue>;

/**
 * The page's events until the collector has them: in memory, mirrored to `storage` on every change so a reload
 * or a crash loses nothing, and bounded by `limit` — beyond it the oldest go (fate-unknown entries first, as
 * they were probably delivered; never one in flight), and each event that never went out is counted for the
 * next report.
 */
export const createQueue = (storage: StorageLike, pageId: string, limit: number, now: () => number) => {
  const key = QUEUE_PREFIX + pageId;
  let entries: Entry[] = [];
  let dropped = 0;

  /** Drops the oldest entries beyond the limit; returns how many of them had never gone out. */
  const bound = (): number => {
    let lost = 0;
    while (entries.length > limit) {
      const sent = entries.findIndex((entry) => entry.sentAt !== undefined);
      // Never one in flight: its answer would count it accepted after it was counted dropped. The limit is at
      // least maxEvents, so beyond it some entry is not in flight.
      const oldest = sent >= 0 ? sent : entries.findIndex((entry) => !entry.sending);
      if (oldest < 0) break;
      const [gone] = entries.splice(oldest, 1);
      if (gone?.sentAt === undefined) lost++;
    }
    dropped += lost;
    return lost;
  };

  return {
    /** Entries neither in flight nor sent with an unknown fate, oldest first. */
    waiting: (): Entry[] => entries.filter(isWaiting),
    get size(): number {
      return entries.length;
    },
    /** Queues one event's JSON; returns how many events the limit made it drop. */
    add(json: string): number {
      entries.push(entryOf(json, now()));
      return bound();
    },
    /** The oldest waiting entries that fit `maxCount` and `maxBytes` of body (at least one), marked in flight. */
    take(maxCount: number, maxBytes: number): Entry[] {
      const batch: Entry[] = [];
      let bytes = 2;
      for (const entry of entries) {
        if (!isWaiting(entry)) continue;
        const next = bytes + entry.bytes + (batch.length > 0 ? 1 : 0);
        if (batch.length === maxCount || (batch.length > 0 && next > maxBytes)) break;
        batch.push(entry);
        bytes = next;
      }
      for (const entry of batch) entry.sending = true;
      return batch;
    },
    remove(batch: readonly Entry[]): void {
      const gone = new Set(batch);
      entries = entries.filter((entry) => !gone.has(entry));
    },
    /** Puts entries back to wait for the next request. */
    release(batch: readonly Entry[]): void {
      for (const entry of batch) {
        entry.sending = false;
        entry.sentAt = undefined;
      }
    },
    /** Entries that went out with no answer to be seen: kept for the next page to resend (RESEND_WITHIN_MS). */
    markSent(batch: readonly Entry[]): void {
      const at = now();
      for (const entry of batch) {
        entry.sending = false;
        entry.sentAt = at;
      }
    },
    /** Drops not yet reported; reading them resets the count. */
    takeDropped(): number {
      const count = dropped;
      dropped = 0;
      return count;
    },
    /**
     * Mirrors the queue to storage; `closed` when the page may be going away, so the next page adopts it at once.
     * Entries sent with an unknown fate leave once too old to resend.
     */
    save(closed = false): void {
      const t = now();
      entries = entries.filter((entry) => entry.sentAt === undefined || t - entry.sentAt <= RESEND_WITHIN_MS);
      const events = entries.map(
        (entry) => `[${entry.json},${entry.at}${entry.sentAt === undefined ? '' : `,${entry.sentAt}`}]`,
      );
      writeJson(
        storage,
        key,
        `{"saved":${t},"closed":${closed},"dropped":${dropped},"events":[${events.join(',')}]}`,
      );
    },
    /**
     * Takes over the queues of pages that closed (a reload, a navigation, a tab closed offline) or were
     * orphaned (a crash), oldest events first; fate-unknown entries still young enough are resent. Returns how
     * many events the limit made it drop.
     */
    adopt(): number {
      const t = now();
      const adopted: Entry[] = [];
      for (const other of keysWithPrefix(storage, QUEUE_PREFIX)) {
        const stored = other === key ? undefined : readJson<StoredQueue>(storage, other);
        const events = stored && leftBehind(stored, t);
        if (!events) continue;
        adopted.push(...events);
        dropped += Number(stored.dropped) || 0;
        remove(storage, other);
      }
      entries = [...adopted.sort((a, b) => a.at - b.at), ...entries];
      return bound();
    },
  };
};
