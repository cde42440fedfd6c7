import {
  type _Record,
  DescribeStreamSummaryCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { compareSequence } from '../../processors/shared/sequence.ts';
import type { StreamRecord } from './stream-recount.ts';
import type { StreamIdentity } from './truth-file.ts';

/** The most records one GetRecords returns. */
export const MAX_PAGE = 10_000;

const toStreamRecord = (record: _Record): StreamRecord => ({
  sequenceNumber: record.SequenceNumber ?? '',
  partitionKey: record.PartitionKey ?? '',
  data: record.Data ?? new Uint8Array(),
  arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
});

/**
 * Reads the event stream with iterators of its own, like one more consumer, through the Kinesis API: the
 * local stream (kinesalite keeps it in the state folder) or the real one.
 */
export class StreamReader {
  constructor(
    private readonly kinesis: KinesisClient,
    readonly streamName: string,
    /** Records per GetRecords; small values let tests cut a catch-up between pages. */
    private readonly pageLimit = MAX_PAGE,
  ) {}

  async identity(): Promise<StreamIdentity> {
    const { StreamDescriptionSummary } = await this.kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: this.streamName }),
    );
    return {
      name: this.streamName,
      createdAtMs: StreamDescriptionSummary?.StreamCreationTimestamp?.getTime() ?? 0,
    };
  }

  async shardIds(): Promise<string[]> {
    const ids: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.kinesis.send(
        new ListShardsCommand(NextToken ? { NextToken } : { StreamName: this.streamName }),
      );
      ids.push(...(page.Shards ?? []).map((shard) => shard.ShardId ?? ''));
      NextToken = page.NextToken;
    } while (NextToken);
    return ids;
  }

  /**
   * The records of a shard after `after` (from its oldest record when undefined) up to its end as of now,
   * one GetRecords page at a time. Ends at the first empty page that is not behind the tip, or when a
   * closed shard has no more.
   */
  async *pages(shardId: string, after?: string): AsyncGenerator<StreamRecord[]> {
    let position = after;
    let iterator: string | undefined = await this.iteratorAfter(shardId, position);
    while (iterator) {
      let page: Awaited<ReturnType<StreamReader['getRecords']>>;
      try {
        page = await this.getRecords(iterator);
      } catch (error) {
        if (!(error instanceof ExpiredIteratorException)) throw error;
        iterator = await this.iteratorAfter(shardId, position);
        continue;
      }
      const records = (page.Records ?? []).map(toStreamRecord);
      if (records.length === 0 && !(page.MillisBehindLatest ?? 0)) return;
      if (records.length > 0) {
        position = records.at(-1)?.sequenceNumber;
        yield records;
      }
      iterator = page.NextShardIterator;
    }
  }

  /** Records of a shard after `after` up to and including `upTo`: what a consumer has still to do. */
  async countBetween(shardId: string, after: string | undefined, upTo: string): Promise<number> {
    let count = 0;
    for await (const page of this.pages(shardId, after)) {
      for (const record of page) {
        if (compareSequence(record.sequenceNumber, upTo) > 0) return count;
        count++;
      }
    }
    return count;
  }

  private getRecords(ShardIterator: string) {
    return this.kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: this.pageLimit }));
  }

  private async iteratorAfter(shardId: string, after: string | undefined): Promise<string | undefined> {
    const { ShardIterator } = await this.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: this.streamName,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }
}
