import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  KinesisServiceException,
  ListShardsCommand,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-kinesis';
import { type PutObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  BatchDelivery,
  type DeliverableRecord,
  entryOf,
  type PollerObserver,
} from '../../../../../infra/local/esm/batch-delivery.ts';
import { CheckpointStore } from '../../../../../infra/local/esm/checkpoints.ts';
import { KinesisMappingPoller } from '../../../../../infra/local/esm/kinesis-poller.ts';
import type { DeliverySettings, StreamMappingSettings } from '../../../../../infra/local/esm/settings.ts';
import { RetryStopped } from '../../../../../infra/local/esm/transient-errors.ts';

const SHARD = 'shardId-000000000000';
const seq = (n: number) => String(n).padStart(21, '0');

const serviceUnavailable = () =>
  new KinesisServiceException({
    name: 'ServiceUnavailable',
    message: 'Service Unavailable',
    $fault: 'server',
    $metadata: { httpStatusCode: 503 },
  });

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: `Rate exceeded for shard ${SHARD}`,
    $metadata: { httpStatusCode: 400 },
  });

/**
 * One shard of records `0 … count-1` behind a Kinesis that answers ListShards with a 503 first and
 * throttles every other GetRecords; iterators are the index of the next record.
 */
const unreliableKinesis = (count: number) => {
  let listed = false;
  let getRecords = 0;
  const client = {
    send: async (command: unknown) => {
      if (command instanceof ListShardsCommand) {
        if (!listed) {
          listed = true;
          throw serviceUnavailable();
        }
        return { Shards: [{ ShardId: SHARD }] };
      }
      if (command instanceof GetShardIteratorCommand) return { ShardIterator: '0' };
      if (command instanceof GetRecordsCommand) {
        if (++getRecords % 2 === 1) throw throttled();
        const at = Number(command.input.ShardIterator);
        const end = Math.min(at + (command.input.Limit ?? 10), count);
        const Records = Array.from({ length: end - at }, (_, i) => ({
          SequenceNumber: seq(at + i),
          PartitionKey: 'k',
          Data: Buffer.from(`record-${at + i}`),
          ApproximateArrivalTimestamp: new Date(),
        }));
        return { Records, NextShardIterator: String(end) };
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
  return client as unknown as KinesisClient;
};

const kinesisSettings: StreamMappingSettings = {
  id: 'EventsMapping',
  uuid: '00000000-0000-4000-8000-000000000001',
  functionName: 'aggregator',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:aggregator',
  streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
  streamName: 'events',
  batchSize: 4,
  maximumBatchingWindowMs: 0,
  startingPosition: 'TRIM_HORIZON',
  reportBatchItemFailures: false,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeMs: -1,
  parallelizationFactor: 1,
  enabled: true,
  eventCountMetrics: false,
};

describe('KinesisMappingPoller under throttling and 503s', () => {
  it('retries them with the same iterator and delivers every record once, in order', async () => {
    // Prepare
    const delivered: string[] = [];
    const retries: string[] = [];
    const lines: string[] = [];
    const controller = new AbortController();
    const poller = new KinesisMappingPoller(kinesisSettings, {
      kinesis: unreliableKinesis(10),
      s3: {} as S3Client,
      checkpoints: new CheckpointStore(),
      invoke: async (event) => {
        delivered.push(...event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()));
      },
      region: 'us-east-1',
      roleArn: '',
      signal: controller.signal,
      observer: { onServiceRetry: (retry) => void retries.push(`${retry.operation}: ${retry.error}`) },
      log: (line) => void lines.push(line),
      idlePollMs: 5,
    });

    // Act
    const running = poller.run();
    const deadline = Date.now() + 5_000;
    while (delivered.length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await running;

    // Assess
    expect(delivered).toEqual(Array.from({ length: 10 }, (_, i) => `record-${i}`));
    expect(retries[0]).toBe('Kinesis ListShards: ServiceUnavailable: Service Unavailable');
    expect(
      retries.filter((r) => r.includes('ProvisionedThroughputExceededException')).length,
    ).toBeGreaterThanOrEqual(3);
    // Each call answered at its first retry: no outage to log.
    expect(lines).toEqual([]);
  });

  it('resolves when stopped while its stream is unreachable', async () => {
    // Prepare
    const controller = new AbortController();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), { code: 'ECONNREFUSED' });
    const poller = new KinesisMappingPoller(kinesisSettings, {
      kinesis: { send: async () => Promise.reject(refused) } as unknown as KinesisClient,
      s3: {} as S3Client,
      checkpoints: new CheckpointStore(),
      invoke: async () => undefined,
      region: 'us-east-1',
      roleArn: '',
      signal: controller.signal,
      log: () => undefined,
    });

    // Act
    const running = poller.run();
    await new Promise((r) => setTimeout(r, 150));
    controller.abort();

    // Assess
    await expect(running).resolves.toBeUndefined();
  });
});

interface Tagged extends DeliverableRecord {
  readonly tag: string;
}

const giveUpSettings: DeliverySettings = {
  id: 'EventsMapping',
  uuid: '00000000-0000-4000-8000-000000000001',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:aggregator',
  streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
  reportBatchItemFailures: false,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: 0,
  maximumRecordAgeMs: -1,
  onFailureBucket: 'failures',
};

/** A batch whose function always fails, given up to an S3 that answers 503 `unavailable` times first. */
const giveUpWhileS3Fails = (unavailable: number, signal: AbortSignal) => {
  const seen = { puts: 0, written: [] as string[], checkpointed: [] as string[], discarded: 0 };
  const s3 = {
    send: async (command: PutObjectCommand) => {
      seen.puts++;
      if (seen.puts <= unavailable) {
        throw new S3ServiceException({
          name: 'ServiceUnavailable',
          message: 'Please reduce your request rate.',
          $fault: 'server',
          $metadata: { httpStatusCode: 503 },
        });
      }
      seen.written.push(command.input.Key ?? '');
    },
  } as unknown as S3Client;
  const checkpoints = new CheckpointStore();
  const observer: PollerObserver = {
    onCheckpoint: (info) => void seen.checkpointed.push(info.sequenceNumber),
    onDiscard: (info) => {
      seen.discarded += info.records;
    },
  };
  const delivery = new BatchDelivery<Tagged, string[]>(
    giveUpSettings,
    {
      s3,
      checkpoints,
      invoke: async () => {
        throw new Error('handler failed');
      },
      signal,
      observer,
      log: () => undefined,
      retryDelayMs: () => 0,
    },
    { batchInfoKey: 'KinesisBatchInfo', buildEvent: (_, records) => records.map((r) => r.tag) },
  );
  const batch = [1, 2].map((n) =>
    entryOf<Tagged>({ sequenceNumber: seq(n), arrivalMs: Date.now(), tag: `t${n}` }),
  );
  return {
    seen,
    deliver: () => delivery.deliver(SHARD, batch),
    checkpoint: () => checkpoints.get('EventsMapping', SHARD),
  };
};

describe('the on-failure destination while S3 is unavailable', () => {
  it('holds the batch until its invocation record is written, then checkpoints past it', async () => {
    // Prepare
    const { seen, deliver, checkpoint } = giveUpWhileS3Fails(2, new AbortController().signal);

    // Act
    const handled = await deliver();

    // Assess
    expect(seen.puts).toBe(3);
    expect(seen.written).toHaveLength(1);
    expect(seen.discarded).toBe(2);
    expect(handled).toBe(2);
    expect(checkpoint()).toBe(seq(2));
  });

  it('leaves the checkpoint where it was when stopped before S3 answers, so the batch comes again', async () => {
    // Prepare
    const controller = new AbortController();
    const { seen, deliver, checkpoint } = giveUpWhileS3Fails(Number.POSITIVE_INFINITY, controller.signal);

    // Act
    const delivering = deliver();
    await new Promise((r) => setTimeout(r, 150));
    controller.abort();

    // Assess
    await expect(delivering).rejects.toThrow(RetryStopped);
    expect(seen.puts).toBeGreaterThan(1);
    expect(seen.written).toEqual([]);
    expect(seen.discarded).toBe(0);
    expect(seen.checkpointed).toEqual([]);
    expect(checkpoint()).toBeUndefined();
  });
});
