import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { StreamRecord } from '../../../../../commands/truth/stream-recount.ts';

/**
 * An in-memory Kinesis stream answering the four calls the recount makes, with GetRecords' paging:
 * iterators are positions, a page is at most `Limit` records, an empty page at the tip ends a read.
 */
export class FakeStream {
  readonly shards = new Map<string, StreamRecord[]>();
  getRecordsCalls = 0;
  createdAtMs = Date.parse('2026-11-22T00:00:00Z');

  constructor(readonly name = 'events') {}

  put(shardId: string, records: readonly StreamRecord[]): void {
    this.shards.set(shardId, [...(this.shards.get(shardId) ?? []), ...records]);
  }

  readonly client = {
    send: async (command: unknown): Promise<unknown> => this.answer(command),
  } as unknown as KinesisClient;

  private answer(command: unknown): unknown {
    if (command instanceof DescribeStreamSummaryCommand)
      return { StreamDescriptionSummary: { StreamCreationTimestamp: new Date(this.createdAtMs) } };
    if (command instanceof ListShardsCommand)
      return { Shards: [...this.shards.keys()].map((ShardId) => ({ ShardId })) };
    if (command instanceof GetShardIteratorCommand) return { ShardIterator: this.iteratorOf(command) };
    if (command instanceof GetRecordsCommand) return this.page(command);
    throw new Error(`the fake stream does not answer ${String(command)}`);
  }

  private iteratorOf({ input }: GetShardIteratorCommand): string {
    const records = this.shards.get(input.ShardId ?? '') ?? [];
    const at =
      input.ShardIteratorType === 'TRIM_HORIZON'
        ? 0
        : records.findIndex((r) => BigInt(r.sequenceNumber) > BigInt(input.StartingSequenceNumber ?? '0'));
    return JSON.stringify({ shardId: input.ShardId, at: at === -1 ? records.length : at });
  }

  private page({ input }: GetRecordsCommand) {
    this.getRecordsCalls++;
    const { shardId, at } = JSON.parse(input.ShardIterator ?? '') as { shardId: string; at: number };
    const records = (this.shards.get(shardId) ?? []).slice(at, at + (input.Limit ?? 10_000));
    return {
      Records: records.map((r) => ({
        SequenceNumber: r.sequenceNumber,
        PartitionKey: r.partitionKey,
        Data: r.data,
        ApproximateArrivalTimestamp: new Date(r.arrivalMs),
      })),
      MillisBehindLatest: 0,
      NextShardIterator: JSON.stringify({ shardId, at: at + records.length }),
    };
  }
}
