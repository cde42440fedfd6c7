import {
  type _Record,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { sleep } from '../esm/batch-delivery.ts';
import { RetryStopped, retryTransient } from '../esm/transient-errors.ts';
import { DeliveryBuffer, type SourceRecord } from './delivery-buffer.ts';
import type { DeliveryPositions } from './delivery-positions.ts';
import { type DeliveryStreamPlan, LOCAL_VERSION_ID } from './delivery-stream-plan.ts';
import { objectBody } from './object-body.ts';
import { type ObjectNaming, objectKey } from './object-key.ts';
import { type ObjectWriterDependencies, writeObject } from './object-writer.ts';

export interface ShardDeliveryDependencies extends ObjectWriterDependencies {
  readonly kinesis: KinesisClient;
  readonly positions: DeliveryPositions;
  /** Pause after a read that was not a full page; Firehose reads each shard once a second. @default 1000 */
  readonly idlePollMs?: number;
}

/** What every shard of one delivery stream shares. */
export interface DeliverySetup {
  readonly plan: DeliveryStreamPlan;
  readonly naming: ObjectNaming;
  /** Records that arrived earlier are not delivered (the stream's tip when the delivery stream was created). */
  readonly startAtMs: number;
}

/** The most records one GetRecords returns. */
const PAGE = 10_000;
/** How long the last object before a stop may take to write; if S3 does not take it, the next start does. */
const FLUSH_TIMEOUT_MS = 10_000;

const toSourceRecord = (record: _Record): SourceRecord => ({
  sequenceNumber: record.SequenceNumber ?? '',
  data: record.Data ?? new Uint8Array(),
  arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
});

/**
 * Delivers one shard of the source stream to S3, in order, as Firehose does: reads it with an iterator of its
 * own from its durable position, buffers by the hints, writes each object and only then saves the position
 * past its last record. A crash between the two re-reads the object's records after a restart, and the object
 * written again has the same key (object-key.ts): it replaces the first, so nothing is stored twice.
 */
export class ShardDelivery {
  private readonly buffer: DeliveryBuffer;
  private iterator: string | undefined;
  private lastRead: string | undefined;

  constructor(
    private readonly setup: DeliverySetup,
    readonly shardId: string,
    private readonly deps: ShardDeliveryDependencies,
  ) {
    const { destination } = setup.plan;
    this.buffer = new DeliveryBuffer(
      destination.bufferingHints,
      Buffer.byteLength(destination.delimiter ?? '', 'utf8'),
    );
  }

  /** The arrival of the oldest record read and not yet written (DataFreshness), or undefined when none. */
  get oldestUndeliveredMs(): number | undefined {
    return this.buffer.oldestArrivalMs;
  }

  /**
   * Runs until the signal aborts (then what is buffered is written as a last object) or a closed shard is
   * delivered to its end. Rejects when S3 refuses an object for a day, or Kinesis fails for good.
   */
  async run(): Promise<void> {
    const { signal } = this.deps;
    try {
      this.iterator = await this.iteratorAfter(this.savedPosition);
      while (!signal.aborted) {
        const fullPage = await this.readIfRoom();
        await this.deliverDue(signal);
        if (this.iterator === undefined && this.buffer.length === 0) return;
        if (!fullPage) await sleep(this.idleMs(), signal);
      }
    } catch (error) {
      // Stopped: while waiting to retry, or a call cut short by the signal.
      if (!(error instanceof RetryStopped) && !signal.aborted) throw error;
    }
    await this.deliverRest();
  }

  private get savedPosition(): string | undefined {
    return this.deps.positions.position(this.setup.plan.name, this.shardId);
  }

  private idleMs(): number {
    const idle = this.deps.idlePollMs ?? 1_000;
    return Math.min(idle, this.buffer.msUntilDue(Date.now()) ?? idle);
  }

  private async iteratorAfter(position: string | undefined): Promise<string | undefined> {
    const { kinesis, signal } = this.deps;
    const StreamName = this.setup.plan.source.streamName;
    const { ShardIterator } = await retryTransient(
      () =>
        kinesis.send(
          new GetShardIteratorCommand({
            StreamName,
            ShardId: this.shardId,
            ...(position
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: position }
              : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
          { abortSignal: signal },
        ),
      signal,
    );
    return ShardIterator;
  }

  /** Reads a page unless the buffer is full or the shard is read to its end; true when the page was full. */
  private async readIfRoom(): Promise<boolean> {
    const { kinesis, signal, observer, positions } = this.deps;
    const ShardIterator = this.iterator;
    if (!ShardIterator || this.buffer.isFull) return false;
    let page: GetRecordsCommandOutput;
    try {
      page = await retryTransient(
        () => kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: PAGE }), { abortSignal: signal }),
        signal,
      );
    } catch (error) {
      if (!(error instanceof ExpiredIteratorException)) throw error;
      // Everything read so far is buffered or delivered: resume right after it.
      this.iterator = await this.iteratorAfter(this.lastRead ?? this.savedPosition);
      return true;
    }
    this.iterator = page.NextShardIterator;
    const records = (page.Records ?? []).map(toSourceRecord);
    if (records.length === 0) return false;
    this.lastRead = (records.at(-1) as SourceRecord).sequenceNumber;
    observer.read(
      this.setup.plan.name,
      records.length,
      records.reduce((sum, record) => sum + record.data.length, 0),
    );
    const fresh = records.filter((record) => record.arrivalMs >= this.setup.startAtMs);
    // Records from before the delivery stream existed: passed over once, never re-read.
    if (fresh.length === 0 && this.buffer.length === 0)
      positions.advance(this.setup.plan.name, this.shardId, this.lastRead);
    this.buffer.add(fresh, Date.now());
    return records.length >= PAGE;
  }

  private async deliverDue(signal: AbortSignal): Promise<void> {
    for (let due = this.buffer.nextDue(Date.now()); due.length > 0; due = this.buffer.nextDue(Date.now())) {
      await this.deliver(due, signal);
      this.buffer.delivered(due.length);
    }
  }

  /** The buffered records as a last object; left for the next start when S3 does not take it in time. */
  private async deliverRest(): Promise<void> {
    const rest = this.buffer.all();
    if (rest.length === 0) return;
    try {
      await this.deliver(rest, AbortSignal.timeout(FLUSH_TIMEOUT_MS));
      this.buffer.delivered(rest.length);
    } catch (error) {
      if (!(error instanceof RetryStopped)) throw error;
    }
  }

  /** Writes one object, then saves the position past its last record. */
  private async deliver(records: readonly SourceRecord[], signal: AbortSignal): Promise<void> {
    const { plan, naming } = this.setup;
    const { destination } = plan;
    const first = records[0] as SourceRecord;
    const last = records.at(-1) as SourceRecord;
    const key = objectKey(naming, {
      deliveryStreamName: plan.name,
      versionId: LOCAL_VERSION_ID,
      shardId: this.shardId,
      firstSequenceNumber: first.sequenceNumber,
      // A loop, not Math.min(...): an object of 64 MiB holds more records than a call takes arguments.
      oldestArrivalMs: records.reduce(
        (oldest, record) => Math.min(oldest, record.arrivalMs),
        first.arrivalMs,
      ),
    });
    const { body, rawBytes } = await objectBody(records, destination.compression, destination.delimiter);
    await writeObject(this.setup.plan, key, body, { ...this.deps, signal });
    this.deps.positions.advance(plan.name, this.shardId, last.sequenceNumber);
    this.deps.observer.delivered({
      deliveryStream: plan.name,
      key,
      records: records.length,
      rawBytes,
      objectBytes: body.length,
    });
  }
}
