import { describe, expect, it } from 'vitest';
import { firstCopiesOf } from '../../../../processors/dedup/first-copies.ts';
import { classifyBatch } from '../../../../processors/shared/classify.ts';
import { eventBatchJson } from '../../../../schemas/index.ts';
import { throughEdge, webEdge } from '../../support/edge-context.ts';
import { dedupMemoryOnFake } from '../../support/fake-dedup-table.ts';
import { kinesisRecord, pageView, reading, sequence } from '../../support/kinesis-records.ts';

const policy = { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 65_536 };

describe('first copies of events resent through the collector', () => {
  it('counts two copies that differ only in edge context once: the edge is not part of the event identity', async () => {
    // Prepare: a tracker's retry after a lost response; the collector gives the copy a new request id and time.
    const view = pageView();
    const copies = [
      throughEdge(view),
      throughEdge(view, { requestId: 'retry-request', receivedAt: '2026-11-22T05:06:07.987Z' }),
    ];
    const records = copies.map((event, i) => kinesisRecord(event, { sequenceNumber: sequence(i + 1) }));

    // Act
    const split = await firstCopiesOf(
      dedupMemoryOnFake('aggregate'),
      records,
      classifyBatch(records, policy),
    );

    // Assess
    expect(split.batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1)]);
    expect(split.batch.accepted[0]?.event.edge?.requestId).toBe(copies[0]?.edge.requestId);
    expect(split.duplicates.map((r) => r.sequenceNumber)).toEqual([sequence(2)]);
  });

  it('counts a copy sent straight to the stream and one sent through the collector once', async () => {
    // Prepare
    const event = reading();
    const records = [event, throughEdge(event)].map((e, i) =>
      kinesisRecord(e, { sequenceNumber: sequence(i + 1), partitionKey: event.deviceId }),
    );

    // Act
    const split = await firstCopiesOf(dedupMemoryOnFake('archive'), records, classifyBatch(records, policy));

    // Assess
    expect(split.batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1)]);
    expect(split.duplicates.map((r) => r.sequenceNumber)).toEqual([sequence(2)]);
  });

  it('keeps distinct events that arrived in one request apart, though they share its edge context', async () => {
    // Prepare
    const records = [throughEdge(pageView()), throughEdge(pageView())].map((e, i) =>
      kinesisRecord(e, { sequenceNumber: sequence(i + 1) }),
    );

    // Act
    const split = await firstCopiesOf(
      dedupMemoryOnFake('aggregate'),
      records,
      classifyBatch(records, policy),
    );

    // Assess
    expect(split.batch.accepted).toHaveLength(2);
    expect(split.duplicates).toEqual([]);
  });
});

describe('first copies of events in batch records (D36)', () => {
  const batchOf = (events: readonly object[], n: number) =>
    kinesisRecord(eventBatchJson(events, webEdge()), { sequenceNumber: sequence(n) });

  it('counts an event sent twice in one batch once: the index tells the copies apart', async () => {
    // Prepare
    const view = pageView();
    const records = [batchOf([view, pageView(), view], 1)];

    // Act
    const split = await firstCopiesOf(
      dedupMemoryOnFake('aggregate'),
      records,
      classifyBatch(records, policy),
    );

    // Assess
    expect(split.batch.accepted.map((r) => r.index)).toEqual([0, 1]);
    expect(split.duplicates.map((r) => r.index)).toEqual([2]);
  });

  it('counts a resent batch (a tracker retry: a new record) once, and a re-delivery of the same record again', async () => {
    // Prepare
    const events = [pageView(), pageView()];
    const memory = dedupMemoryOnFake('archive');
    const first = [batchOf(events, 1)];
    const firstSplit = await firstCopiesOf(memory, first, classifyBatch(first, policy));
    await firstSplit.remember();
    const later = [batchOf(events, 1), batchOf(events, 2)];

    // Act
    const split = await firstCopiesOf(memory, later, classifyBatch(later, policy));

    // Assess: the same record again is a re-delivery of first copies; the resent copy is a duplicate.
    expect(split.batch.accepted.map((r) => [r.sequenceNumber, r.index])).toEqual([
      [sequence(1), 0],
      [sequence(1), 1],
    ]);
    expect(split.redelivered).toBe(2);
    expect(split.duplicates.map((r) => [r.sequenceNumber, r.index])).toEqual([
      [sequence(2), 0],
      [sequence(2), 1],
    ]);
  });
});
