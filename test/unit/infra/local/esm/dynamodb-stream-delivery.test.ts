import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  BatchDelivery,
  type DeliverableRecord,
  type PollerObserver,
} from '../../../../../infra/local/esm/batch-delivery.ts';
import { CheckpointStore } from '../../../../../infra/local/esm/checkpoints.ts';
import { DynamoDbStreamMappingPoller } from '../../../../../infra/local/esm/dynamodb-stream-poller.ts';
import type {
  DeliverySettings,
  DynamoDbStreamMappingSettings,
} from '../../../../../infra/local/esm/settings.ts';
import { runShardBatches, type ShardReader } from '../../../../../infra/local/esm/shard-batches.ts';

const SHARD = 'shardId-00000001795328418097-66f6ff39';
const seq = (n: number) => String(n).padStart(21, '0');

interface FakeRecord extends DeliverableRecord {
  readonly tag: string;
}
const fake = (n: number, tag = 'keep', arrivalMs = Date.now()): FakeRecord => ({
  sequenceNumber: seq(n),
  arrivalMs,
  tag,
});

/** A shard that hands out the pages given, then is closed. */
const pagesReader = (pages: FakeRecord[][]): ShardReader<FakeRecord> => {
  const left = [...pages];
  return {
    get exhausted() {
      return left.length === 0;
    },
    read: async () => left.shift() ?? [],
  };
};

const deliverySettings = (overrides: Partial<DeliverySettings> = {}): DeliverySettings => ({
  id: 'FakeMapping',
  uuid: '00000000-0000-4000-8000-000000000001',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fake',
  streamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/label',
  reportBatchItemFailures: true,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeMs: -1,
  ...overrides,
});

/** Runs the shared core over a fake source, recording invocations and checkpoints. */
const deliverAll = async (
  pages: FakeRecord[][],
  respond: (tags: string[]) => unknown,
  settings = deliverySettings(),
  options: { batchSize?: number; accept?: (r: FakeRecord) => boolean } = {},
) => {
  const checkpoints = new CheckpointStore();
  const invoked: string[][] = [];
  const checkpointed: string[] = [];
  const discarded: { records: number; condition: string }[] = [];
  const observer: PollerObserver = {
    onCheckpoint: (info) => void checkpointed.push(info.sequenceNumber),
    onDiscard: (info) => void discarded.push(info),
  };
  const delivery = new BatchDelivery<FakeRecord, string[]>(
    settings,
    {
      s3: {} as S3Client,
      checkpoints,
      invoke: async (tags) => {
        invoked.push(tags);
        return respond(tags);
      },
      signal: new AbortController().signal,
      observer,
      retryDelayMs: () => 0,
    },
    {
      batchInfoKey: 'DDBStreamBatchInfo',
      buildEvent: (_, records) => records.map((r) => `${r.tag}:${Number(r.sequenceNumber)}`),
    },
  );
  const end = await runShardBatches(SHARD, pagesReader(pages), delivery, {
    batchSize: options.batchSize ?? 10,
    maximumBatchingWindowMs: 0,
    signal: new AbortController().signal,
    payloadBytes: () => 100,
    idlePollMs: 0,
    ...(options.accept ? { accept: options.accept } : {}),
  });
  return { end, invoked, checkpointed, discarded, checkpoint: checkpoints.get('FakeMapping', SHARD) };
};

describe('the shared batch-delivery core, with a fake source', () => {
  it('checkpoints past records the filter drops, before and after the ones it delivers, without invoking for them', async () => {
    // Prepare
    const pages = [[fake(1, 'drop'), fake(2, 'drop'), fake(3), fake(4, 'drop'), fake(5, 'drop')]];

    // Act
    const run = await deliverAll(pages, () => undefined, deliverySettings(), {
      accept: (r) => r.tag === 'keep',
    });

    // Assess
    expect(run.invoked).toEqual([['keep:3']]);
    expect(run.checkpointed).toEqual([seq(2), seq(5)]);
    expect(run.end).toBe('drained');
  });

  it('resumes at the lowest failed sequence number a partial failure names', async () => {
    // Prepare
    const pages = [[fake(1), fake(2), fake(3), fake(4)]];
    let failed = false;

    // Act
    const run = await deliverAll(pages, () => {
      if (failed) return { batchItemFailures: [] };
      failed = true;
      return { batchItemFailures: [{ itemIdentifier: seq(4) }, { itemIdentifier: seq(2) }] };
    });

    // Assess
    expect(run.invoked).toEqual([
      ['keep:1', 'keep:2', 'keep:3', 'keep:4'],
      ['keep:2', 'keep:3', 'keep:4'],
    ]);
    expect(run.checkpointed).toEqual([seq(1), seq(4)]);
  });

  it('bisects a failing batch down to the record that always fails, then discards it after the retries', async () => {
    // Prepare
    const pages = [[fake(1), fake(2), fake(3, 'bomb'), fake(4)]];
    const settings = deliverySettings({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 });

    // Act
    const run = await deliverAll(
      pages,
      (tags) => {
        if (tags.some((t) => t.startsWith('bomb'))) throw new Error('boom');
      },
      settings,
    );

    // Assess
    expect(run.invoked.map((tags) => tags.length)).toEqual([4, 2, 2, 1, 1, 1]);
    expect(run.discarded).toEqual([
      { mappingId: 'FakeMapping', shardId: SHARD, records: 1, condition: 'RetryAttemptsExhausted' },
    ]);
    expect(run.checkpoint).toBe(seq(4));
  });

  it('discards records older than MaximumRecordAgeInSeconds without invoking for them', async () => {
    // Prepare
    const old = Date.now() - 120_000;
    const pages = [[fake(1, 'old', old), fake(2, 'old', old), fake(3)]];

    // Act
    const run = await deliverAll(pages, () => undefined, deliverySettings({ maximumRecordAgeMs: 60_000 }));

    // Assess
    expect(run.discarded.map((d) => [d.records, d.condition])).toEqual([[2, 'RecordAgeExceeded']]);
    expect(run.invoked).toEqual([['keep:3']]);
  });

  it('counts a record’s age from ageFromMs when the source gives one', async () => {
    // Prepare
    const record = { ...fake(1, 'rounded', Date.now() - 90_000), ageFromMs: Date.now() - 1_000 };

    // Act
    const run = await deliverAll(
      [[record]],
      () => undefined,
      deliverySettings({ maximumRecordAgeMs: 60_000 }),
    );

    // Assess
    expect(run.discarded).toEqual([]);
    expect(run.invoked).toEqual([['rounded:1']]);
  });

  it('cuts batches at BatchSize', async () => {
    // Prepare
    const pages = [
      [fake(1), fake(2), fake(3)],
      [fake(4), fake(5)],
    ];

    // Act
    const run = await deliverAll(pages, () => undefined, deliverySettings(), { batchSize: 2 });

    // Assess
    expect(run.invoked.map((tags) => tags.length)).toEqual([2, 2, 1]);
  });
});

// ---- The DynamoDB poller over a fake Streams API: shard lineage, new shards, expired iterators ----

interface FakeShard {
  id: string;
  parent?: string;
  records: _Record[];
  closed: boolean;
  /** GetRecords calls that return nothing before the records show (a slow parent). */
  emptyReads?: number;
  /** GetRecords calls that fail with ExpiredIteratorException first. */
  expireOnce?: boolean;
}

const STREAM = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-11-22T06:20:17.975';

const streamRecord = (n: number, pk: string): _Record => ({
  eventID: `id-${n}`,
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'ddblocal',
  dynamodb: {
    ApproximateCreationDateTime: new Date(),
    Keys: { pk: { S: pk } },
    NewImage: { pk: { S: pk } },
    SequenceNumber: seq(n),
    SizeBytes: 10,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

/** DescribeStream: every shard, closed ones with their ending sequence number. */
const describeStream = (shards: FakeShard[]) => ({
  StreamDescription: {
    StreamArn: STREAM,
    StreamStatus: 'ENABLED',
    Shards: shards.map((s) => ({
      ShardId: s.id,
      ...(s.parent ? { ParentShardId: s.parent } : {}),
      SequenceNumberRange: {
        StartingSequenceNumber: s.records[0]?.dynamodb?.SequenceNumber ?? seq(0),
        ...(s.closed ? { EndingSequenceNumber: s.records.at(-1)?.dynamodb?.SequenceNumber ?? seq(0) } : {}),
      },
    })),
  },
});

/** The index in the shard an iterator of this type starts at. */
const iteratorIndex = (shard: FakeShard, type: string | undefined, after: string | undefined): number => {
  if (type === 'TRIM_HORIZON') return 0;
  if (type === 'LATEST') return shard.records.length;
  return shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === after) + 1;
};

/** GetRecords: everything from the iterator on, after the empty reads or the expiry the shard asks for. */
const getRecords = (shards: FakeShard[], iterator: string) => {
  const [id, at] = iterator.split('|') as [string, string];
  const shard = shards.find((s) => s.id === id) as FakeShard;
  if (shard.expireOnce) {
    shard.expireOnce = false;
    throw new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} });
  }
  if ((shard.emptyReads ?? 0) > 0) {
    shard.emptyReads = (shard.emptyReads ?? 0) - 1;
    return { Records: [], NextShardIterator: `${id}|${at}` };
  }
  const records = shard.records.slice(Number(at));
  const next = shard.records.length;
  return { Records: records, ...(shard.closed ? {} : { NextShardIterator: `${id}|${next}` }) };
};

/** A Streams API over in-memory shards; iterators are `<shard>|<index>`. */
const fakeStreams = (shards: FakeShard[]) => {
  const calls: string[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof DescribeStreamCommand) return describeStream(shards);
      if (command instanceof GetShardIteratorCommand) {
        const { ShardId, ShardIteratorType, SequenceNumber } = command.input;
        const shard = shards.find((s) => s.id === ShardId) as FakeShard;
        calls.push(
          `iterator ${ShardId} ${ShardIteratorType}${SequenceNumber ? ` ${Number(SequenceNumber)}` : ''}`,
        );
        return { ShardIterator: `${ShardId}|${iteratorIndex(shard, ShardIteratorType, SequenceNumber)}` };
      }
      if (command instanceof GetRecordsCommand) return getRecords(shards, command.input.ShardIterator ?? '');
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
  return { client: client as unknown as DynamoDBStreamsClient, calls };
};

const mappingSettings = (
  overrides: Partial<DynamoDbStreamMappingSettings> = {},
): DynamoDbStreamMappingSettings => ({
  id: 'FanoutMapping',
  uuid: '00000000-0000-4000-8000-000000000002',
  eventCountMetrics: false,
  functionName: 'fanout',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fanout',
  streamArn: STREAM,
  tableName: 't',
  batchSize: 100,
  maximumBatchingWindowMs: 0,
  startingPosition: 'TRIM_HORIZON',
  reportBatchItemFailures: false,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeMs: -1,
  parallelizationFactor: 1,
  enabled: true,
  filterPatterns: [],
  ...overrides,
});

const runPoller = async (
  shards: FakeShard[],
  until: (keys: string[]) => boolean,
  settings = mappingSettings(),
  onTick?: (keys: string[]) => void,
) => {
  const { client, calls } = fakeStreams(shards);
  const keys: string[] = [];
  const controller = new AbortController();
  const poller = new DynamoDbStreamMappingPoller(settings, {
    streams: client,
    dynamodb: {} as DynamoDBClient,
    s3: {} as S3Client,
    checkpoints: new CheckpointStore(),
    invoke: async (event: DynamoDBStreamEvent) => {
      keys.push(...event.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? ''));
    },
    region: 'us-east-1',
    signal: controller.signal,
    idlePollMs: 5,
    describeIntervalMs: 20,
  });
  const running = poller.run();
  const deadline = Date.now() + 4_000;
  while (!until(keys) && Date.now() < deadline) {
    onTick?.(keys);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  controller.abort();
  await running;
  return { keys, calls };
};

describe('DynamoDbStreamMappingPoller over a fake Streams API', () => {
  it('reads a child shard only after its parent is closed and drained', async () => {
    // Prepare: the parent is slow to give its records; the child's are there at once.
    const shards: FakeShard[] = [
      {
        id: 'child',
        parent: 'parent',
        records: [streamRecord(3, 'c1'), streamRecord(4, 'c2')],
        closed: false,
      },
      { id: 'parent', records: [streamRecord(1, 'p1'), streamRecord(2, 'p2')], closed: true, emptyReads: 5 },
    ];

    // Act
    const { keys } = await runPoller(shards, (k) => k.length >= 4);

    // Assess
    expect(keys).toEqual(['p1', 'p2', 'c1', 'c2']);
  });

  it('picks up a shard that opens later, from its start (TRIM_HORIZON)', async () => {
    // Prepare
    const shards: FakeShard[] = [{ id: 'first', records: [streamRecord(1, 'a')], closed: false }];
    let added = false;

    // Act
    const { keys, calls } = await runPoller(
      shards,
      (k) => k.includes('b'),
      mappingSettings({ startingPosition: 'LATEST' }),
      (k) => {
        if (added || k.length > 0) return;
        added = true;
        // After the mapping's first look at the stream.
        setTimeout(() => shards.push({ id: 'later', records: [streamRecord(10, 'b')], closed: false }), 100);
      },
    );

    // Assess
    expect(keys).toEqual(['b']);
    expect(calls).toContain('iterator first LATEST');
    expect(calls).toContain('iterator later TRIM_HORIZON');
  });

  it('skips a shard already closed when a LATEST mapping starts, but still reads its open child', async () => {
    // Prepare
    const shards: FakeShard[] = [
      { id: 'old', records: [streamRecord(1, 'old')], closed: true },
      { id: 'open', parent: 'old', records: [streamRecord(2, 'before')], closed: false },
    ];
    let written = false;

    // Act
    const { keys } = await runPoller(
      shards,
      (k) => k.includes('after'),
      mappingSettings({ startingPosition: 'LATEST' }),
      () => {
        if (written) return;
        written = true;
        setTimeout(() => shards[1]?.records.push(streamRecord(3, 'after')), 50);
      },
    );

    // Assess
    expect(keys).toEqual(['after']);
  });

  it('gets a new iterator after the last record read when one expires', async () => {
    // Prepare
    const shards: FakeShard[] = [
      { id: 'only', records: [streamRecord(1, 'a'), streamRecord(2, 'b')], closed: false, expireOnce: true },
    ];

    // Act
    const { keys, calls } = await runPoller(shards, (k) => k.length >= 2);

    // Assess
    expect(keys).toEqual(['a', 'b']);
    expect(calls.filter((c) => c.startsWith('iterator only'))).toEqual([
      'iterator only TRIM_HORIZON',
      'iterator only TRIM_HORIZON',
    ]);
  });

  it('refuses a ParallelizationFactor other than 1 and an invalid filter pattern', () => {
    // Prepare
    const deps = {} as ConstructorParameters<typeof DynamoDbStreamMappingPoller>[1];

    // Act
    const parallel = () =>
      new DynamoDbStreamMappingPoller(mappingSettings({ parallelizationFactor: 2 }), deps);
    const badFilter = () =>
      new DynamoDbStreamMappingPoller(mappingSettings({ filterPatterns: ['{nope'] }), deps);

    // Assess
    expect(parallel).toThrow('ParallelizationFactor 2');
    expect(badFilter).toThrow('not JSON');
  });
});
