import {
  packEntries,
  type SeenEvent,
  SeenEvents,
  unpackEntries,
} from '../../processors/dedup/seen-events.ts';

/** First copies remembered together: those that arrived within one second of the group's first. */
interface SeenGroup {
  readonly arrivedAtMs: number;
  readonly entries: SeenEvent[];
}

/** A group as saved: its arrival and its entries packed as the consumers pack them (12 bytes each), base64. */
export interface SavedSeenGroup {
  readonly arrivedAtMs: number;
  readonly entries: string;
}

/** Entries that arrived within this long of their group's first share its arrival (and its expiry). */
const GROUP_SPAN_MS = 1_000;

/**
 * Producer duplicates on one shard, judged as the consumers judge them (docs/decisions.md, D14): the first
 * copy of an eventId in sequence order counts; a later copy whose first arrived within the horizon is a
 * duplicate. What is kept is the consumers' memory — 12 bytes per first copy of the horizon — grouped by
 * arrival second so that expiring is cheap and the saved form stays compact.
 */
export class ShardDuplicates {
  private readonly seen = new SeenEvents();
  private readonly groups: SeenGroup[] = [];

  constructor(
    private readonly horizonMs: number,
    saved: readonly SavedSeenGroup[] = [],
  ) {
    for (const group of saved) {
      const entries = unpackEntries(Buffer.from(group.entries, 'base64'));
      this.groups.push({ arrivedAtMs: group.arrivedAtMs, entries });
      this.seen.remember(entries);
    }
  }

  /** First copies remembered. */
  get size(): number {
    return this.seen.size;
  }

  /** True for a later copy of an event already counted; a first copy is remembered. */
  isDuplicate(eventId: string, sequenceNumber: string, arrivedAtMs: number): boolean {
    this.expire(arrivedAtMs - this.horizonMs);
    const { duplicates, remembered } = this.seen.split([{ eventId, sequenceNumber }], (record) => record);
    if (duplicates.length > 0) return true;
    this.remember(remembered, arrivedAtMs);
    return false;
  }

  saved(): SavedSeenGroup[] {
    return this.groups.map((group) => ({
      arrivedAtMs: group.arrivedAtMs,
      entries: Buffer.from(packEntries(group.entries)).toString('base64'),
    }));
  }

  private remember(entries: readonly SeenEvent[], arrivedAtMs: number): void {
    if (entries.length === 0) return;
    this.seen.remember(entries);
    const last = this.groups.at(-1);
    if (last && arrivedAtMs - last.arrivedAtMs < GROUP_SPAN_MS) last.entries.push(...entries);
    else this.groups.push({ arrivedAtMs, entries: [...entries] });
  }

  /** Forgets the groups that arrived before `oldestMs` (arrival order is sequence order on a shard). */
  private expire(oldestMs: number): void {
    while (this.groups[0] && this.groups[0].arrivedAtMs < oldestMs) {
      this.seen.forget(this.groups.shift()?.entries ?? []);
    }
  }
}
