import { describe, expect, it } from 'vitest';
import {
  type FailedBatchInfo,
  type FailureContext,
  failureObjectKey,
  failureRecord,
} from '../../../../../infra/local/esm/failure-record.ts';
import { SHARD, STREAM_ARN, sequence } from '../../../support/kinesis-records.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAPPING_UUID = '00000000-0000-4000-8000-416767726567';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:streamlake-dev-AggregateFunction';

const batch: FailedBatchInfo = {
  shardId: SHARD,
  streamArn: STREAM_ARN,
  startSequenceNumber: sequence(10),
  endSequenceNumber: sequence(19),
  approximateArrivalOfFirstRecordMs: Date.parse('2026-11-22T05:06:08.250Z'),
  approximateArrivalOfLastRecordMs: Date.parse('2026-11-22T05:06:09.750Z'),
  batchSize: 10,
};

const context: FailureContext = {
  functionArn: FUNCTION_ARN,
  condition: 'RetryAttemptsExhausted',
  approximateInvokeCount: 4,
  nowMs: Date.parse('2026-11-22T05:10:00.000Z'),
};

describe('failureRecord', () => {
  it('has the documented shape of a Kinesis on-failure invocation record', () => {
    // Prepare
    const payload = { Records: [{ eventID: `${SHARD}:${sequence(10)}` }] };

    // Act
    const record = failureRecord(batch, context, payload);

    // Assess
    expect(record).toEqual({
      requestContext: {
        requestId: expect.stringMatching(UUID),
        functionArn: FUNCTION_ARN,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 4,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      version: '1.0',
      timestamp: '2026-11-22T05:10:00.000Z',
      KinesisBatchInfo: {
        shardId: SHARD,
        startSequenceNumber: sequence(10),
        endSequenceNumber: sequence(19),
        approximateArrivalOfFirstRecord: '2026-11-22T05:06:08.250Z',
        approximateArrivalOfLastRecord: '2026-11-22T05:06:09.750Z',
        batchSize: 10,
        streamArn: STREAM_ARN,
      },
      payload: JSON.stringify(payload),
    });
  });

  it('carries the payload as a JSON string that parses back to the event', () => {
    // Prepare
    const payload = { Records: [{ kinesis: { data: 'eyJhIjoxfQ==' } }] };

    // Act
    const record = failureRecord(batch, context, payload);

    // Assess
    expect(typeof record.payload).toBe('string');
    expect(JSON.parse(record.payload ?? '')).toEqual(payload);
  });

  it('leaves the payload out when there is none', () => {
    // Prepare
    const noPayload = undefined;

    // Act
    const record = failureRecord(batch, context, noPayload);

    // Assess
    expect(record).not.toHaveProperty('payload');
  });

  it('names the function error only when the function reported one', () => {
    // Prepare
    const unhandled: FailureContext = {
      ...context,
      condition: 'RecordAgeExceeded',
      functionError: 'Unhandled',
    };

    // Act
    const withError = failureRecord(batch, unhandled);
    const withoutError = failureRecord(batch, context);

    // Assess
    expect(withError.requestContext.condition).toBe('RecordAgeExceeded');
    expect(withError.responseContext).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    expect(withoutError.responseContext).not.toHaveProperty('functionError');
  });

  it('gives every record its own request id', () => {
    // Prepare
    const twice = [batch, batch];

    // Act
    const ids = twice.map((b) => failureRecord(b, context).requestContext.requestId);

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('failureObjectKey', () => {
  it('keys records as aws/lambda/<mapping uuid>/<shard>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>', () => {
    // Prepare
    const nowMs = Date.parse('2026-01-05T03:04:05.678Z');

    // Act
    const key = failureObjectKey(MAPPING_UUID, SHARD, nowMs);

    // Assess
    expect(key).toMatch(
      new RegExp(
        `^aws/lambda/${MAPPING_UUID}/${SHARD}/\\d{4}/\\d{2}/\\d{2}/\\d{4}-\\d{2}-\\d{2}T\\d{2}\\.\\d{2}\\.\\d{2}-[0-9a-f-]{36}$`,
      ),
    );
    expect(key.startsWith(`aws/lambda/${MAPPING_UUID}/${SHARD}/2026/01/05/2026-01-05T03.04.05-`)).toBe(true);
    expect(key.slice(-36)).toMatch(UUID);
  });

  it('uses UTC, not the local time zone, for the date and time', () => {
    // Prepare
    const nowMs = Date.parse('2026-12-31T23:59:59.999Z');

    // Act
    const key = failureObjectKey(MAPPING_UUID, SHARD, nowMs);

    // Assess
    expect(key).toContain('/2026/12/31/2026-12-31T23.59.59-');
  });

  it('gives two failures in the same second different keys', () => {
    // Prepare
    const nowMs = Date.parse('2026-11-22T05:10:00.000Z');

    // Act
    const keys = [failureObjectKey(MAPPING_UUID, SHARD, nowMs), failureObjectKey(MAPPING_UUID, SHARD, nowMs)];

    // Assess
    expect(keys[0]).not.toBe(keys[1]);
  });
});
