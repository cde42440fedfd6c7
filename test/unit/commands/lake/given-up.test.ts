import { describe, expect, it } from 'vitest';
import { givenUpText, summarizeGivenUp } from '../../../../commands/lake/given-up.ts';
import { verifySummary } from '../../../../commands/verify/verify-lake.ts';
import { failureRecord } from '../../../../infra/local/esm/failure-record.ts';

const onFailure = (functionName: string, batchSize: number, key: 'KinesisBatchInfo' | 'DDBStreamBatchInfo') =>
  JSON.stringify(
    failureRecord(
      {
        shardId: 'shardId-000000000000',
        streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
        startSequenceNumber: '1',
        endSequenceNumber: '2',
        approximateArrivalOfFirstRecordMs: 0,
        approximateArrivalOfLastRecordMs: 0,
        batchSize,
      },
      {
        functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
        nowMs: 0,
      },
      undefined,
      key,
    ),
  );

describe('records given up on', () => {
  it('are summed per function from the documented on-failure records, Kinesis and DynamoDB streams alike', () => {
    // Prepare
    const bodies = [
      onFailure('streamlake-Archive', 1500, 'KinesisBatchInfo'),
      onFailure('streamlake-Archive', 481, 'KinesisBatchInfo'),
      onFailure('streamlake-Fanout', 7, 'DDBStreamBatchInfo'),
    ];
    // Act
    const givenUp = summarizeGivenUp(bodies);
    // Assess
    expect(givenUp).toEqual([
      { functionName: 'streamlake-Archive', records: 1981, batches: 2 },
      { functionName: 'streamlake-Fanout', records: 7, batches: 1 },
    ]);
    expect(givenUpText(givenUp)).toBe(
      'streamlake-Archive 1,981 records in 2 batches, streamlake-Fanout 7 records in 1 batch',
    );
  });

  it('are named on verify’s last line, and nothing is added when there are none', () => {
    // Prepare
    const givenUp = [{ functionName: 'streamlake-Archive', records: 12, batches: 1 }];
    // Act
    const withLoss = verifySummary({ differences: ['x'], items: 3, givenUp });
    const clean = verifySummary({ differences: [], items: 3, givenUp: [] });
    // Assess
    expect(withLoss).toBe(
      '1 difference across 3 rollup items; given up on: streamlake-Archive 12 records in 1 batch (on-failure records under aws/lambda/)',
    );
    expect(clean).toBe('no differences across 3 rollup items (stream, DynamoDB, lake)');
  });
});
