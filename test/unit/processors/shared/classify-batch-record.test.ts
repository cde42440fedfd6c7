import { describe, expect, it } from 'vitest';
import { type AcceptancePolicy, classifyBatch, positionKey } from '../../../../processors/shared/classify.ts';
import { eventBatchJson, MAX_BATCH_EVENTS } from '../../../../schemas/index.ts';
import { webEdge } from '../../support/edge-context.ts';
import { kinesisRecord, pageView, reading, sequence } from '../../support/kinesis-records.ts';

const policy: AcceptancePolicy = {
  allowedLatenessMs: 60 * 60_000,
  clockSkewMs: 5 * 60_000,
  maxEventBytes: 4096,
};

const batchRecord = (events: readonly unknown[], edge?: unknown, n = 1) =>
  kinesisRecord(eventBatchJson(events, edge), { sequenceNumber: sequence(n) });

const decoded = (data: string) => JSON.parse(Buffer.from(data, 'base64').toString('utf8'));

describe('classifyBatch on a batch record (D36)', () => {
  it('accepts every event of a batch, in order, each with the batch edge and its index', () => {
    // Prepare
    const events = [pageView({ page: '/a' }), pageView({ page: '/b' }), reading()];
    const edge = webEdge();

    // Act
    const batch = classifyBatch([batchRecord(events, edge, 7)], policy);

    // Assess
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted).toEqual(
      events.map((event, index) => ({
        sequenceNumber: sequence(7),
        index,
        event: { ...event, edge },
        eventTimeMs: Date.parse(event.eventTime),
      })),
    );
  });

  it('reads a batch without an edge (a direct producer) and single-event records beside it', () => {
    // Prepare
    const single = pageView({ page: '/single' });
    const inBatch = [pageView({ page: '/x' }), pageView({ page: '/y' })];
    const records = [
      kinesisRecord(single, { sequenceNumber: sequence(1) }),
      batchRecord(inBatch, undefined, 2),
    ];

    // Act
    const batch = classifyBatch(records, policy);

    // Assess
    expect(batch.accepted.map((record) => [positionKey(record), record.event.eventId])).toEqual([
      [sequence(1), single.eventId],
      [`${sequence(2)}#0`, inBatch[0]?.eventId],
      [`${sequence(2)}#1`, inBatch[1]?.eventId],
    ]);
    expect(batch.accepted[1]?.event).not.toHaveProperty('edge');
  });

  it('quarantines only the bad events of a batch, each with its index, reason and its own JSON with the edge', () => {
    // Prepare
    const good = pageView({ page: '/good' });
    const noPage = { ...pageView(), page: undefined };
    const late = pageView({ eventTime: '2026-11-22T01:00:00.000Z' });
    const unknown = { ...pageView(), schema: 'clickstream.nope' };
    const edge = webEdge();

    // Act
    const batch = classifyBatch([batchRecord([noPage, good, late, unknown], edge, 3)], policy);

    // Assess
    expect(batch.accepted.map((record) => [record.index, record.event.eventId])).toEqual([[1, good.eventId]]);
    expect(
      batch.rejected.map(({ index, reason, sequenceNumber }) => ({ index, reason, sequenceNumber })),
    ).toEqual([
      { index: 0, reason: 'schema-violation', sequenceNumber: sequence(3) },
      { index: 2, reason: 'too-late', sequenceNumber: sequence(3) },
      { index: 3, reason: 'unknown-schema', sequenceNumber: sequence(3) },
    ]);
    expect(batch.rejected[1]?.detail).toMatch(/^event 2 of the batch's 4: event time .* late$/);
    expect(decoded(batch.rejected[1]?.data ?? '')).toEqual({ ...late, edge });
  });

  it('refuses an event that carries its own edge inside a batch an edge forwarded, naming why', () => {
    // Prepare
    const forged = { ...pageView(), edge: webEdge({ origin: 'https://forged.example' }) };

    // Act
    const batch = classifyBatch([batchRecord([forged, pageView()], webEdge())], policy);

    // Assess
    expect(batch.accepted.map((record) => record.index)).toEqual([1]);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]).toMatchObject({ index: 0, reason: 'schema-violation' });
    expect(batch.rejected[0]?.detail).toContain('carries its own "edge"');
  });

  it.each([
    ['an empty events list', '{"events":[]}', '1–500 events (found 0 events)'],
    ['events that are not a list', '{"events":{"a":1}}', '(found object)'],
    ['a property besides events and edge', '{"events":[],"extra":1}', 'found "extra"'],
    ['an edge that is not an object', '{"edge":"web","events":[{}]}', '"edge" must be an object'],
    [
      'more events than a batch may hold',
      `{"events":[${Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => '{}').join(',')}]}`,
      `found ${MAX_BATCH_EVENTS + 1} events`,
    ],
  ])('refuses a batch record with %s whole, as a schema violation naming it', (_, json, detail) => {
    // Act
    const batch = classifyBatch([kinesisRecord(json)], policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]?.reason).toBe('schema-violation');
    expect(batch.rejected[0]).not.toHaveProperty('index');
    expect(batch.rejected[0]?.detail).toContain(detail);
  });

  it.each([
    ['a bad source address', { sourceIp: '203.0.113.7' }, '/edge/sourceIp'],
    ['a receivedAt that is no real time', { receivedAt: '2026-02-30T00:00:00.000Z' }, 'not a real UTC time'],
    ['a control character', { userAgent: 'agent\u0001' }, 'cannot carry'],
  ])('refuses a batch whose edge has %s whole, checking the edge once for all its events', (_, bad, detail) => {
    // Prepare
    const edge = { ...webEdge(), ...bad };

    // Act
    const batch = classifyBatch([batchRecord([pageView(), pageView()], edge)], policy);

    // Assess
    expect(batch.accepted).toEqual([]);
    expect(batch.rejected.map((r) => [r.reason, r.index])).toEqual([['schema-violation', undefined]]);
    expect(batch.rejected[0]?.detail).toContain(detail);
  });

  it('reads a batch larger than the event limit, holding each event to the limit on its own', () => {
    // Prepare: 20 events of about 300 bytes make a record over 4096 bytes; one event alone is over it.
    const events = Array.from({ length: 20 }, (_, i) => pageView({ page: `/page-${i}` }));
    const huge = pageView({ page: `/${'x'.repeat(5000)}` });

    // Act
    const batch = classifyBatch([batchRecord([...events, huge], webEdge())], policy);

    // Assess
    expect(batch.accepted).toHaveLength(20);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]).toMatchObject({ index: 20, reason: 'oversize' });
    expect(batch.rejected[0]?.detail).toMatch(/bytes, over the 4096-byte limit$/);
  });

  it('still refuses an oversized single event record without parsing it', () => {
    // Prepare
    const record = kinesisRecord(pageView({ page: `/${'x'.repeat(5000)}` }));

    // Act
    const batch = classifyBatch([record], policy);

    // Assess
    expect(batch.rejected.map((r) => r.reason)).toEqual(['oversize']);
    expect(batch.rejected[0]).not.toHaveProperty('index');
    expect(batch.rejected[0]?.data).toBe(record.kinesis.data);
  });

  it('quarantines a whole batch record that is not JSON once, not per event', () => {
    // Act
    const batch = classifyBatch([kinesisRecord('{"events":[{"schema":')], policy);

    // Assess
    expect(batch.rejected.map((r) => [r.reason, r.index])).toEqual([['invalid-json', undefined]]);
  });
});
