import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamTruth } from '../../../../commands/truth/stream-truth.ts';
import { expectedRollups } from '../../../../commands/verify/ground-truth-rollups.ts';
import { FakeStream } from './support/fake-stream.ts';
import { ARRIVAL_MS, eventOf, recordsOf, SETTINGS } from './support/records.ts';

const A = 'shardId-000000000000';
const B = 'shardId-000000000001';

describe('the stream truth of a state folder', () => {
  let stateDir: string;
  let stream: FakeStream;
  const events = Array.from({ length: 30 }, (_, i) => eventOf(i));
  const open = (options: { pageLimit?: number; saveEveryRecords?: number } = {}) =>
    StreamTruth.open({
      stateDir,
      kinesis: stream.client,
      streamName: stream.name,
      settings: SETTINGS,
      ...options,
    });

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'streamlake-stream-truth-'));
    stream = new FakeStream();
    stream.put(A, recordsOf(events.slice(0, 20)));
    // A producer's retry: events 20–29 on the other shard, two of them twice.
    stream.put(B, recordsOf([...events.slice(20), events[21], events[25]] as never[]));
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('reads every shard to its end, page by page, and counts each event once', async () => {
    const truth = await open({ pageLimit: 7 });
    expect(await truth.catchUp()).toMatchObject({ records: 32 });
    expect(truth.counters).toMatchObject({ read: 32, accepted: 30, producerDuplicates: 2 });
    expect(truth.recount.rollups.values).toEqual(expectedRollups(events));
    expect(truth.lastSequences()).toEqual(
      new Map([
        [A, '1019'],
        [B, '1011'],
      ]),
    );
  });

  it('resumes from its file where the last catch-up ended, reading only what is new', async () => {
    await (await open()).catchUp();
    const more = recordsOf([eventOf(40), eventOf(41)], ARRIVAL_MS + 20_000).map((r, i) => ({
      ...r,
      sequenceNumber: String(1020 + i),
    }));
    stream.put(A, more);
    const resumed = await open();
    expect(await resumed.catchUp()).toMatchObject({ records: 2 });
    expect(resumed.recount.rollups.values).toEqual(expectedRollups([...events, eventOf(40), eventOf(41)]));
  });

  it('after a stop between pages (as a crash would leave it), resumes from the last save to the same sums', async () => {
    const stop = new AbortController();
    const interrupted = await open({ pageLimit: 3, saveEveryRecords: 6 });
    const answer = stream.client.send.bind(stream.client);
    stream.client.send = (async (command: never) => {
      if (stream.getRecordsCalls >= 5) stop.abort();
      return answer(command);
    }) as never;
    await interrupted.catchUp(stop.signal);
    stream.client.send = answer;
    expect(interrupted.counters.read).toBe(15);
    const resumed = await open();
    // Saved at 6 and 12 records: the three read since are read again, and counted once.
    expect(resumed.counters.read).toBe(12);
    await resumed.catchUp();
    expect(resumed.counters).toMatchObject({ read: 32, accepted: 30, producerDuplicates: 2 });
    expect(resumed.recount.rollups.values).toEqual(expectedRollups(events));
  });

  it('refuses a recount of another stream, e.g. one deleted and created again', async () => {
    await (await open()).catchUp();
    stream.createdAtMs += 1000;
    await expect(open()).rejects.toThrow(
      /counts stream events created at .*, not events created at .*: delete .*truth.json/,
    );
  });
});
