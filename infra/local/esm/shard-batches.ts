import { type BatchDelivery, type DeliverableRecord, type Entry, entryOf, sleep } from './batch-delivery.ts';
import { MAX_PAYLOAD_BYTES } from './settings.ts';

/** Reads one shard in order; how depends on the stream. */
export interface ShardReader<R> {
  /** True once the shard is closed and every record in it has been read. */
  readonly exhausted: boolean;
  /** The next records (possibly none), at most `limit`. */
  read(limit: number): Promise<readonly R[]>;
}

export interface ShardBatchingOptions<R> {
  readonly batchSize: number;
  readonly maximumBatchingWindowMs: number;
  readonly signal: AbortSignal;
  /** Bytes a record adds to the invocation payload (for the 6 MB cap). */
  readonly payloadBytes: (record: R) => number;
  /** Filter criteria: records it rejects are checkpointed without invoking. */
  readonly accept?: (record: R) => boolean;
  /** Pause after an empty read; Lambda polls each shard about once a second. */
  readonly idlePollMs?: number;
}

/** How a shard's run ended: read to the end of a closed shard, or stopped by the signal. */
export type ShardEnd = 'drained' | 'stopped';

/** Takes the next batch off the buffer: at most BatchSize records and (beyond one) at most 6 MB. */
export const takeBatch = <R>(
  buffer: readonly Entry<R>[],
  batchSize: number,
  payloadBytes: (record: R) => number,
): Entry<R>[] => {
  const batch: Entry<R>[] = [];
  let bytes = 0;
  for (const entry of buffer) {
    const size = payloadBytes(entry.record);
    if (batch.length >= batchSize || (batch.length > 0 && bytes + size > MAX_PAYLOAD_BYTES)) break;
    batch.push(entry);
    bytes += size;
  }
  return batch;
};

/** What a read added to the buffer: the records the filter dropped, and those to checkpoint past at once. */
export interface Buffered<R> {
  readonly dropped: number;
  /** Dropped records with nothing buffered before them to carry their checkpoint. */
  readonly droppedAhead: readonly R[];
}

/** The records of a shard read and not yet delivered, their payload bytes, and when the batching window opened. */
export class ShardBuffer<R extends DeliverableRecord> {
  private buffered: Entry<R>[] = [];
  private bytes = 0;
  private windowOpenedAt = 0;

  constructor(private readonly payloadBytes: (record: R) => number) {}

  get entries(): readonly Entry<R>[] {
    return this.buffered;
  }

  /** BatchSize records, or the 6 MB payload cap, are buffered. */
  isFull(batchSize: number): boolean {
    return this.buffered.length >= batchSize || this.bytes >= MAX_PAYLOAD_BYTES;
  }

  /** Some records are buffered and the batch is due: full, its window passed, or the shard read to its end. */
  isDue(batchSize: number, maximumBatchingWindowMs: number, shardExhausted: boolean): boolean {
    if (this.buffered.length === 0) return false;
    const windowPassed = Date.now() - this.windowOpenedAt >= maximumBatchingWindowMs;
    return this.isFull(batchSize) || windowPassed || shardExhausted;
  }

  /**
   * Buffers the records a read returned. A record the filter rejects moves the checkpoint of the
   * buffered record before it; with none buffered, it is returned to be checkpointed at once.
   */
  add(records: readonly R[], accept?: (record: R) => boolean): Buffered<R> {
    const droppedAhead: R[] = [];
    let dropped = 0;
    for (const record of records) {
      if (!accept || accept(record)) {
        this.push(record);
        continue;
      }
      dropped++;
      const last = this.buffered.at(-1);
      if (!last) {
        droppedAhead.push(record);
        continue;
      }
      last.checkpoint = record.sequenceNumber;
      last.skipped++;
    }
    return { dropped, droppedAhead };
  }

  /** Removes the first `count` records, delivered; the next batching window opens now. */
  delivered(count: number): void {
    this.buffered = this.buffered.slice(count);
    this.bytes = this.buffered.reduce((sum, entry) => sum + this.payloadBytes(entry.record), 0);
    this.windowOpenedAt = Date.now();
  }

  private push(record: R): void {
    if (this.buffered.length === 0) this.windowOpenedAt = Date.now();
    this.buffered.push(entryOf(record));
    this.bytes += this.payloadBytes(record);
  }
}

/**
 * Runs one shard: buffers what the reader returns, cuts batches when BatchSize or the payload cap is
 * reached, the batching window has passed or the shard is closed, and delivers them one at a time.
 */
export const runShardBatches = async <R extends DeliverableRecord, E>(
  shardId: string,
  reader: ShardReader<R>,
  delivery: BatchDelivery<R, E>,
  options: ShardBatchingOptions<R>,
): Promise<ShardEnd> => {
  const { batchSize, maximumBatchingWindowMs, signal, payloadBytes, accept } = options;
  const buffer = new ShardBuffer<R>(payloadBytes);
  while (!signal.aborted) {
    let fetched = 0;
    if (!reader.exhausted && !buffer.isFull(batchSize)) {
      const records = await reader.read(Math.min(10_000, batchSize - buffer.entries.length));
      fetched = records.length;
      const { dropped, droppedAhead } = buffer.add(records, accept);
      delivery.filtered(shardId, dropped);
      delivery.skip(shardId, droppedAhead);
    }
    if (!buffer.isDue(batchSize, maximumBatchingWindowMs, reader.exhausted)) {
      if (reader.exhausted && buffer.entries.length === 0) return 'drained';
      if (fetched === 0) await sleep(options.idlePollMs ?? 200, signal);
      continue;
    }
    const batch = takeBatch(buffer.entries, batchSize, payloadBytes);
    const done = await delivery.deliver(shardId, batch);
    buffer.delivered(done);
    if (done < batch.length) return 'stopped'; // stopped while retrying: the checkpoint marks where to resume
  }
  return 'stopped';
};
