import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { checkpointLagMs } from '../../../../commands/backfill/checkpoint-lag.ts';

const NOW = Date.parse('2026-12-02T12:00:00Z');

/** A stand-in stream: per shard, the arrival time of the record after each checkpoint (absent: none pending). */
const fakeStream = (pending: Record<string, Record<string, number | undefined>>) => {
  const iterators: Record<string, unknown>[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const { input } = command;
      switch (command.constructor.name) {
        case 'ListShardsCommand':
          return { Shards: Object.keys(pending).map((ShardId) => ({ ShardId })) };
        case 'GetShardIteratorCommand':
          iterators.push(input);
          return { ShardIterator: `${input.ShardId}@${input.StartingSequenceNumber ?? 'start'}` };
        default: {
          const [shard, after] = String(input.ShardIterator).split('@') as [string, string];
          const arrival = pending[shard]?.[after];
          return arrival === undefined
            ? { Records: [], MillisBehindLatest: 0 }
            : { Records: [{ ApproximateArrivalTimestamp: new Date(arrival) }], MillisBehindLatest: 1000 };
        }
      }
    },
  } as unknown as KinesisClient;
  return { client, iterators };
};

const checkpoints = (marks: Record<string, string>) => ({
  get: (mapping: string, shard: string) => marks[`${mapping}/${shard}`],
});

describe('the local consumer lag, from the checkpoints', () => {
  it('is 0 when both consumers have handled every record', async () => {
    const { client } = fakeStream({ s0: {}, s1: {} });
    const lag = await checkpointLagMs({
      kinesis: client,
      streamName: 'events',
      checkpoints: checkpoints({ 'agg/s0': '10', 'arc/s0': '10', 'agg/s1': '7', 'arc/s1': '7' }),
      mappingIds: ['agg', 'arc'],
      nowMs: NOW,
    });
    expect(lag).toBe(0);
  });

  it('is the age of the oldest record either consumer has not checkpointed, read after its checkpoint', async () => {
    const { client, iterators } = fakeStream({
      s0: { '10': NOW - 4_000, '8': NOW - 9_000 },
      s1: { start: NOW - 2_000 },
    });
    const lag = await checkpointLagMs({
      kinesis: client,
      streamName: 'events',
      // The archive is behind on s0 (8 < 10) and neither has begun s1.
      checkpoints: checkpoints({ 'agg/s0': '10', 'arc/s0': '8' }),
      mappingIds: ['agg', 'arc'],
      nowMs: NOW,
    });
    expect(lag).toBe(9_000);
    expect(iterators).toContainEqual({
      StreamName: 'events',
      ShardId: 's0',
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      StartingSequenceNumber: '8',
    });
    expect(iterators).toContainEqual({
      StreamName: 'events',
      ShardId: 's1',
      ShardIteratorType: 'TRIM_HORIZON',
    });
  });
});
