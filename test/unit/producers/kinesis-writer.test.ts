import type {
  PutRecordsCommand,
  PutRecordsCommandOutput,
  PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import {
  KinesisWriter,
  type PutRecordsSender,
  type WriteOutcome,
} from '../../../producers/kinesis-writer.ts';
import { KINESIS_MAX_RECORD_BYTES } from '../../../schemas/index.ts';

interface Sent {
  readonly keys: string[];
  readonly data: string[];
  readonly streamName?: string;
  readonly streamArn?: string;
}

type Respond = (
  keys: string[],
  call: number,
) => PutRecordsResultEntry[] | Error | Promise<PutRecordsResultEntry[] | Error>;

/** A stand-in Kinesis client: records each PutRecords call and answers with `respond`. */
const fakeKinesis = (respond?: Respond) => {
  const calls: Sent[] = [];
  let sequence = 0;
  const accept = (_key: string): PutRecordsResultEntry => ({
    ShardId: 'shardId-000000000000',
    SequenceNumber: String(++sequence).padStart(20, '0'),
  });
  const answer = respond ?? ((keys: string[]) => keys.map(accept));
  const client: PutRecordsSender = {
    async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
      const input = command.input;
      const keys = (input.Records ?? []).map((r) => r.PartitionKey ?? '');
      const data = (input.Records ?? []).map((r) => new TextDecoder().decode(r.Data));
      calls.push({
        keys,
        data,
        ...(input.StreamName ? { streamName: input.StreamName } : {}),
        ...(input.StreamARN ? { streamArn: input.StreamARN } : {}),
      });
      const results = await answer(keys, calls.length);
      if (results instanceof Error) throw results;
      return {
        $metadata: {},
        Records: results,
        FailedRecordCount: results.filter((r) => r.ErrorCode).length,
      };
    },
  };
  return { client, calls, accept };
};

const records = (...keys: string[]) =>
  keys.map((partitionKey) => ({ data: new TextEncoder().encode(`{"k":"${partitionKey}"}`), partitionKey }));
const throttled: PutRecordsResultEntry = {
  ErrorCode: 'ProvisionedThroughputExceededException',
  ErrorMessage: 'Rate exceeded for shard',
};
// One lane, so a test sees every record in one call; no real waiting.
const noWait = { maxInFlight: 1, sleep: async () => {}, random: () => 0.5 };
const serviceError = (name: string, message: string, extra: object = {}) =>
  Object.assign(new Error(message), { name, $metadata: {}, ...extra });
const statuses = (outcomes: WriteOutcome<{ partitionKey: string }>[]) =>
  outcomes.map((o) => `${o.record.partitionKey}:${o.status}`);

describe('KinesisWriter', () => {
  it('reports every accepted record with its shard and sequence number, in the order given', async () => {
    // Prepare
    const kinesis = fakeKinesis();
    const writer = new KinesisWriter({ client: kinesis.client, streamName: 'events', ...noWait });
    // Act
    const outcomes = await writer.write(records('a', 'b', 'c'));
    // Assess
    expect(outcomes).toMatchObject([
      { status: 'accepted', record: { partitionKey: 'a' }, shardId: 'shardId-000000000000', attempts: 1 },
      { status: 'accepted', record: { partitionKey: 'b' } },
      { status: 'accepted', record: { partitionKey: 'c' } },
    ]);
    expect(
      new Set(outcomes.map((o) => (o.status === 'accepted' ? o.sequenceNumber : '')).values()).size,
    ).toBe(3);
    expect(kinesis.calls).toMatchObject([{ keys: ['a', 'b', 'c'], streamName: 'events' }]);
    expect(writer.counters).toEqual({ sent: 3, failed: 0, retried: 0 });
  });

  it('addresses the stream by ARN when given one', async () => {
    // Prepare
    const kinesis = fakeKinesis();
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/events';
    const writer = new KinesisWriter({ client: kinesis.client, streamArn: arn, ...noWait });
    // Act
    await writer.write(records('a'));
    // Assess
    expect(kinesis.calls).toMatchObject([{ keys: ['a'], streamArn: arn }]);
    expect(kinesis.calls[0]?.streamName).toBeUndefined();
  });

  it('retries only the entries that failed', async () => {
    // Prepare
    const kinesis = fakeKinesis((keys, call) =>
      keys.map((key) => (call === 1 && (key === 'b' || key === 'd') ? throttled : kinesis.accept(key))),
    );
    const writer = new KinesisWriter({ client: kinesis.client, streamName: 'events', ...noWait });
    // Act
    const outcomes = await writer.write(records('a', 'b', 'c', 'd'));
    // Assess
    expect(kinesis.calls.map((c) => c.keys)).toEqual([
      ['a', 'b', 'c', 'd'],
      ['b', 'd'],
    ]);
    expect(statuses(outcomes)).toEqual(['a:accepted', 'b:accepted', 'c:accepted', 'd:accepted']);
    expect(outcomes.map((o) => o.attempts)).toEqual([1, 2, 1, 2]);
    expect(writer.counters).toEqual({ sent: 4, failed: 0, retried: 2 });
  });

  it('waits a jittered, growing backoff between attempts', async () => {
    // Prepare
    const delays: number[] = [];
    const kinesis = fakeKinesis((keys, call) =>
      call < 4 ? keys.map(() => throttled) : keys.map(kinesis.accept),
    );
    const writer = new KinesisWriter({
      client: kinesis.client,
      streamName: 'events',
      backoff: { baseDelayMs: 100, maxDelayMs: 250, maxAttempts: 5 },
      random: () => 0.5,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    // Act
    await writer.write(records('a'));
    // Assess
    expect(delays).toEqual([50, 100, 125]);
  });

  it('gives up after the last attempt and reports the last error, never dropping a record', async () => {
    // Prepare
    const kinesis = fakeKinesis((keys) =>
      keys.map((key) =>
        key === 'b'
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }
          : kinesis.accept(key),
      ),
    );
    const writer = new KinesisWriter({
      client: kinesis.client,
      streamName: 'events',
      backoff: { maxAttempts: 3 },
      ...noWait,
    });
    // Act
    const outcomes = await writer.write(records('a', 'b'));
    // Assess
    expect(kinesis.calls.map((c) => c.keys)).toEqual([['a', 'b'], ['b'], ['b']]);
    expect(outcomes[1]).toMatchObject({
      status: 'unsent',
      errorCode: 'InternalFailure',
      errorMessage: 'Internal service failure.',
      attempts: 3,
      retryable: true,
    });
    expect(writer.counters).toEqual({ sent: 1, failed: 1, retried: 2 });
  });

  it('retries a whole call that failed with a retryable error', async () => {
    // Prepare
    const kinesis = fakeKinesis((keys, call) =>
      call === 1
        ? serviceError('ServiceUnavailable', 'try again', { $metadata: { httpStatusCode: 503 } })
        : keys.map(kinesis.accept),
    );
    const writer = new KinesisWriter({ client: kinesis.client, streamName: 'events', ...noWait });
    // Act
    const outcomes = await writer.write(records('a', 'b'));
    // Assess
    expect(kinesis.calls).toHaveLength(2);
    expect(statuses(outcomes)).toEqual(['a:accepted', 'b:accepted']);
    expect(writer.counters.retried).toBe(2);
  });

  it('retries a dropped connection', async () => {
    // Prepare
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const kinesis = fakeKinesis((keys, call) => (call === 1 ? reset : keys.map(kinesis.accept)));
    const writer = new KinesisWriter({ client: kinesis.client, streamName: 'events', ...noWait });
    // Act
    const outcomes = await writer.write(records('a'));
    // Assess
    expect(statuses(outcomes)).toEqual(['a:accepted']);
  });

  it('does not retry an error retrying cannot fix, and reports it on every record', async () => {
    // Prepare
    const kinesis = fakeKinesis(() =>
      serviceError('ResourceNotFoundException', 'Stream events under account 000000000000 not found.'),
    );
    const writer = new KinesisWriter({ client: kinesis.client, streamName: 'events', ...noWait });
    // Act
    const outcomes = await writer.write(records('a', 'b'));
    // Assess
    expect(kinesis.calls).toHaveLength(1);
    expect(outcomes).toMatchObject([
      { status: 'unsent', errorCode: 'ResourceNotFoundException', retryable: false, attempts: 1 },
      {
        status: 'unsent',
        errorCode: 'ResourceNotFoundException',
        errorMessage: 'Stream events under account 000000000000 not found.',
      },
    ]);
    expect(writer.counters).toEqual({ sent: 0, failed: 2, retried: 0 });
  });

  it('a record over 1 MiB is reported unsent, never dropped, and its neighbours are sent', async () => {
    // Prepare
    const kinesis = fakeKinesis();
    const writer = new KinesisWriter({ client: kinesis.client, streamName: 'events', ...noWait });
    const huge = { data: new Uint8Array(KINESIS_MAX_RECORD_BYTES), partitionKey: 'huge' };
    // Act
    const outcomes = await writer.write([...records('a'), huge, ...records('b')]);
    // Assess
    expect(statuses(outcomes)).toEqual(['a:accepted', 'huge:unsent', 'b:accepted']);
    expect(outcomes[1]).toMatchObject({ errorCode: 'RecordTooLarge', retryable: false, attempts: 0 });
    expect(outcomes[1]?.status === 'unsent' && outcomes[1].errorMessage).toContain(
      'over the 1048576-byte limit',
    );
    expect(kinesis.calls.flatMap((c) => c.keys)).not.toContain('huge');
  });

  it('keeps at most maxInFlight calls in flight', async () => {
    // Prepare
    let inFlight = 0;
    let highest = 0;
    const kinesis = fakeKinesis(async (keys) => {
      highest = Math.max(highest, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return keys.map(kinesis.accept);
    });
    const writer = new KinesisWriter({
      client: kinesis.client,
      streamName: 'events',
      ...noWait,
      maxInFlight: 3,
    });
    const many = records(...Array.from({ length: 2000 }, (_, i) => `key-${i}`));
    // Act
    const outcomes = await Promise.all([writer.write(many.slice(0, 1000)), writer.write(many.slice(1000))]);
    // Assess
    expect(highest).toBe(3);
    expect(outcomes.flat().every((o) => o.status === 'accepted')).toBe(true);
    expect(writer.pending).toBe(0);
  });

  it("sends one partition key's records in the order written, across calls", async () => {
    // Prepare
    const kinesis = fakeKinesis(async (keys) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      return keys.map(kinesis.accept);
    });
    const writer = new KinesisWriter({
      client: kinesis.client,
      streamName: 'events',
      ...noWait,
      maxInFlight: 4,
    });
    const keyed = (round: number) =>
      Array.from({ length: 40 }, (_, i) => ({
        data: new TextEncoder().encode(`${round}`),
        partitionKey: `key-${i % 8}`,
      }));
    // Act
    await Promise.all([1, 2, 3, 4, 5].map((round) => writer.write(keyed(round))));
    await writer.flush();
    // Assess
    const sent = kinesis.calls.flatMap((c) => c.keys.map((key, i) => ({ key, round: Number(c.data[i]) })));
    expect(sent).toHaveLength(200);
    for (let k = 0; k < 8; k++) {
      expect(sent.filter((r) => r.key === `key-${k}`).map((r) => r.round)).toEqual([
        1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5,
      ]);
    }
  });

  it('refuses a missing stream or an out-of-range maxInFlight, naming the value', () => {
    // Prepare
    const { client } = fakeKinesis();
    // Act / Assess
    expect(() => new KinesisWriter({ client })).toThrow('give exactly one of streamName and streamArn');
    expect(() => new KinesisWriter({ client, streamName: 'events', maxInFlight: 0 })).toThrow(
      'between 1 and 64 inclusive (given 0)',
    );
  });
});
