import { describe, expect, it } from 'vitest';
import {
  ENTRY_BYTES,
  eventKey,
  packEntries,
  SeenEvents,
  sequenceTag,
  unpackEntries,
} from '../../../../processors/dedup/seen-events.ts';

type Rec = { eventId: string; sequenceNumber: string };
const rec = (eventId: string, sequenceNumber: string): Rec => ({ eventId, sequenceNumber });
const id = (r: Rec) => r;
const SEQ = (n: number) =>
  `4959033827149025660855969253836157109592157598913658${String(n).padStart(4, '0')}`;

describe('producer duplicates on one shard', () => {
  it('counts the first copy and calls every later copy a duplicate, within a batch', () => {
    const seen = new SeenEvents();
    const batch = [rec('a', SEQ(1)), rec('b', SEQ(2)), rec('a', SEQ(3)), rec('a', SEQ(4))];
    const split = seen.split(batch, id);
    expect(split.first.map((r) => r.sequenceNumber)).toEqual([SEQ(1), SEQ(2)]);
    expect(split.duplicates.map((r) => r.sequenceNumber)).toEqual([SEQ(3), SEQ(4)]);
    expect(split.remembered).toEqual([
      { key: eventKey('a'), tag: sequenceTag(SEQ(1)) },
      { key: eventKey('b'), tag: sequenceTag(SEQ(2)) },
    ]);
  });

  it('calls a copy in a later batch a duplicate of a first copy remembered before', () => {
    const seen = new SeenEvents();
    seen.remember(seen.split([rec('a', SEQ(1))], id).remembered);
    const split = seen.split([rec('a', SEQ(9)), rec('c', SEQ(10))], id);
    expect(split.duplicates).toEqual([rec('a', SEQ(9))]);
    expect(split.first).toEqual([rec('c', SEQ(10))]);
  });

  it('counts a re-delivery of the first copy itself (same sequence number) again: the high-water marks skip it', () => {
    const seen = new SeenEvents();
    const first = seen.split([rec('a', SEQ(1)), rec('a', SEQ(2))], id);
    seen.remember(first.remembered);
    // Lambda retries from the first record with new boundaries: both halves come again.
    const retried = seen.split([rec('a', SEQ(1))], id);
    expect(retried.first).toEqual([rec('a', SEQ(1))]);
    expect(retried.redelivered).toEqual([rec('a', SEQ(1))]);
    expect(retried.remembered).toEqual([]);
    expect(seen.split([rec('a', SEQ(2))], id).duplicates).toEqual([rec('a', SEQ(2))]);
  });

  it('forgets what expired: an event seen again after the horizon counts again', () => {
    const seen = new SeenEvents();
    const { remembered } = seen.split([rec('a', SEQ(1))], id);
    seen.remember(remembered);
    seen.forget(remembered);
    expect(seen.size).toBe(0);
    expect(seen.split([rec('a', SEQ(5))], id).first).toHaveLength(1);
  });

  it('keeps the earliest first copy when the same event is remembered twice', () => {
    const seen = new SeenEvents();
    seen.remember([{ key: eventKey('a'), tag: 1 }]);
    seen.remember([{ key: eventKey('a'), tag: 2 }]);
    seen.forget([{ key: eventKey('a'), tag: 2 }]);
    expect(seen.size).toBe(1);
  });
});

describe('the remembered entries as bytes', () => {
  it('packs each first copy into 12 bytes and reads them back', () => {
    const entries = ['a', 'b', 'ünïcode', ''].map((e, i) => ({ key: eventKey(e), tag: sequenceTag(SEQ(i)) }));
    const bytes = packEntries(entries);
    expect(bytes.byteLength).toBe(entries.length * ENTRY_BYTES);
    expect(unpackEntries(bytes)).toEqual(entries);
  });

  it("tells apart sequence numbers that differ only in their middle digits, as kinesalite's do", () => {
    // Two kinesalite sequence numbers of one shard: same low 32 bits (the shard and version), other counters.
    const a = '49680763034335874409358605665007901832151649437471473666';
    const b = '49680763034335874409358605665284745844843399518479187970';
    expect(BigInt(a) & 0xffffffffn).toBe(BigInt(b) & 0xffffffffn);
    expect(sequenceTag(a)).not.toBe(sequenceTag(b));
    expect(sequenceTag(a)).toBe(sequenceTag(a));
    expect(Number.isInteger(sequenceTag(a)) && sequenceTag(a) >= 0 && sequenceTag(a) < 2 ** 32).toBe(true);
  });

  it('refuses bytes that are no list of entries, saying so', () => {
    expect(() => unpackEntries(new Uint8Array(13))).toThrow(/13 bytes, not a multiple of 12/);
  });
});
