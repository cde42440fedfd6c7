import { describe, expect, it } from 'vitest';
import {
  dataSizesOf,
  measurePut,
  PutRecordsTally,
  streamNameOf,
} from '../../../../../infra/local/metrics/put-records-meter.mjs';

const base64 = (text: string) => Buffer.from(text).toString('base64');
const body = (value: unknown) => Buffer.from(JSON.stringify(value));

/** A PutRecords request as the SDK's JSON protocol sends it. */
const putRecords = (data: string[], target: Record<string, string> = { StreamName: 'streamlake-Events' }) =>
  body({
    Records: data.map((d, i) => ({ Data: base64(d), PartitionKey: `k-${i}` })),
    ...target,
  });

describe('measuring PutRecord(s) calls on the wire', () => {
  it('counts the accepted records and their decoded data bytes, whatever the base64 padding', () => {
    // Prepare: 1, 2 and 3 bytes of data give two, one and no padding characters.
    const request = putRecords(['a', 'bb', 'ccc', 'x'.repeat(293)]);
    const response = body({
      FailedRecordCount: 0,
      Records: [1, 2, 3, 4].map((n) => ({ SequenceNumber: `4959${n}`, ShardId: 'shardId-000000000000' })),
    });
    // Act / Assess
    expect(dataSizesOf(request)).toEqual([1, 2, 3, 293]);
    expect(measurePut(request, response)).toEqual({
      streamName: 'streamlake-Events',
      records: 4,
      bytes: 299,
      throttled: 0,
    });
  });

  it('counts only the records that got a sequence number, and the throttled ones apart', () => {
    // Prepare
    const request = putRecords(['one', 'three', 'seven!!'], {
      StreamARN: 'arn:aws:kinesis:us-east-1:1:stream/s-2',
    });
    const response = body({
      FailedRecordCount: 2,
      Records: [
        { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' },
        { SequenceNumber: '1', ShardId: 'shardId-000000000001' },
        { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
      ],
    });
    // Act / Assess
    expect(measurePut(request, response)).toEqual({ streamName: 's-2', records: 1, bytes: 5, throttled: 1 });
  });

  it('measures a single PutRecord, accepted or refused for throughput', () => {
    const request = body({ StreamName: 'one', Data: base64('hello'), PartitionKey: 'p' });
    expect(measurePut(request, body({ SequenceNumber: '1', ShardId: 'shardId-000000000000' }))).toEqual({
      streamName: 'one',
      records: 1,
      bytes: 5,
      throttled: 0,
    });
    expect(
      measurePut(
        request,
        body({ __type: 'ProvisionedThroughputExceededException', message: 'Rate exceeded' }),
      ),
    ).toEqual({ streamName: 'one', records: 0, bytes: 0, throttled: 1 });
  });

  it('is not fooled by member names inside partition keys', () => {
    // Prepare: partition keys that spell the member names the meter looks for
    const request = body({
      Records: [
        { Data: base64('ab'), PartitionKey: '"StreamName":"wrong"' },
        { Data: base64('abc'), PartitionKey: 'Data' },
      ],
      StreamName: 'right',
    });
    // Act / Assess
    expect(streamNameOf(request)).toBe('right');
    expect(dataSizesOf(request)).toEqual([2, 3]);
  });

  it('measures nothing for a request that names no stream', () => {
    expect(measurePut(body({ Records: [] }), body({ __type: 'ValidationException' }))).toBeUndefined();
  });

  it('sums measurements per stream and second until drained', () => {
    // Prepare
    const tally = new PutRecordsTally();
    // Act
    tally.add({ streamName: 'a', records: 2, bytes: 20, throttled: 0 }, 10_100);
    tally.add({ streamName: 'a', records: 3, bytes: 30, throttled: 1 }, 10_900);
    tally.add({ streamName: 'b', records: 1, bytes: 5, throttled: 0 }, 10_500);
    tally.add({ streamName: 'a', records: 1, bytes: 1, throttled: 0 }, 11_000);
    const first = tally.drain();
    // Assess
    expect(first).toEqual([
      { streamName: 'a', timestampMs: 10_000, records: 5, bytes: 50, throttled: 1 },
      { streamName: 'b', timestampMs: 10_000, records: 1, bytes: 5, throttled: 0 },
      { streamName: 'a', timestampMs: 11_000, records: 1, bytes: 1, throttled: 0 },
    ]);
    expect(tally.drain()).toEqual([]);
  });
});
