import { describe, expect, it } from 'vitest';
import type { CollectorFetch, CollectorRequestInit } from '../../../producers/collector-request.ts';
import { CollectorWriter, type CollectorWriterOptions } from '../../../producers/collector-writer.ts';
import { SeededRandom } from '../../../producers/random.ts';
import type { ProducedRecord } from '../../../producers/source.ts';
import { dueCount, type Linger } from '../../../producers/write-lanes.ts';
import type { PageView } from '../../../schemas/index.ts';

import { pageViewRecords } from '../support/page-views.ts';

const URL = 'https://collector.test/prod/v1/server/events';

const records = pageViewRecords;
const same = (key: string, count: number) => records(...Array.from({ length: count }, () => key));

/** Lets the fake collector's answers and the lanes' follow-ups run: turns of the event loop, no real time. */
const settle = async () => {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
};

/** A clock that moves only when told: sleeps end when advance() passes their time. */
const fakeClock = () => {
  let nowMs = 0;
  let timers: { atMs: number; fire: () => void }[] = [];
  return {
    now: () => nowMs,
    sleep: (ms: number) => new Promise<void>((fire) => timers.push({ atMs: nowMs + ms, fire })),
    async advance(ms: number) {
      nowMs += ms;
      const due = timers.filter((t) => t.atMs <= nowMs);
      timers = timers.filter((t) => t.atMs > nowMs);
      for (const timer of due) timer.fire();
      await settle();
    },
  };
};

/** A stand-in collector keeping each request's events; `respond` may answer later or refuse. */
const fakeCollector = (
  respond: (events: PageView[]) => Promise<Response | undefined> | undefined = () => undefined,
) => {
  const requests: PageView[][] = [];
  const fetch: CollectorFetch = async (_url: string, init: CollectorRequestInit) => {
    const events = JSON.parse(new TextDecoder().decode(init.body)) as PageView[];
    requests.push(events);
    return (await respond(events)) ?? new Response(JSON.stringify({ refused: [] }), { status: 200 });
  };
  return { fetch, requests, sizes: () => requests.map((events) => events.length) };
};

const lingering = (fetch: CollectorFetch, options: Partial<CollectorWriterOptions> = {}) => {
  const clock = fakeClock();
  const writer = new CollectorWriter<ProducedRecord>({
    url: URL,
    apiKey: 'key-1',
    fetch,
    maxInFlight: 1,
    eventsPerRequest: 5,
    maxDelayMs: 1000,
    random: () => 0,
    now: clock.now,
    sleep: clock.sleep,
    ...options,
  });
  return { writer, clock };
};

/** Resolves to true once the promise has settled, else false, after the turns settle() takes. */
const isDone = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await settle();
  return done;
};

describe('CollectorWriter with a linger (maxDelayMs), as the tracker batches', () => {
  it('sends full batches at once and the partial one only when its oldest event has waited maxDelayMs', async () => {
    // Prepare
    const collector = fakeCollector();
    const { writer, clock } = lingering(collector.fetch);
    // Act
    const written = writer.write(same('a', 12));
    await settle();
    const atOnce = collector.sizes();
    await clock.advance(999);
    const beforeDelay = collector.sizes();
    await clock.advance(1);
    // Assess
    expect(atOnce).toEqual([5, 5]);
    expect(beforeDelay).toEqual([5, 5]);
    expect(collector.sizes()).toEqual([5, 5, 2]);
    expect((await written).every((o) => o.status === 'accepted')).toBe(true);
    expect(writer.pending).toBe(0);
  });

  it('sends a partial batch as soon as later writes fill it, without waiting out the delay', async () => {
    // Prepare
    const collector = fakeCollector();
    const { writer, clock } = lingering(collector.fetch);
    // Act
    const first = writer.write(same('a', 3));
    await clock.advance(400);
    const held = collector.sizes();
    const second = writer.write(same('a', 4));
    await settle();
    // Assess: 3 + 2 went as one full request; the other 2 wait for their own delay, counted from their write.
    expect(held).toEqual([]);
    expect(collector.sizes()).toEqual([5]);
    expect(await isDone(first)).toBe(true);
    await clock.advance(999);
    expect(collector.sizes()).toEqual([5]);
    await clock.advance(1);
    expect(collector.sizes()).toEqual([5, 2]);
    expect(await isDone(second)).toBe(true);
  });

  it('sends every partial batch at once on flush(), with no time passing', async () => {
    // Prepare
    const collector = fakeCollector();
    const { writer } = lingering(collector.fetch, { maxInFlight: 4 });
    const sent = records('a', 'b', 'c', 'a', 'b', 'd', 'e');
    // Act
    const written = writer.write(sent);
    await settle();
    const held = collector.sizes();
    await writer.flush();
    // Assess
    expect(held).toEqual([]);
    expect(
      collector.requests
        .flat()
        .map((e) => e.eventId)
        .sort(),
    ).toEqual(sent.map((r) => r.event?.eventId).sort());
    expect(collector.requests.every((events) => events.length < 5)).toBe(true);
    expect((await written).every((o) => o.status === 'accepted')).toBe(true);
    expect(writer.pending).toBe(0);
  });

  it('keeps each key in order and accepts every event once, through throttling, lingering and a flush', async () => {
    // Prepare: writes of random sizes at random moments; answers after random turns, now and then a 429.
    const random = new SeededRandom(7);
    const accepted = new Map<string, string[]>();
    const collector = fakeCollector(async (events) => {
      for (let t = random.int(0, 3); t > 0; t--) await new Promise((resolve) => setImmediate(resolve));
      if (random.chance(0.15)) return new Response('{"message":"slow down"}', { status: 429 });
      for (const e of events) accepted.set(e.sessionId, [...(accepted.get(e.sessionId) ?? []), e.eventId]);
      return undefined;
    });
    const { writer, clock } = lingering(collector.fetch, {
      maxInFlight: 4,
      eventsPerRequest: 3,
      maxDelayMs: 100,
    });
    const sent: ProducedRecord[] = [];
    const writes: Promise<unknown>[] = [];
    // Act
    for (let tick = 0; tick < 60; tick++) {
      const batch = records(...Array.from({ length: random.int(0, 6) }, () => `s-${random.int(0, 8)}`));
      sent.push(...batch);
      writes.push(writer.write(batch));
      await clock.advance(random.int(1, 60));
    }
    const flushed = writer.flush();
    // Backoffs sleep on the fake clock: keep it moving until the flush is done.
    while (!(await isDone(flushed))) await clock.advance(50);
    await Promise.all(writes);
    // Assess
    for (const key of new Set(sent.map((r) => r.partitionKey))) {
      expect(accepted.get(key), key).toEqual(
        sent.filter((r) => r.partitionKey === key).map((r) => r.event?.eventId),
      );
    }
    expect(writer.counters).toMatchObject({ sent: sent.length, failed: 0 });
    expect(writer.pending).toBe(0);
  });

  it('without maxDelayMs sends a partial batch at once, as before', async () => {
    // Prepare
    const collector = fakeCollector();
    const { writer } = lingering(collector.fetch, { maxDelayMs: undefined });
    // Act
    const outcomes = await writer.write(same('a', 7));
    // Assess
    expect(collector.sizes()).toEqual([5, 2]);
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
  });

  it('with its own timers, sends a partial batch after a short delay, and on flush() without waiting an hour', async () => {
    // Prepare: no injected clock or sleep, so the lanes wait on real, cancellable timers.
    const collector = fakeCollector();
    const options = {
      url: URL,
      apiKey: 'key-1',
      fetch: collector.fetch,
      eventsPerRequest: 5,
      maxInFlight: 1,
    };
    const brief = new CollectorWriter<ProducedRecord>({ ...options, maxDelayMs: 1 });
    const hour = new CollectorWriter<ProducedRecord>({ ...options, maxDelayMs: 3_600_000 });
    // Act
    const afterDelay = await brief.write(same('a', 2));
    const written = hour.write(same('b', 3));
    await hour.flush();
    // Assess
    expect(collector.sizes()).toEqual([2, 3]);
    expect([...afterDelay, ...(await written)].every((o) => o.status === 'accepted')).toBe(true);
  });

  it('refuses a maxDelayMs out of range, naming the value', () => {
    const { fetch } = fakeCollector();
    expect(() => new CollectorWriter({ url: URL, fetch, maxDelayMs: -1 })).toThrow(
      'maxDelayMs must be an integer between 0 and 3600000 inclusive (given -1)',
    );
  });
});

describe('dueCount: what a lingering lane sends now', () => {
  const linger: Linger<number> = {
    maxRecords: 3,
    maxBytes: 10,
    bytesOf: (bytes) => bytes,
    maxDelayMs: 100,
    now: () => 0,
    wait: async () => undefined,
  };
  const queue = (...entries: [bytes: number, queuedMs: number][]) =>
    entries.map(([record, queuedMs]) => ({ record, attempts: 0, settle: () => undefined, queuedMs }));

  it('releases whole batches, cut by count or bytes as planBatches cuts them, and holds the young rest', () => {
    // 3 records (count), then 6 + 5 > 10 bytes cuts after one, then a young partial of 5 + 1.
    const q = queue([1, 0], [1, 0], [1, 0], [6, 50], [5, 60], [1, 70]);
    expect(dueCount(q, linger, 100)).toBe(4);
  });

  it('releases the partial batch once its oldest record has waited maxDelayMs', () => {
    const q = queue([1, 0], [1, 0], [1, 0], [6, 50], [5, 60], [1, 70]);
    expect(dueCount(q, linger, 159)).toBe(4);
    expect(dueCount(q, linger, 160)).toBe(6);
  });

  it('releases a last batch that is full by bytes or count, and nothing from a young partial', () => {
    expect(dueCount(queue([4, 0], [6, 0]), linger, 0)).toBe(2);
    expect(dueCount(queue([1, 0], [1, 0], [1, 0]), linger, 0)).toBe(3);
    expect(dueCount(queue([1, 0], [1, 0]), linger, 99)).toBe(0);
    expect(dueCount(queue(), linger, 0)).toBe(0);
  });
});
