import { describe, expect, it } from 'vitest';
import { type AcceptancePolicy, classifyBatch } from '../../../../processors/shared/classify.ts';
import { ageOfNewest, freshnessOf, streamFreshnessOf } from '../../../../processors/shared/freshness.ts';
import { kinesisRecord, pageView, sequence } from '../../support/kinesis-records.ts';
import { streamRecord } from '../../support/processor-telemetry.ts';

const policy: AcceptancePolicy = { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 4096 };
const ARRIVAL_MS = Date.parse('2026-11-22T05:06:10.000Z');

describe('freshnessOf', () => {
  it('measures now minus the newest accepted event time and now minus the newest arrival', () => {
    // Prepare
    const records = [
      kinesisRecord(pageView({ eventTime: '2026-11-22T05:06:07.000Z' }), {
        sequenceNumber: sequence(1),
        arrivalMs: ARRIVAL_MS - 1000,
      }),
      kinesisRecord(pageView({ eventTime: '2026-11-22T05:06:05.000Z' }), {
        sequenceNumber: sequence(2),
        arrivalMs: ARRIVAL_MS,
      }),
    ];

    // Act
    const freshness = freshnessOf(records, classifyBatch(records, policy), ARRIVAL_MS + 2000);

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

  it('measures nothing for an empty batch', () => {
    // Act
    const freshness = freshnessOf([], classifyBatch([], policy), ARRIVAL_MS);

    // Assess
    expect(freshness).toEqual({});
  });
});

describe('streamFreshnessOf', () => {
  it('measures now minus the newest change written to the DynamoDB stream', () => {
    // Prepare
    const records = [
      streamRecord({ sequenceNumber: '100', createdMs: ARRIVAL_MS - 3000 }),
      streamRecord({ sequenceNumber: '101', createdMs: ARRIVAL_MS }),
    ];

    // Act
    const freshness = streamFreshnessOf(records, ARRIVAL_MS + 1500);

    // Assess
    expect(freshness).toEqual({ arrivalAgeMs: 1500 });
  });

  it('measures nothing for the scheduled check, which has no stream records', () => {
    // Act
    const freshness = streamFreshnessOf([], ARRIVAL_MS);

    // Assess
    expect(freshness).toEqual({});
  });
});

describe('ageOfNewest', () => {
  it('counts a time ahead of the clock as fresh, not as a negative age', () => {
    // Act
    const age = ageOfNewest([ARRIVAL_MS + 4000], (timeMs) => timeMs, ARRIVAL_MS);

    // Assess
    expect(age).toBe(0);
  });

  it('skips items without a time', () => {
    // Act
    const age = ageOfNewest([undefined, ARRIVAL_MS - 10], (timeMs) => timeMs, ARRIVAL_MS);

    // Assess
    expect(age).toBe(10);
  });
});
