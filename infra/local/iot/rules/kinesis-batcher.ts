import { PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';

/** An SDK client of the local cloud: only `send` is used. */
interface SdkClient {
  send(command: never): Promise<unknown>;
}

interface Waiting {
  readonly partitionKey: string;
  readonly data: Buffer;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  /** Attempts made so far. */
  attempts: number;
}

interface StreamQueue {
  waiting: Waiting[];
  inFlight: number;
  scheduled: boolean;
}

/** Kinesis's PutRecords limits: 500 records and 5 MiB (data and keys) per request. */
const MAX_RECORDS = 500;
const MAX_BYTES = 5 * 1024 * 1024;
/** Per-entry errors the AWS SDK's standard retry would retry for a PutRecord; it makes 3 attempts in all. */
const RETRYABLE = new Set(['ProvisionedThroughputExceededException', 'InternalFailure']);
const MAX_ATTEMPTS = 3;
const RETRY_BASE_MS = 50;

/** A PutRecords entry Kinesis refused: its code and message, as a failed PutRecord would throw them. */
const entryError = (entry: PutRecordsResultEntry): Error =>
  Object.assign(new Error(entry.ErrorMessage ?? 'the record was not put'), {
    name: entry.ErrorCode ?? 'UnknownError',
  });

/**
 * The Kinesis action's puts: one PutRecord per message, as IoT Core makes them, would cap the local stream at a
 * few hundred records a second (≈ 670/s measured against kinesalite on 2 busy cores, PutRecords ≈ 8,000/s), so
 * the messages put at the same moment go together in PutRecords requests (≤ 500 records, ≤ 5 MiB), a few per
 * stream at once. Each message still succeeds or fails on its own entry — a refused entry fails that message's
 * action only — and entries refused for throughput are retried as the SDK would retry a PutRecord (3 attempts).
 * The rule engine never has two messages of one device in flight, so batching cannot reorder a device's records.
 */
export class KinesisPutBatcher {
  private readonly streams = new Map<string, StreamQueue>();

  constructor(
    private readonly kinesis: SdkClient,
    /** PutRecords requests in flight per stream. */
    private readonly requestsPerStream = 4,
  ) {}

  /** Resolves once the record is in the stream; rejects with Kinesis's error for it. */
  put(streamName: string, partitionKey: string, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.enqueue(streamName, { partitionKey, data, resolve, reject, attempts: 0 });
    });
  }

  private enqueue(streamName: string, waiting: Waiting): void {
    let queue = this.streams.get(streamName);
    if (!queue) {
      queue = { waiting: [], inFlight: 0, scheduled: false };
      this.streams.set(streamName, queue);
    }
    queue.waiting.push(waiting);
    this.schedule(streamName, queue);
  }

  /** Sends on the next turn of the event loop, so that the puts of this turn share requests. */
  private schedule(streamName: string, queue: StreamQueue): void {
    if (queue.scheduled || queue.inFlight >= this.requestsPerStream) return;
    queue.scheduled = true;
    setImmediate(() => {
      queue.scheduled = false;
      this.send(streamName, queue);
    });
  }

  private send(streamName: string, queue: StreamQueue): void {
    while (queue.inFlight < this.requestsPerStream && queue.waiting.length > 0) {
      const batch = this.takeBatch(queue);
      queue.inFlight++;
      void this.putBatch(streamName, batch).finally(() => {
        queue.inFlight--;
        if (queue.waiting.length > 0) this.schedule(streamName, queue);
        else if (queue.inFlight === 0) this.streams.delete(streamName);
      });
    }
  }

  private takeBatch(queue: StreamQueue): Waiting[] {
    let bytes = 0;
    let count = 0;
    for (const waiting of queue.waiting) {
      const size = waiting.data.length + Buffer.byteLength(waiting.partitionKey);
      if (count === MAX_RECORDS || (count > 0 && bytes + size > MAX_BYTES)) break;
      bytes += size;
      count++;
    }
    return queue.waiting.splice(0, count);
  }

  private async putBatch(streamName: string, batch: Waiting[]): Promise<void> {
    let entries: PutRecordsResultEntry[];
    try {
      const result = (await this.kinesis.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: batch.map(({ partitionKey, data }) => ({ PartitionKey: partitionKey, Data: data })),
        }) as never,
      )) as { Records?: PutRecordsResultEntry[] };
      entries = result.Records ?? [];
    } catch (error) {
      // The request failed as a whole (after the SDK's own retries): so did each message's put.
      for (const waiting of batch) waiting.reject(error as Error);
      return;
    }
    batch.forEach((waiting, i) => {
      const entry = entries[i];
      if (entry && !entry.ErrorCode) waiting.resolve();
      else if (entry?.ErrorCode && RETRYABLE.has(entry.ErrorCode) && ++waiting.attempts < MAX_ATTEMPTS) {
        const delay = RETRY_BASE_MS * 2 ** (waiting.attempts - 1);
        setTimeout(() => this.enqueue(streamName, waiting), delay);
      } else waiting.reject(entry ? entryError(entry) : new Error('Kinesis answered without this record'));
    });
  }
}
