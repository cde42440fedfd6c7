import { describe, expect, it } from 'vitest';
import { partitionBatch, partitionOf } from '../../../../processors/archive/partition.ts';
import { acceptedRecord, pageView, purchase, reading } from '../../support/kinesis-records.ts';

describe('partitionOf', () => {
  it('names the UTC date and hour of an event time, zero-padded', () => {
    // Prepare
    const eventTimeMs = Date.parse('2026-11-22T05:59:59.999Z');

    // Act
    const partition = partitionOf(eventTimeMs);

    // Assess
    expect(partition).toBe('dt=2026-11-22/hour=05');
  });
});

describe('partitionBatch', () => {
  it('splits a batch spanning two hours into two groups, each in sequence order', () => {
    // Prepare
    const records = [
      acceptedRecord(pageView({ eventTime: '2026-11-22T05:59:58.000Z' }), 1),
      acceptedRecord(pageView({ eventTime: '2026-11-22T06:00:01.000Z' }), 2),
      acceptedRecord(pageView({ eventTime: '2026-11-22T05:59:59.500Z' }), 3),
      acceptedRecord(pageView({ eventTime: '2026-11-22T06:00:02.000Z' }), 4),
    ];

    // Act
    const groups = partitionBatch(records);

    // Assess
    expect(groups.map((g) => [g.dataset, g.partition, g.records.map((r) => r.sequenceNumber)])).toEqual([
      ['clickstream', 'dt=2026-11-22/hour=05', [records[0]?.sequenceNumber, records[2]?.sequenceNumber]],
      ['clickstream', 'dt=2026-11-22/hour=06', [records[1]?.sequenceNumber, records[3]?.sequenceNumber]],
    ]);
  });

  it('keeps datasets apart within the same hour', () => {
    // Prepare
    const records = [
      acceptedRecord(reading(), 1),
      acceptedRecord(pageView(), 2),
      acceptedRecord(purchase(), 3),
      acceptedRecord(reading(), 4),
    ];

    // Act
    const groups = partitionBatch(records);

    // Assess
    expect(groups.map((g) => [g.dataset, g.records.map((r) => r.event.schema)])).toEqual([
      ['telemetry', ['telemetry.reading', 'telemetry.reading']],
      ['clickstream', ['clickstream.page_view', 'clickstream.purchase']],
    ]);
  });

  it('yields the same groups for the same batch, and none for an empty one', () => {
    // Prepare
    const records = [acceptedRecord(pageView(), 1), acceptedRecord(reading(), 2)];

    // Act
    const first = partitionBatch(records);
    const again = partitionBatch(records);

    // Assess
    expect(again).toEqual(first);
    expect(partitionBatch([])).toEqual([]);
  });
});
