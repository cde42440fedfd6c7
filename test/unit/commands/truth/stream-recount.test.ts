import { describe, expect, it } from 'vitest';
import { type RecountSnapshot, StreamRecount } from '../../../../commands/truth/stream-recount.ts';
import { expectedRollups } from '../../../../commands/verify/ground-truth-rollups.ts';
import { ARRIVAL_MS, eventOf, recordsOf, SETTINGS, uuidOf } from './support/records.ts';

const SHARD = 'shardId-000000000000';

/** Saved and read back as truth.json holds it. */
const roundTrip = (snapshot: RecountSnapshot): RecountSnapshot => JSON.parse(JSON.stringify(snapshot));

const onePass = (records: ReturnType<typeof recordsOf>) => {
  const recount = new StreamRecount(SETTINGS);
  recount.fold(SHARD, records);
  return recount.snapshot();
};

describe('the stream recount', () => {
  it('classifies as the consumers do: counts valid events, quarantines the rest by reason', () => {
    const late = {
      ...eventOf(1),
      eventId: uuidOf(901),
      eventTime: new Date(ARRIVAL_MS - 2 * 3_600_000).toISOString(),
    };
    const future = {
      ...eventOf(2),
      eventId: uuidOf(902),
      eventTime: new Date(ARRIVAL_MS + 3_600_000).toISOString(),
    };
    const recount = new StreamRecount(SETTINGS);
    recount.fold(
      SHARD,
      recordsOf([eventOf(0), '{not json', late, future, { schema: 'nope' } as never, eventOf(3)]),
    );
    expect(recount.counters).toEqual({
      read: 6,
      accepted: 2,
      quarantined: { 'invalid-json': 1, 'too-late': 1, 'future-dated': 1, 'unknown-schema': 1 },
      producerDuplicates: 0,
    });
    expect(recount.rollups.values).toEqual(expectedRollups([eventOf(0), eventOf(3)]));
    expect(recount.lastSequences()).toEqual(new Map([[SHARD, '1005']]));
  });

  it('judges lateness against arrival, not the clock: the same event counts when it arrived in time', () => {
    const old = { ...eventOf(0), eventTime: '2020-01-01T00:00:00.000Z' };
    const recount = new StreamRecount(SETTINGS);
    recount.fold(SHARD, recordsOf([old], Date.parse('2020-01-01T00:00:05.000Z')));
    expect(recount.counters.accepted).toBe(1);
  });

  it('counts a producer duplicate once, within a page and across pages, and says how many it left out', () => {
    const events = [0, 1, 2, 3].map((i) => eventOf(i));
    const records = recordsOf([
      events[0],
      events[1],
      events[0],
      events[2],
      events[1],
      events[3],
      events[0],
    ] as never[]);
    const recount = new StreamRecount(SETTINGS);
    recount.fold(SHARD, records.slice(0, 3));
    recount.fold(SHARD, records.slice(3));
    expect(recount.counters).toMatchObject({ read: 7, accepted: 4, producerDuplicates: 3 });
    expect(recount.rollups.values).toEqual(expectedRollups(events));
  });

  it('counts a copy again once its first copy arrived longer ago than the horizon', () => {
    const event = eventOf(0, 0);
    const [first, inHorizon] = recordsOf([event, event], ARRIVAL_MS);
    const late = { ...event, eventTime: new Date(ARRIVAL_MS + 901_000).toISOString() };
    const [past] = recordsOf([late], ARRIVAL_MS + 902_000);
    const recount = new StreamRecount(SETTINGS);
    recount.fold(
      SHARD,
      [first, inHorizon].filter((r) => r !== undefined),
    );
    recount.fold(
      SHARD,
      [past].filter((r) => r !== undefined).map((r) => ({ ...r, sequenceNumber: '2000' })),
    );
    expect(recount.counters).toMatchObject({ accepted: 2, producerDuplicates: 1 });
  });

  it('keeps shards apart: the same event on two shards counts on each', () => {
    const recount = new StreamRecount(SETTINGS);
    recount.fold('shardId-000000000000', recordsOf([eventOf(0)]));
    recount.fold('shardId-000000000001', recordsOf([eventOf(0)]));
    expect(recount.counters).toMatchObject({ accepted: 2, producerDuplicates: 0 });
  });

  it('counts a record delivered again after a resume once', () => {
    const records = recordsOf(Array.from({ length: 10 }, (_, i) => eventOf(i)));
    const first = new StreamRecount(SETTINGS);
    first.fold(SHARD, records.slice(0, 6));
    const resumed = new StreamRecount(SETTINGS, roundTrip(first.snapshot()));
    resumed.fold(SHARD, records.slice(3));
    resumed.fold(SHARD, records.slice(8));
    expect(resumed.snapshot()).toEqual(onePass(records));
    expect(resumed.counters).toMatchObject({ read: 10, accepted: 10 });
  });

  it('saved and resumed at any point gives exactly the sums, counters and memory of one pass', () => {
    const events = Array.from({ length: 24 }, (_, i) => eventOf(i));
    // Duplicates, poison and a late event among them, so every part of the state is cut somewhere.
    const payloads = [...events, events[2], '{"x":', events[5], events[20]] as (
      | (typeof events)[number]
      | string
    )[];
    payloads.splice(7, 0, { ...eventOf(99), eventTime: '2020-01-01T00:00:00.000Z' });
    const records = recordsOf(payloads);
    const expected = onePass(records);
    expect(expected.counters).toMatchObject({
      producerDuplicates: 3,
      quarantined: { 'invalid-json': 1, 'too-late': 1 },
    });
    for (let cut = 0; cut <= records.length; cut++) {
      const before = new StreamRecount(SETTINGS);
      for (let at = 0; at < cut; at += 4) before.fold(SHARD, records.slice(at, Math.min(at + 4, cut)));
      const after = new StreamRecount(SETTINGS, roundTrip(before.snapshot()));
      for (let at = cut; at < records.length; at += 5) after.fold(SHARD, records.slice(at, at + 5));
      expect(after.snapshot(), `cut at ${cut}`).toEqual(expected);
    }
  });
});
