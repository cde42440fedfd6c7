import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  kinesisEvent,
  type PolledRecord,
  payloadBytesOf,
  toPolledRecord,
} from '../../../../../infra/local/esm/kinesis-event.ts';
import type { StreamMappingSettings } from '../../../../../infra/local/esm/settings.ts';
import { classifyBatch } from '../../../../../processors/shared/classify.ts';
import { pageView, reading, STREAM_ARN, sequence } from '../../../support/kinesis-records.ts';

const REGION = 'eu-west-1';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/streamlake-dev-AggregateRole';
const SHARD = 'shardId-000000000003';

const settings: StreamMappingSettings = {
  id: 'AggregateMapping',
  uuid: '00000000-0000-4000-8000-416767726567',
  eventCountMetrics: false,
  functionName: 'streamlake-dev-AggregateFunction',
  functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:streamlake-dev-AggregateFunction',
  streamArn: STREAM_ARN,
  streamName: 'streamlake-dev-EventStream',
  batchSize: 100,
  maximumBatchingWindowMs: 0,
  startingPosition: 'TRIM_HORIZON',
  reportBatchItemFailures: true,
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 3,
  maximumRecordAgeMs: -1,
  parallelizationFactor: 1,
  enabled: true,
};

const polled = (n: number, payload: unknown, arrivalMs: number): PolledRecord => ({
  sequenceNumber: sequence(n),
  partitionKey: `key-${n}`,
  data: Buffer.from(JSON.stringify(payload)).toString('base64'),
  arrivalMs,
});

describe('kinesisEvent', () => {
  it('builds each record exactly as Lambda delivers a Kinesis record', () => {
    // Prepare
    const record = polled(1, pageView(), 1_795_237_567_123);

    // Act
    const event: KinesisStreamEvent = kinesisEvent(settings, SHARD, REGION, ROLE_ARN, [record]);

    // Assess
    expect(event.Records).toEqual([
      {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: 'key-1',
          sequenceNumber: sequence(1),
          data: record.data,
          approximateArrivalTimestamp: 1_795_237_567.123,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${SHARD}:${sequence(1)}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: ROLE_ARN,
        awsRegion: REGION,
        eventSourceARN: STREAM_ARN,
      },
    ]);
  });

  it('keeps the polled order and gives every record its own eventID', () => {
    // Prepare
    const records = [1, 2, 3].map((n) => polled(n, pageView(), 1_795_237_567_000 + n));

    // Act
    const event: KinesisStreamEvent = kinesisEvent(settings, SHARD, REGION, ROLE_ARN, records);

    // Assess
    expect(event.Records.map((r) => r.eventID)).toEqual([1, 2, 3].map((n) => `${SHARD}:${sequence(n)}`));
    expect(event.Records.map((r) => r.kinesis.approximateArrivalTimestamp)).toEqual(
      records.map((r) => r.arrivalMs / 1000),
    );
  });

  it('builds an empty event from no records', () => {
    // Prepare
    const records: PolledRecord[] = [];

    // Act
    const event: KinesisStreamEvent = kinesisEvent(settings, SHARD, REGION, ROLE_ARN, records);

    // Assess
    expect(event).toEqual({ Records: [] });
  });

  it('produces records the aggregate function classifies by shard and arrival time', () => {
    // Prepare
    const arrivalMs = Date.parse('2026-11-22T05:06:08.000Z');
    const records = [polled(1, pageView(), arrivalMs), polled(2, reading(), arrivalMs)];
    const event: KinesisStreamEvent = kinesisEvent(settings, SHARD, REGION, ROLE_ARN, records);

    // Act
    const batch = classifyBatch(event.Records, {
      allowedLatenessMs: 60_000,
      clockSkewMs: 60_000,
      maxEventBytes: 65_536,
    });

    // Assess
    expect(batch.shardId).toBe(SHARD);
    expect(batch.rejected).toEqual([]);
    expect(batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(1), sequence(2)]);
  });
});

describe('toPolledRecord', () => {
  it('encodes GetRecords data as base64 and its arrival time in milliseconds', () => {
    // Prepare
    const arrival = new Date('2026-11-22T05:06:08.250Z');
    const data = Buffer.from('{"a":1}');

    // Act
    const record = toPolledRecord({
      SequenceNumber: sequence(8),
      PartitionKey: 'key-8',
      Data: new Uint8Array(data),
      ApproximateArrivalTimestamp: arrival,
    });

    // Assess
    expect(record).toEqual({
      sequenceNumber: sequence(8),
      partitionKey: 'key-8',
      data: data.toString('base64'),
      arrivalMs: arrival.getTime(),
    });
  });

  it('counts a record’s data and partition key towards the payload size', () => {
    // Prepare
    const small = polled(1, { a: 1 }, 0);
    const large = { ...small, data: small.data + 'A'.repeat(1000) };

    // Act
    const difference = payloadBytesOf(large) - payloadBytesOf(small);

    // Assess
    expect(difference).toBe(1000);
  });
});
