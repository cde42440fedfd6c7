import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AcceptancePolicy, classifyBatch, shardIdOf } from '../../../../processors/shared/classify.ts';
import { webEdge } from '../../support/edge-context.ts';
import {
  kinesisRecord,
  pageView,
  purchase,
  reading,
  SHARD,
  sequence,
  statusChange,
} from '../../support/kinesis-records.ts';

const MINUTE = 60_000;

const policy: AcceptancePolicy = {
  allowedLatenessMs: 60 * MINUTE,
  clockSkewMs: 5 * MINUTE,
  maxEventBytes: 4096,
};

const ARRIVAL_MS = Date.parse('2026-11-22T05:06:08.000Z');
const isoAt = (ms: number) => new Date(ms).toISOString();

afterEach(() => {
  vi.useRealTimers();
});

describe('classifyBatch', () => {
  it('accepts valid events of every dataset, keeping their sequence numbers, events and event times', () => {
    // Prepare
    const events = [
      pageView(),
      purchase({ orderId: 'order-7', items: 2, revenue: 19.9 }),
      reading({ deviceId: 'device-9' }),
      statusChange(),
    ];
    const records = events.map((event, i) => kinesisRecord(event, { sequenceNumber: sequence(i + 1) }));

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch.rejected).toEqual([]);
    expect(batch.shardId).toBe(SHARD);
    expect(batch.accepted).toEqual(
      events.map((event, i) => ({
        sequenceNumber: sequence(i + 1),
        event,
        eventTimeMs: Date.parse(event.eventTime),
      })),
    );
  });

  it('keeps accepted records in the order Kinesis delivered them', () => {
    // Prepare
    const records = [3, 1, 2].map((n) =>
      kinesisRecord(pageView({ page: `/p${n}` }), { sequenceNumber: sequence(n) }),
    );

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch.accepted.map((record) => record.sequenceNumber)).toEqual([
      sequence(3),
      sequence(1),
      sequence(2),
    ]);
  });

  it('reports an empty shard id and nothing classified for an empty batch', () => {
    // Prepare
    const records: never[] = [];

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch).toEqual({ shardId: '', accepted: [], rejected: [] });
  });

  it('quarantines a record larger than maxEventBytes as oversize without parsing it', () => {
    // Prepare
    const big = pageView({ referrer: `https://example.com/${'x'.repeat(300)}` });
    const bytes = Buffer.byteLength(JSON.stringify(big));
    const record = kinesisRecord(big);

    // Act
    const batch = classifyBatch([record], { ...policy, maxEventBytes: 200 });

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]?.reason).toBe('oversize');
    expect(batch.rejected[0]?.detail).toContain(`${bytes} bytes`);
    expect(batch.rejected[0]?.detail).toContain('200');
  });

  it('accepts a record of exactly maxEventBytes', () => {
    // Prepare
    const event = pageView();
    const record = kinesisRecord(event);

    // Act
    const batch = classifyBatch([record], {
      ...policy,
      maxEventBytes: Buffer.byteLength(JSON.stringify(event)),
    });

    // Assess
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted).toHaveLength(1);
  });

  it('quarantines bytes that are not valid UTF-8 as undecodable', () => {
    // Prepare
    const record = kinesisRecord(Buffer.from([0xff, 0xfe]));

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: 'undecodable' })]);
  });

  it.each([
    ['truncated JSON', '{"schema":"clickstream.page_view",'],
    ['plain text', 'hello world'],
    ['an empty payload', ''],
  ])('quarantines %s as invalid-json', (_, text) => {
    // Prepare
    const record = kinesisRecord(text);

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: 'invalid-json' })]);
    expect(batch.rejected[0]?.detail).not.toBe('');
  });

  it.each([
    ['a schema nobody declared', { ...pageView(), schema: 'clickstream.scroll' }],
    ['a version nobody declared', { ...pageView(), version: 99 }],
    ['no schema at all', { eventId: 'x', page: '/home' }],
  ])('quarantines an event with %s as unknown-schema', (_, event) => {
    // Prepare
    const record = kinesisRecord(event);

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: 'unknown-schema' })]);
  });

  it.each([
    ['page', pageView({ page: 'home' }), '"home"'],
    ['eventId', pageView({ eventId: 'NOT-A-UUID' }), '"NOT-A-UUID"'],
    ['eventTime', pageView({ eventTime: '2026-11-22 05:06:07' }), '"2026-11-22 05:06:07"'],
    ['currency', purchase({ currency: 'eur' }), '"eur"'],
    ['status', { ...reading(), status: 'broken' }, '"broken"'],
    ['temperature', reading({ temperature: 500 }), '500'],
  ])('quarantines an event whose %s breaks its contract as schema-violation, naming field and value', (field, event, given) => {
    // Prepare
    const record = kinesisRecord(event);

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]?.reason).toBe('schema-violation');
    expect(batch.rejected[0]?.detail).toContain(`/${field}`);
    expect(batch.rejected[0]?.detail).toContain(given);
  });

  it('quarantines an impossible event time as schema-violation, not as too-late or moved to another day', () => {
    // Prepare
    const records = ['2026-02-30T25:61:61Z', '2026-12-01T24:10:06Z', '0000-00-00T00:00:00Z'].map(
      (eventTime, i) => kinesisRecord(statusChange({ eventTime }), { sequenceNumber: sequence(i + 1) }),
    );

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected.map((r) => r.reason)).toEqual([
      'schema-violation',
      'schema-violation',
      'schema-violation',
    ]);
    expect(batch.rejected[0]?.detail).toContain(
      '/eventTime is not a real UTC time (given "2026-02-30T25:61:61Z")',
    );
  });

  it.each([
    ['a lone high surrogate', '"\\ud800"', 'U+D800'],
    ['a lone low surrogate', '"d\\udc00-1"', 'U+DC00'],
    ['a NUL', '"d\\u0000"', 'U+0000'],
    ['an escape control', '"d\\u001b[31m"', 'U+001B'],
    ['a backspace, as JSON.stringify writes it', '"d\\b"', 'U+0008'],
    ['a form feed, as JSON.stringify writes it', '"d\\f-1"', 'U+000C'],
    ['U+FFFE, escaped', '"d\\ufffe"', 'U+FFFE'],
    ['U+FFFF, raw', '"d\uffff"', 'U+FFFF'],
  ])('quarantines a string field holding %s as schema-violation naming the field and the character', (_, raw, char) => {
    // Prepare
    const text = JSON.stringify(statusChange()).replace('"device-1"', raw);

    // Act
    const batch = classifyBatch([kinesisRecord(text)], policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: 'schema-violation' })]);
    expect(batch.rejected[0]?.detail).toContain(`/deviceId holds ${char}`);
    expect(batch.rejected[0]?.detail).toContain('send well-formed Unicode');
  });

  it('accepts tabs, newlines, escaped non-ASCII and surrogate pairs in a string field', () => {
    // Prepare
    const text = JSON.stringify(pageView({ referrer: 'https://example.com/\t\r\n' })).replace(
      '"session-1"',
      '"s\\u00e9ssion-\\ud83d\\ude00-😀"',
    );

    // Act
    const batch = classifyBatch([kinesisRecord(text)], policy);

    // Assess
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted[0]?.event).toMatchObject({ sessionId: 's\u00e9ssion-😀-😀' });
  });

  it('quarantines a record it cannot process as unprocessable and still classifies the rest of the batch', () => {
    // Prepare
    const broken = kinesisRecord(pageView(), { sequenceNumber: sequence(2) });
    const records = [
      kinesisRecord(pageView(), { sequenceNumber: sequence(1) }),
      { ...broken, kinesis: { ...broken.kinesis, data: 42 as unknown as string } },
      kinesisRecord(reading(), { sequenceNumber: sequence(3) }),
    ];

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1), sequence(3)]);
    expect(batch.rejected).toEqual([
      expect.objectContaining({ reason: 'unprocessable', sequenceNumber: sequence(2) }),
    ]);
    expect(batch.rejected[0]?.detail).toMatch(/^classifying threw TypeError: .+npm run replay/);
  });

  it('quarantines an event with a field its contract does not declare as schema-violation', () => {
    // Prepare
    const record = kinesisRecord({ ...pageView(), colour: 'blue' });

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: 'schema-violation' })]);
  });

  it('quarantines a JSON value that is not an object as schema-violation', () => {
    // Prepare
    const record = kinesisRecord('[1,2,3]');

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: 'schema-violation' })]);
  });

  it('quarantines an event older than arrival minus the allowed lateness as too-late', () => {
    // Prepare
    const eventTime = isoAt(ARRIVAL_MS - policy.allowedLatenessMs - 1000);
    const record = kinesisRecord(pageView({ eventTime }), { arrivalMs: ARRIVAL_MS });

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]?.reason).toBe('too-late');
    expect(batch.rejected[0]?.detail).toContain(eventTime);
    expect(batch.rejected[0]?.detail).toContain('3601s late');
  });

  it('accepts an event exactly as late as the allowed lateness', () => {
    // Prepare
    const eventTime = isoAt(ARRIVAL_MS - policy.allowedLatenessMs);
    const record = kinesisRecord(pageView({ eventTime }), { arrivalMs: ARRIVAL_MS });

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted).toHaveLength(1);
  });

  it('quarantines an event newer than arrival plus the clock skew as future-dated', () => {
    // Prepare
    const eventTime = isoAt(ARRIVAL_MS + policy.clockSkewMs + 1000);
    const record = kinesisRecord(pageView({ eventTime }), { arrivalMs: ARRIVAL_MS });

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]?.reason).toBe('future-dated');
    expect(batch.rejected[0]?.detail).toContain(eventTime);
    expect(batch.rejected[0]?.detail).toContain('301s after arrival');
  });

  it('accepts an event exactly as far ahead as the clock skew', () => {
    // Prepare
    const eventTime = isoAt(ARRIVAL_MS + policy.clockSkewMs);
    const record = kinesisRecord(pageView({ eventTime }), { arrivalMs: ARRIVAL_MS });

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted).toHaveLength(1);
  });

  it('reads approximateArrivalTimestamp as epoch seconds', () => {
    // Prepare
    const record = kinesisRecord(pageView({ eventTime: isoAt(ARRIVAL_MS - 500) }), { arrivalMs: ARRIVAL_MS });

    // Act
    const batch = classifyBatch([record], { ...policy, allowedLatenessMs: 1000, clockSkewMs: 1000 });

    // Assess
    expect(record.kinesis.approximateArrivalTimestamp).toBe(ARRIVAL_MS / 1000);
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted).toHaveLength(1);
  });

  it('judges lateness by arrival time, not the wall clock, so a re-delivery far in the future decides the same', () => {
    // Prepare
    const records = [
      kinesisRecord(pageView({ eventTime: isoAt(ARRIVAL_MS - 1000) }), {
        sequenceNumber: sequence(1),
        arrivalMs: ARRIVAL_MS,
      }),
      kinesisRecord(pageView({ eventTime: isoAt(ARRIVAL_MS - 2 * 60 * MINUTE) }), {
        sequenceNumber: sequence(2),
        arrivalMs: ARRIVAL_MS,
      }),
      kinesisRecord(pageView({ eventTime: isoAt(ARRIVAL_MS + 10 * MINUTE) }), {
        sequenceNumber: sequence(3),
        arrivalMs: ARRIVAL_MS,
      }),
    ];
    const firstDelivery = classifyBatch(records, policy);
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2031-01-01T00:00:00.000Z'));

    // Act
    const redelivery = classifyBatch(records, policy);

    // Assess
    expect(Date.now()).toBe(Date.parse('2031-01-01T00:00:00.000Z'));
    expect(redelivery).toEqual(firstDelivery);
    expect(redelivery.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1)]);
    expect(redelivery.rejected.map((r) => r.reason)).toEqual(['too-late', 'future-dated']);
  });

  it('keeps shard id, sequence number, partition key, arrival time and the raw base64 data of every rejected record', () => {
    // Prepare
    const shardId = 'shardId-000000000007';
    const payloads: unknown[] = [
      Buffer.from([0xff, 0xfe]),
      'not json',
      { ...pageView(), schema: 'clickstream.scroll' },
      pageView({ page: 'home' }),
      pageView({ eventTime: isoAt(ARRIVAL_MS - 3 * 60 * MINUTE) }),
      pageView({ eventTime: isoAt(ARRIVAL_MS + 60 * MINUTE) }),
      pageView({ referrer: 'r'.repeat(5000) }),
    ];
    const records = payloads.map((payload, i) =>
      kinesisRecord(payload, {
        shardId,
        sequenceNumber: sequence(i + 10),
        partitionKey: `key-${i}`,
        arrivalMs: ARRIVAL_MS,
      }),
    );

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.shardId).toBe(shardId);
    expect(batch.rejected.map((r) => r.reason)).toEqual([
      'undecodable',
      'invalid-json',
      'unknown-schema',
      'schema-violation',
      'too-late',
      'future-dated',
      'oversize',
    ]);
    batch.rejected.forEach((rejected, i) => {
      const record = records[i];
      expect(rejected).toEqual({
        reason: rejected.reason,
        detail: expect.any(String),
        shardId,
        sequenceNumber: record?.kinesis.sequenceNumber,
        partitionKey: `key-${i}`,
        approximateArrivalTimestamp: ARRIVAL_MS / 1000,
        data: record?.kinesis.data,
      });
    });
    expect(batch.rejected[0]?.data).toBe(Buffer.from([0xff, 0xfe]).toString('base64'));
  });

  it('accepts the good records of a mixed batch and quarantines only the bad ones', () => {
    // Prepare
    const records = [
      kinesisRecord(pageView(), { sequenceNumber: sequence(1) }),
      kinesisRecord('oops', { sequenceNumber: sequence(2) }),
      kinesisRecord(reading(), { sequenceNumber: sequence(3) }),
    ];

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1), sequence(3)]);
    expect(batch.rejected.map((r) => r.sequenceNumber)).toEqual([sequence(2)]);
  });
});

/** The record's data as the collector's request template writes it: `{"edge":{…},` then the event's own JSON. */
const asForwarded = (event: object, edge: object = webEdge()) =>
  `{"edge":${JSON.stringify(edge)},${JSON.stringify(event).slice(1)}`;

describe('classifyBatch on events the collector forwarded', () => {
  it('accepts the event with its edge context, its own fields and event time unchanged', () => {
    // Prepare
    const view = pageView({ referrer: 'https://search.example/' });

    // Act
    const batch = classifyBatch([kinesisRecord(asForwarded(view))], policy);

    // Assess
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted[0]?.event).toEqual({ edge: webEdge(), ...view });
    expect(batch.accepted[0]?.eventTimeMs).toBe(Date.parse(view.eventTime));
  });

  it('judges lateness by event time and arrival, never by when the edge received it', () => {
    // Prepare: received long before arrival (a clock or queue far off), yet on time by its event time.
    const edge = webEdge({ receivedAt: isoAt(ARRIVAL_MS - 10 * policy.allowedLatenessMs) });
    const record = kinesisRecord(asForwarded(pageView({ eventTime: isoAt(ARRIVAL_MS) }), edge), {
      arrivalMs: ARRIVAL_MS,
    });

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted).toHaveLength(1);
  });

  it.each([
    ['an untruncated source address', { sourceIp: '198.51.100.23' }, '/edge/sourceIp'],
    ['a property no edge declares', { trace: 'x' }, '/edge/trace Unexpected property'],
    [
      'an impossible received time',
      { receivedAt: '2026-11-31T05:06:07.000Z' },
      '/edge/receivedAt is not a real',
    ],
    ['a user agent the lake cannot carry', { userAgent: 'bot\u0007' }, '/edge/userAgent holds U+0007'],
  ])('quarantines an event whose edge context has %s as schema-violation naming the field', (_, bad, detail) => {
    // Prepare: JSON.stringify writes the control character as the escape \u0007, as the edge's template would.
    const text = asForwarded(reading(), { ...webEdge(), ...bad });

    // Act
    const batch = classifyBatch([kinesisRecord(text)], policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: 'schema-violation' })]);
    expect(batch.rejected[0]?.detail).toContain(`telemetry.reading v1: ${detail}`);
  });
});

describe('shardIdOf', () => {
  it('takes everything before the last colon of an eventID', () => {
    // Prepare
    const eventID = `${SHARD}:${sequence(5)}`;

    // Act
    const shardId = shardIdOf(eventID);

    // Assess
    expect(shardId).toBe(SHARD);
  });
});
