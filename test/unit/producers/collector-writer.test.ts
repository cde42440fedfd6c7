import { describe, expect, it } from 'vitest';
import type { CollectorFetch, CollectorRequestInit } from '../../../producers/collector-request.ts';
import { CollectorWriter, type CollectorWriterOptions } from '../../../producers/collector-writer.ts';
import { SeededRandom } from '../../../producers/random.ts';
import type { ProducedRecord } from '../../../producers/source.ts';
import { isRecordFault, type RecordOutcome, type UnsentRecord } from '../../../producers/write-outcome.ts';
import { EDGE_LIMITS, KINESIS_MAX_RECORD_BYTES, type PageView } from '../../../schemas/index.ts';

import { pageViewRecords } from '../support/page-views.ts';

const URL = 'https://collector.test/prod/v1/server/events';

const records = pageViewRecords;

interface Request {
  readonly headers: Record<string, string>;
  readonly events: PageView[];
}
type Answer = Response | Error;

/** A stand-in collector: keeps each request's events and answers with `respond`. */
const fakeCollector = (respond: (events: PageView[], call: number) => Answer | Promise<Answer> = ok) => {
  const requests: Request[] = [];
  const fetch: CollectorFetch = async (_url: string, init: CollectorRequestInit) => {
    const events = JSON.parse(new TextDecoder().decode(init.body)) as PageView[];
    requests.push({ headers: init.headers, events });
    const answer = await respond(events, requests.length);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch, requests };
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
/** The collector's 200: the request became one record, none of its events refused. */
function ok(_events: PageView[]): Response {
  return json(200, { refused: [] });
}

/** One lane and no real waiting, unless a test says otherwise; every sleep is kept. */
const writerWith = (fetch: CollectorFetch, options: Partial<CollectorWriterOptions> = {}) => {
  const sleeps: number[] = [];
  const writer = new CollectorWriter<ProducedRecord>({
    url: URL,
    apiKey: 'key-1',
    fetch,
    maxInFlight: 1,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { writer, sleeps };
};
const idsOf = (events: readonly PageView[]) => events.map((e) => e.eventId);
const recordIds = (rs: readonly ProducedRecord[]) => rs.map((r) => r.event?.eventId);
const unsent = (outcomes: RecordOutcome<ProducedRecord>[]) =>
  outcomes.filter((o): o is UnsentRecord<ProducedRecord> => o.status === 'unsent');

describe('CollectorWriter', () => {
  it('posts the events as a JSON array with the API key, and reports every one accepted', async () => {
    // Prepare
    const collector = fakeCollector();
    const { writer } = writerWith(collector.fetch);
    const sent = records('a', 'b', 'c');
    // Act
    const outcomes = await writer.write(sent);
    // Assess
    expect(outcomes.map((o) => [o.status, o.attempts])).toEqual([
      ['accepted', 1],
      ['accepted', 1],
      ['accepted', 1],
    ]);
    expect(collector.requests).toHaveLength(1);
    expect(collector.requests[0]?.events).toEqual(sent.map((r) => r.event));
    expect(collector.requests[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-api-key': 'key-1',
    });
    expect(collector.requests[0]?.headers.origin).toBeUndefined();
    expect(writer.counters).toEqual({ sent: 3, failed: 0, retried: 0 });
    expect(writer.figures).toMatchObject({ requests: 1, accepted: 3, refusedByReason: {}, retried: 0 });
  });

  it('sends an Origin instead of a key for the browser route, as text/plain when asked', async () => {
    // Prepare
    const collector = fakeCollector();
    const { writer } = writerWith(collector.fetch, {
      apiKey: undefined,
      origin: 'https://shop.example',
      contentType: 'text/plain',
    });
    // Act
    await writer.write(records('a'));
    // Assess
    expect(collector.requests[0]?.headers).toMatchObject({
      'content-type': 'text/plain',
      origin: 'https://shop.example',
    });
    expect(collector.requests[0]?.headers['x-api-key']).toBeUndefined();
  });

  it("puts at most eventsPerRequest events in a request, the tracker's 100 by default", async () => {
    // Prepare
    const collector = fakeCollector();
    const byDefault = writerWith(collector.fetch).writer;
    const fives = writerWith(collector.fetch, { eventsPerRequest: 5 }).writer;
    // Act
    await byDefault.write(records(...Array.from({ length: 245 }, () => 'k')));
    await fives.write(records(...Array.from({ length: 12 }, () => 'k')));
    // Assess
    expect(collector.requests.map((r) => r.events.length)).toEqual([100, 100, 45, 5, 5, 2]);
  });

  it('on a 207 resends only the entries refused as retryable; the others are unsent with their error', async () => {
    // Prepare
    const collector = fakeCollector((events, call) =>
      call === 1
        ? json(207, {
            accepted: events.length - 2,
            refused: [
              { index: 1, error: 'ProvisionedThroughputExceededException', retryable: true },
              { index: 2, error: 'KMSAccessDeniedException', retryable: false },
            ],
          })
        : ok(events),
    );
    const { writer } = writerWith(collector.fetch);
    const sent = records('a', 'b', 'c', 'd');
    // Act
    const outcomes = await writer.write(sent);
    // Assess
    expect(collector.requests.map((r) => idsOf(r.events))).toEqual([
      recordIds(sent),
      recordIds([sent[1] as ProducedRecord]),
    ]);
    expect(outcomes.map((o) => `${o.status}/${o.attempts}`)).toEqual([
      'accepted/1',
      'accepted/2',
      'unsent/1',
      'accepted/1',
    ]);
    expect(unsent(outcomes)[0]).toMatchObject({ errorCode: 'KMSAccessDeniedException', retryable: false });
    expect(writer.counters).toEqual({ sent: 3, failed: 1, retried: 1 });
    expect(writer.figures.refusedByReason).toEqual({ throttled: 1, other: 1 });
  });

  it('on a 429 waits at least Retry-After before resending the batch', async () => {
    // Prepare
    const collector = fakeCollector((events, call) =>
      call === 1 ? json(429, { message: 'too many requests' }, { 'retry-after': '3' }) : ok(events),
    );
    const { writer, sleeps } = writerWith(collector.fetch);
    // Act
    const outcomes = await writer.write(records('a', 'b'));
    // Assess: the jitter drew 0, so the wait is exactly what the collector asked for.
    expect(sleeps).toEqual([3000]);
    expect(outcomes.map((o) => `${o.status}/${o.attempts}`)).toEqual(['accepted/2', 'accepted/2']);
    expect(writer.figures).toMatchObject({
      requests: 2,
      accepted: 2,
      retried: 2,
      refusedByReason: { throttled: 2 },
    });
  });

  it('takes the backoff when it is longer than Retry-After', async () => {
    // Prepare
    const collector = fakeCollector((events, call) =>
      call === 1 ? json(429, { message: 'slow down' }, { 'retry-after': '0' }) : ok(events),
    );
    const { writer, sleeps } = writerWith(collector.fetch, {
      random: () => 0.5,
      backoff: { baseDelayMs: 200 },
    });
    // Act
    await writer.write(records('a'));
    // Assess
    expect(sleeps).toEqual([100]);
  });

  it('gives up on a batch the collector keeps answering 503 after the last attempt, retryable, with its message', async () => {
    // Prepare
    const collector = fakeCollector(() =>
      json(503, { message: 'Kinesis is unavailable' }, { 'retry-after': '5' }),
    );
    const { writer, sleeps } = writerWith(collector.fetch, { backoff: { maxAttempts: 3 } });
    // Act
    const outcomes = await writer.write(records('a', 'b'));
    // Assess
    expect(collector.requests).toHaveLength(3);
    expect(sleeps).toEqual([5000, 5000]);
    expect(outcomes).toMatchObject([
      { status: 'unsent', errorCode: 'Collector503', retryable: true, attempts: 3 },
      { status: 'unsent', errorCode: 'Collector503', retryable: true, attempts: 3 },
    ]);
    expect(unsent(outcomes)[0]?.errorMessage).toContain('Kinesis is unavailable');
    expect(writer.counters).toEqual({ sent: 0, failed: 2, retried: 4 });
    expect(writer.figures.refusedByReason).toEqual({ unavailable: 6 });
  });

  it('resends after a network error, naming it by the socket error code', async () => {
    // Prepare
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    });
    const collector = fakeCollector((events, call) => (call === 1 ? reset : ok(events)));
    const { writer, sleeps } = writerWith(collector.fetch);
    // Act
    const outcomes = await writer.write(records('a'));
    // Assess
    expect(outcomes).toMatchObject([{ status: 'accepted', attempts: 2 }]);
    expect(sleeps).toHaveLength(1);
    expect(writer.figures.refusedByReason).toEqual({ network: 1 });
  });

  it('bisects a batch answered 400 until the bad event is alone: it is unsent with the message, the rest accepted', async () => {
    // Prepare
    const sent = records('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
    const bad = sent[5]?.event?.eventId;
    const collector = fakeCollector((events) =>
      idsOf(events).includes(bad ?? '?')
        ? json(400, { message: 'Invalid request body: [string "x" does not match pattern]' })
        : ok(events),
    );
    const { writer, sleeps } = writerWith(collector.fetch);
    // Act
    const outcomes = await writer.write(sent);
    // Assess
    expect(collector.requests.map((r) => r.events.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
    expect(sleeps).toEqual([]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'accepted',
      'accepted',
      'unsent',
      'accepted',
      'accepted',
    ]);
    const [refused] = unsent(outcomes);
    expect(refused).toMatchObject({ errorCode: 'Collector400', retryable: false });
    expect(refused?.errorMessage).toContain('does not match pattern');
    expect(refused && isRecordFault(refused)).toBe(true);
    expect(writer.figures.requests).toBe(7);
    // Each request refused as a whole counts its events: 8 + 4 + 2 + 1.
    expect(writer.figures.refusedByReason).toEqual({ invalid: 15 });
  });

  it('bisects a batch answered 413 the same way', async () => {
    // Prepare
    const sent = records('a', 'b', 'c');
    const big = sent[0]?.event?.eventId;
    const collector = fakeCollector((events) =>
      idsOf(events).includes(big ?? '?') ? json(413, { message: 'too large' }) : ok(events),
    );
    const { writer } = writerWith(collector.fetch);
    // Act
    const outcomes = await writer.write(sent);
    // Assess
    expect(outcomes.map((o) => (o.status === 'unsent' ? o.errorCode : o.status))).toEqual([
      'Collector413',
      'accepted',
      'accepted',
    ]);
  });

  it('leaves a batch refused with 403 unsent at once, unretryable, naming the URL and what to check', async () => {
    // Prepare
    const collector = fakeCollector(() => json(403, { message: 'Forbidden' }));
    const { writer, sleeps } = writerWith(collector.fetch);
    // Act
    const outcomes = await writer.write(records('a', 'b'));
    // Assess
    expect(collector.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    const [first] = unsent(outcomes);
    expect(first).toMatchObject({ errorCode: 'Collector403', retryable: false, attempts: 1 });
    expect(first?.errorMessage).toContain(URL);
    expect(first?.errorMessage).toContain('HTTP 403: Forbidden');
    expect(first?.errorMessage).toContain('X-Api-Key');
    expect(first && isRecordFault(first)).toBe(false);
    expect(writer.figures.refusedByReason).toEqual({ forbidden: 2 });
  });

  it('treats 404 and 415 as refusals for good too', async () => {
    // Prepare
    for (const status of [404, 415]) {
      const collector = fakeCollector(() => json(status, { message: 'no' }));
      const { writer } = writerWith(collector.fetch);
      // Act
      const outcomes = await writer.write(records('a'));
      // Assess
      expect(outcomes).toMatchObject([
        { status: 'unsent', errorCode: `Collector${status}`, retryable: false },
      ]);
      expect(collector.requests).toHaveLength(1);
    }
  });

  it('never sends an event too large for a Kinesis record once the edge context is added', async () => {
    // Prepare
    const collector = fakeCollector();
    const { writer } = writerWith(collector.fetch);
    const huge: ProducedRecord = { data: new Uint8Array(1024 * 1024 - 10), partitionKey: 'a' };
    // Act
    const outcomes = await writer.write([huge, ...records('b')]);
    // Assess
    expect(outcomes).toMatchObject([
      { status: 'unsent', errorCode: 'RecordTooLarge', attempts: 0, retryable: false },
      { status: 'accepted' },
    ]);
    expect(collector.requests.map((r) => r.events.length)).toEqual([1]);
  });

  it('cuts requests so each fits one Kinesis record of 1 MiB with its edge context', async () => {
    // Prepare: six events of ≈ 300 KB, one lane; three fit one record, four would not.
    const collector = fakeCollector();
    const { writer } = writerWith(collector.fetch, { eventsPerRequest: 500 });
    const big = pageViewRecords('s', 's', 's', 's', 's', 's').map((record) => {
      const event = { ...(record.event as PageView), page: `/${'p'.repeat(300_000)}` };
      return { ...record, event, data: new TextEncoder().encode(JSON.stringify(event)) };
    });

    // Act
    const outcomes = await writer.write(big);

    // Assess: every request's events, edge context and key are under the record limit.
    expect(outcomes.every((outcome) => outcome.status === 'accepted')).toBe(true);
    expect(collector.requests.map((request) => request.events.length)).toEqual([3, 3]);
    const edge = EDGE_LIMITS.requestId + EDGE_LIMITS.userAgent + EDGE_LIMITS.origin + 256;
    for (const { events } of collector.requests) {
      expect(JSON.stringify(events).length + edge + 256).toBeLessThanOrEqual(KINESIS_MAX_RECORD_BYTES);
    }
  });

  it('keeps each key in order and never has two requests with the same key in flight', async () => {
    // Prepare: answers arrive after a random number of turns of the event loop, refusals now and then.
    const random = new SeededRandom(3);
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    const seen = new Map<string, string[]>();
    const laterTurn = async (turns: number) => {
      for (let t = 0; t < turns; t++) await new Promise((r) => setImmediate(r));
    };
    const collector = fakeCollector(async (events) => {
      const keys = [...new Set(events.map((e) => e.sessionId))];
      overlaps.push(...keys.filter((key) => inFlight.has(key)));
      for (const key of keys) inFlight.add(key);
      await laterTurn(random.int(0, 5));
      for (const key of keys) inFlight.delete(key);
      if (random.chance(0.2)) return json(429, { message: 'throttled' });
      for (const e of events) seen.set(e.sessionId, [...(seen.get(e.sessionId) ?? []), e.eventId]);
      return ok(events);
    });
    const { writer } = writerWith(collector.fetch, { maxInFlight: 4, eventsPerRequest: 3 });
    const keys = Array.from({ length: 200 }, (_, i) => `s-${i % 9}`);
    const sent = records(...keys);
    // Act
    const outcomes = await Promise.all([writer.write(sent.slice(0, 100)), writer.write(sent.slice(100))]);
    await writer.flush();
    // Assess
    expect(outcomes.flat().every((o) => o.status === 'accepted')).toBe(true);
    expect(overlaps).toEqual([]);
    for (const key of new Set(keys)) {
      expect(seen.get(key)).toEqual(recordIds(sent.filter((r) => r.partitionKey === key)));
    }
    expect(writer.pending).toBe(0);
  });

  it('measures each request round trip', async () => {
    // Prepare: a clock that moves 10 ms per reading.
    let clock = 0;
    const collector = fakeCollector();
    const { writer } = writerWith(collector.fetch, { now: () => (clock += 10), eventsPerRequest: 1 });
    // Act
    await writer.write(records('a', 'b', 'c'));
    // Assess
    expect(writer.figures.requests).toBe(3);
    expect(writer.figures.latencyP50Ms).toBeGreaterThanOrEqual(10);
    expect(writer.figures.latencyP99Ms).toBeLessThan(10.3);
  });

  it('refuses options out of range, naming the value', () => {
    const fetch = fakeCollector().fetch;
    expect(() => new CollectorWriter({ url: URL, fetch, eventsPerRequest: 501 })).toThrow(
      'eventsPerRequest must be an integer between 1 and 500 inclusive (given 501)',
    );
    expect(() => new CollectorWriter({ url: URL, fetch, maxInFlight: 0 })).toThrow('(given 0)');
    expect(() => new CollectorWriter({ url: 'collector.test/v1/events', fetch })).toThrow(
      '(given collector.test/v1/events)',
    );
  });
});
