import { gunzipSync } from 'node:zlib';
import {
  GetRecordsCommand,
  type GetRecordsCommandInput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../../../infra/local/esm/checkpoints.ts';
import type {
  DeliveredObject,
  DeliveryObserver,
} from '../../../../../infra/local/firehose/delivery-metrics.ts';
import { DeliveryPositions } from '../../../../../infra/local/firehose/delivery-positions.ts';
import type { DeliveryStreamPlan } from '../../../../../infra/local/firehose/delivery-stream-plan.ts';
import { namingOf } from '../../../../../infra/local/firehose/run-delivery-stream.ts';
import { ShardDelivery } from '../../../../../infra/local/firehose/shard-delivery.ts';
import { FakeS3 } from '../../../support/fake-s3.ts';

const SHARD = 'shardId-000000000000';
const NAME = 'raw-events';

const plan = (intervalInSeconds: number): DeliveryStreamPlan => ({
  logicalId: 'Raw',
  name: NAME,
  arn: `arn:aws:firehose:us-east-1:000000000000:deliverystream/${NAME}`,
  type: 'KinesisStreamAsSource',
  source: { streamName: 'events', streamArn: 'arn:aws:kinesis:us-east-1:0:stream/events', roleArn: 'r' },
  destination: {
    bucketName: 'raw',
    bucketArn: 'arn:aws:s3:::raw',
    roleArn: 'r',
    prefix: 'raw/dt=!{timestamp:yyyy-MM-dd}/',
    errorOutputPrefix: 'raw-errors/!{firehose:error-output-type}/',
    bufferingHints: { sizeInMBs: 1, intervalInSeconds },
    compression: 'GZIP',
    delimiter: '\n',
    processors: [{ type: 'AppendDelimiterToRecord', parameters: [] }],
  },
});

/** One shard of a Kinesis stream in memory: iterators are positions in its record list. */
class FakeShard {
  readonly records: { SequenceNumber: string; Data: Uint8Array; ApproximateArrivalTimestamp: Date }[] = [];

  put(...texts: string[]): void {
    for (const text of texts) {
      const n = this.records.length + 1;
      this.records.push({
        SequenceNumber: String(n).padStart(8, '0'),
        Data: Buffer.from(text),
        ApproximateArrivalTimestamp: new Date(Date.UTC(2024, 0, 1) + n * 1000),
      });
    }
  }

  readonly client = {
    send: async (command: unknown) => {
      if (command instanceof GetShardIteratorCommand) {
        const input = command.input as GetShardIteratorCommandInput;
        const after = this.records.findIndex((r) => r.SequenceNumber === input.StartingSequenceNumber);
        return { ShardIterator: String(input.ShardIteratorType === 'TRIM_HORIZON' ? 0 : after + 1) };
      }
      if (command instanceof GetRecordsCommand) {
        const { ShardIterator, Limit = 10_000 } = command.input as GetRecordsCommandInput;
        const from = Number(ShardIterator);
        const page = this.records.slice(from, from + Limit);
        return { Records: page, NextShardIterator: String(from + page.length), MillisBehindLatest: 0 };
      }
      throw new Error('the fake shard answers GetShardIterator and GetRecords only');
    },
  } as unknown as KinesisClient;
}

/** Runs one shard's delivery until `objects` objects are written (then stops it, as Ctrl-C does). */
const deliver = async (options: {
  shard: FakeShard;
  s3: FakeS3;
  positions: DeliveryPositions;
  objects: number;
  intervalInSeconds?: number;
  startAtMs?: number;
  logged?: string[];
  stopWhenRead?: number;
}) => {
  const stop = new AbortController();
  const delivered: DeliveredObject[] = [];
  const failed: string[] = [];
  let read = 0;
  const observer: DeliveryObserver = {
    read: (_, records) => {
      read += records;
      if (options.stopWhenRead !== undefined && read >= options.stopWhenRead) stop.abort();
    },
    delivered: (object) => {
      delivered.push(object);
      if (delivered.length >= options.objects) stop.abort();
    },
    failed: (name) => failed.push(name),
    freshness: () => undefined,
  };
  const planned = plan(options.intervalInSeconds ?? 0);
  const delivery = new ShardDelivery(
    { plan: planned, naming: namingOf(planned.destination), startAtMs: options.startAtMs ?? 0 },
    SHARD,
    {
      kinesis: options.shard.client,
      s3: options.s3.client,
      positions: options.positions,
      observer,
      signal: stop.signal,
      idlePollMs: 5,
      retryDelayMs: () => 1,
      ...(options.logged ? { logError: (line: string) => options.logged?.push(line) } : {}),
    },
  );
  await delivery.run();
  return { delivered, failed };
};

const linesOf = (s3: FakeS3, input: PutObjectCommandInput) =>
  gunzipSync(s3.objects.get(`${input.Bucket}/${input.Key}`) as Uint8Array)
    .toString('utf8')
    .split('\n')
    .slice(0, -1);

const positionsIn = (store = new CheckpointStore()) => new DeliveryPositions(store);

describe('delivering one shard to S3', () => {
  it('saves the position only once the object is written, and resumes right after it', async () => {
    // Prepare
    const shard = new FakeShard();
    shard.put('a', 'b', 'c');
    const positions = positionsIn();
    const positionAtPut: (string | undefined)[] = [];
    const s3 = new FakeS3(() => positionAtPut.push(positions.position(NAME, SHARD)));

    // Act
    await deliver({ shard, s3, positions, objects: 1 });
    shard.put('d', 'e');
    await deliver({ shard, s3, positions, objects: 1 });

    // Assess
    expect(positionAtPut).toEqual([undefined, '00000003']);
    expect(s3.sent.map((input) => linesOf(s3, input))).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    expect(positions.position(NAME, SHARD)).toBe('00000005');
  });

  it('writes an object whose position was lost (a crash after the write) again under the same key', async () => {
    // Prepare: a first delivery; then the position is gone, as if the process died before saving it.
    const shard = new FakeShard();
    shard.put('a', 'b');
    const s3 = new FakeS3();
    await deliver({ shard, s3, positions: positionsIn(), objects: 1 });
    shard.put('c');

    // Act
    await deliver({ shard, s3, positions: positionsIn(), objects: 1 });

    // Assess: the second object replaced the first: one key, every record once.
    const [first, again] = s3.keys();
    expect(again).toBe(first);
    expect(s3.objects.size).toBe(1);
    expect(linesOf(s3, s3.sent[1] as PutObjectCommandInput)).toEqual(['a', 'b', 'c']);
  });

  it('retries an object S3 refused, logging each refusal as Firehose logs it, and delivers it once', async () => {
    // Prepare: S3 refuses the first two writes (not a passing failure: AccessDenied).
    const shard = new FakeShard();
    shard.put('a');
    let refusals = 2;
    const s3 = new FakeS3(() => {
      if (refusals-- > 0) throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    });
    const logged: string[] = [];
    const positions = positionsIn();

    // Act
    const { delivered, failed } = await deliver({ shard, s3, positions, objects: 1, logged });

    // Assess
    expect(failed).toEqual([NAME, NAME]);
    expect(logged.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        errorCode: 'S3.AccessDenied',
        destination: 'arn:aws:s3:::raw',
        message: 'Access Denied',
      }),
      expect.objectContaining({ errorCode: 'S3.AccessDenied', deliveryStreamVersionId: 1 }),
    ]);
    expect(delivered).toHaveLength(1);
    expect(new Set(s3.keys()).size).toBe(1);
    expect(positions.position(NAME, SHARD)).toBe('00000001');
  });

  it('writes what it buffered when stopped before the interval passed', async () => {
    // Prepare
    const shard = new FakeShard();
    shard.put('a', 'b');
    const s3 = new FakeS3();
    const positions = positionsIn();

    // Act: a 15-minute interval, stopped as soon as the records are read.
    const { delivered } = await deliver({
      shard,
      s3,
      positions,
      objects: 1,
      intervalInSeconds: 900,
      stopWhenRead: 2,
    });

    // Assess
    expect(delivered.map((object) => object.records)).toEqual([2]);
    expect(positions.position(NAME, SHARD)).toBe('00000002');
  });

  it('passes over the records that arrived before the delivery stream existed, once', async () => {
    // Prepare: records 1 and 2 arrived before the start, 3 after.
    const shard = new FakeShard();
    shard.put('old-1', 'old-2', 'new-3');
    const s3 = new FakeS3();
    const positions = positionsIn();
    const startAtMs = Date.UTC(2024, 0, 1) + 2_500;

    // Act
    await deliver({ shard, s3, positions, objects: 1, startAtMs });

    // Assess
    expect(s3.sent.map((input) => linesOf(s3, input))).toEqual([['new-3']]);
  });

  it('names objects after the oldest record’s arrival', async () => {
    const shard = new FakeShard();
    shard.put('a');
    const s3 = new FakeS3();

    await deliver({ shard, s3, positions: positionsIn(), objects: 1 });

    expect(s3.keys()[0]).toMatch(/^raw\/dt=2024-01-01\/raw-events-1-2024-01-01-00-00-01-[0-9a-f-]{36}\.gz$/);
  });
});
