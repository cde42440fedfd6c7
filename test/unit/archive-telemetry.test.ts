import { describe, expect, it } from 'vitest';
import { freshnessOf } from '../../processors/archive/telemetry.ts';
import { type AcceptancePolicy, classifyBatch } from '../../processors/shared/classify.ts';
import { kinesisRecord, pageView, sequence } from './support/kinesis-records.ts';

const policy: AcceptancePolicy = { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 4096 };

describe('freshnessOf', () => {
  it('measures now minus the newest event time and now minus the newest arrival', () => {
    // Prepare
    const arrival = Date.parse('2026-11-22T05:06:10.000Z');
    const records = [
      kinesisRecord(pageView({ eventTime: '2026-11-22T05:06:07.000Z' }), {
        sequenceNumber: sequence(1),
        arrivalMs: arrival - 1000,
      }),
      kinesisRecord(pageView({ eventTime: '2026-11-22T05:06:05.000Z' }), {
        sequenceNumber: sequence(2),
        arrivalMs: arrival,
      }),
    ];
    const now = arrival + 2000;

    // Act
    const freshness = freshnessOf(records, classifyBatch(records, policy), now);

    // Assess
    expect(freshness).toEqual({ eventAgeMs: 5000, arrivalAgeMs: 2000 });
  });

  it('leaves out the event age when no record was accepted', () => {
    // Prepare
    const records = [kinesisRecord('not json', { arrivalMs: 1_000_000 })];

    // Act
    const freshness = freshnessOf(records, classifyBatch(records, policy), 1_500_000);

    // Assess
    expect(freshness).toEqual({ arrivalAgeMs: 500_000 });
  });
});
