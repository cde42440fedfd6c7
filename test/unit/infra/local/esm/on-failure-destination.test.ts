import type { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { PollerObserver } from '../../../../../infra/local/esm/batch-delivery.ts';
import { discardRecords } from '../../../../../infra/local/esm/on-failure-destination.ts';
import type { DeliverySettings } from '../../../../../infra/local/esm/settings.ts';

const SHARD = 'shardId-000000000000';
const record = (n: number) => ({ sequenceNumber: String(n), arrivalMs: 1_800_000_000_000 + n, tag: `t${n}` });
type Tagged = ReturnType<typeof record>;

const settings = (onFailureBucket?: string): DeliverySettings => ({
  id: 'Mapping',
  uuid: '00000000-0000-4000-8000-000000000001',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
  streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
  reportBatchItemFailures: false,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: 0,
  maximumRecordAgeMs: -1,
  ...(onFailureBucket ? { onFailureBucket } : {}),
});

/** Discards records through a fake S3 and observer; returns what each saw. */
const discard = async (
  bucket: string | undefined,
  discarded: {
    records: Tagged[];
    condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
    event?: string[];
  },
) => {
  const puts: PutObjectCommand['input'][] = [];
  const discards: Parameters<NonNullable<PollerObserver['onDiscard']>>[0][] = [];
  const s3 = {
    send: async (command: PutObjectCommand) => void puts.push(command.input),
  } as unknown as S3Client;
  await discardRecords(
    { shardId: SHARD, invocations: 3, ...discarded },
    {
      settings: settings(bucket),
      s3,
      source: { batchInfoKey: 'KinesisBatchInfo', buildEvent: (_, records) => records.map((r) => r.tag) },
      observer: { onDiscard: (info) => void discards.push(info) },
    },
  );
  return { puts, discards };
};

describe('discardRecords', () => {
  it('without a destination only tells the observer', async () => {
    // Act
    const { puts, discards } = await discard(undefined, {
      records: [record(1), record(2)],
      condition: 'RecordAgeExceeded',
    });

    // Assess
    expect(puts).toEqual([]);
    expect(discards).toEqual([
      { mappingId: 'Mapping', shardId: SHARD, records: 2, condition: 'RecordAgeExceeded' },
    ]);
  });

  it('writes the invocation record of the failed invocation to the bucket, and names its key', async () => {
    // Act
    const { puts, discards } = await discard('failures', {
      records: [record(1), record(2)],
      condition: 'RetryAttemptsExhausted',
      event: ['the', 'failed', 'event'],
    });

    // Assess
    expect(puts).toHaveLength(1);
    const body = JSON.parse(String(puts[0]?.Body));
    expect(puts[0]?.Bucket).toBe('failures');
    expect(body.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    });
    expect(body.responseContext).toMatchObject({ functionError: 'Unhandled' });
    expect(body.KinesisBatchInfo).toMatchObject({
      startSequenceNumber: '1',
      endSequenceNumber: '2',
      batchSize: 2,
    });
    expect(body.payload).toBe(JSON.stringify(['the', 'failed', 'event']));
    expect(discards).toEqual([
      {
        mappingId: 'Mapping',
        shardId: SHARD,
        records: 2,
        condition: 'RetryAttemptsExhausted',
        key: puts[0]?.Key,
      },
    ]);
  });

  it('builds the event from the records when they expired before any invocation', async () => {
    // Act
    const { puts } = await discard('failures', { records: [record(7)], condition: 'RecordAgeExceeded' });

    // Assess
    const body = JSON.parse(String(puts[0]?.Body));
    expect(body.payload).toBe(JSON.stringify(['t7']));
    expect(body.responseContext?.functionError).toBeUndefined();
  });

  it('gives up nothing for an empty list of records', async () => {
    // Act
    const { puts, discards } = await discard('failures', { records: [], condition: 'RecordAgeExceeded' });

    // Assess
    expect([puts, discards]).toEqual([[], []]);
  });
});
