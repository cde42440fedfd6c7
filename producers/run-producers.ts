import type { Dataset } from '../schemas/index.ts';
import type { BackoffPolicy } from './backoff.ts';
import { GroundTruthWriter } from './ground-truth.ts';
import {
  type AcceptedRecord,
  KinesisWriter,
  type PutRecordsSender,
  type WriteOutcome,
} from './kinesis-writer.ts';
import { MixedSource } from './mixed.ts';
import { pause, TokenBucket } from './pacing.ts';
import type { ProducerProgress } from './progress.ts';
import type { PoisonKind, ProducedRecord, RecordSource } from './source.ts';
import { OutcomeTally, type UnsentReport } from './summary.ts';

export interface RunProducersOptions {
  /** The process's Kinesis client (see createKinesisClient), or any object with a PutRecords `send`. */
  readonly client: PutRecordsSender;
  /** Stream name, or its ARN (starting with `arn:`). */
  readonly streamName: string;
  /** Events per second; between 1 and 1000000. @default 1000 */
  readonly rate?: number;
  /** How long to produce; ignored when `forever`. @default 60 */
  readonly durationSeconds?: number;
  /** Produce until `signal` aborts. @default false */
  readonly forever?: boolean;
  /** Stop after this many records, whichever comes first with the duration. @default no limit */
  readonly maxEvents?: number;
  /** Same seed and same clock → same events. @default 42 */
  readonly seed?: number;
  /** Simulated IoT devices; between 1 and 100000. @default 50 */
  readonly devices?: number;
  /** Share of records spoiled on purpose; between 0 and 1. @default 0 */
  readonly poisonRate?: number;
  /** Share of web-session records, the rest from devices; between 0 and 1. @default 0.7 */
  readonly clickstreamShare?: number;
  /** JSON-lines file receiving every accepted record (truncated first). @default none */
  readonly groundTruthPath?: string;
  /** Append to the ground truth instead of truncating it, so it covers every run on the same stream. @default false */
  readonly appendGroundTruth?: boolean;
  /** Aborting stops generating; records already generated are still sent (with retries) before resolving. */
  readonly signal?: AbortSignal;
  /** Called about every tick and once at the end. */
  readonly onProgress?: (progress: ProducerProgress) => void;
  /** PutRecords calls in flight at once; between 1 and 64. @default 4 */
  readonly maxInFlight?: number;
  /** How often a chunk of events is generated and sent; between 10 and 1000. @default 100 */
  readonly tickMs?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** Replaces the simulators (tests). @default MixedSource from seed, devices, poisonRate, clickstreamShare */
  readonly source?: RecordSource;
}

export type StopReason = 'duration' | 'max-events' | 'signal' | 'fatal-error';

export interface ProducerSummary {
  /** Records generated, events and poison. */
  readonly generated: number;
  /** Records accepted by Kinesis (events and poison). */
  readonly sent: number;
  /** Records that never reached the stream: count, count per error code, and the first 1000 in detail. */
  readonly unsentCount: number;
  readonly unsentByError: Readonly<Record<string, number>>;
  readonly unsent: readonly UnsentReport[];
  readonly retried: number;
  /** Accepted events per dataset and per schema (`clickstream.purchase`); poison excluded. */
  readonly byDataset: Readonly<Record<Dataset, number>>;
  readonly byType: Readonly<Record<string, number>>;
  /** Accepted poison records, in total and per reason. */
  readonly poisonSent: number;
  readonly poisonByKind: Readonly<Partial<Record<PoisonKind, number>>>;
  readonly elapsedMs: number;
  readonly stoppedBy: StopReason;
  /** Set when stoppedBy is 'fatal-error': an error retrying cannot fix, e.g. the stream does not exist. */
  readonly fatalError?: string;
}

const checkRange = (name: string, value: number, min: number, max: number) => {
  if (!(value >= min && value <= max)) {
    throw new RangeError(`${name} must be between ${min} and ${max} inclusive (given ${value})`);
  }
};

/**
 * Simulates web sessions and devices at `rate` events/s and writes them to a Kinesis stream.
 * Resolves (never rejects for a failed record) with what was sent and, for each unsent record, why.
 */
export const runProducers = async (options: RunProducersOptions): Promise<ProducerSummary> => {
  const rate = options.rate ?? 1000;
  const durationMs = (options.durationSeconds ?? 60) * 1000;
  const tickMs = options.tickMs ?? 100;
  checkRange('rate', rate, 1, 1_000_000);
  checkRange('tickMs', tickMs, 10, 1000);
  if (!options.forever) checkRange('durationSeconds', durationMs / 1000, 0, 31_536_000);
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  if (options.maxEvents !== undefined) checkRange('maxEvents', maxEvents, 1, Number.MAX_SAFE_INTEGER);

  const source =
    options.source ??
    new MixedSource({
      seed: options.seed ?? 42,
      devices: options.devices ?? 50,
      poisonRate: options.poisonRate ?? 0,
      clickstreamShare: options.clickstreamShare ?? 0.7,
    });
  const isArn = options.streamName.startsWith('arn:');
  const writer = new KinesisWriter<ProducedRecord>({
    client: options.client,
    ...(isArn ? { streamArn: options.streamName } : { streamName: options.streamName }),
    maxInFlight: options.maxInFlight ?? 4,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const groundTruth = options.groundTruthPath
    ? await GroundTruthWriter.open(options.groundTruthPath, { append: options.appendGroundTruth === true })
    : undefined;
  const tally = new OutcomeTally();
  let fatalError: string | undefined;

  const settle = (outcomes: WriteOutcome<ProducedRecord>[]) => {
    for (const outcome of outcomes) {
      tally.add(outcome);
      // A stream that is missing or forbidden fails every later record too: stop instead of piling up failures.
      if (outcome.status === 'unsent' && !outcome.retryable && outcome.errorCode !== 'RecordTooLarge') {
        fatalError ??= `${outcome.errorCode}: ${outcome.errorMessage}`;
      }
    }
    groundTruth?.append(outcomes.filter((o): o is AcceptedRecord<ProducedRecord> => o.status === 'accepted'));
  };

  const startedMs = Date.now();
  const endMs = options.forever ? Number.POSITIVE_INFINITY : startedMs + durationMs;
  const bucket = new TokenBucket(rate, Math.max(rate, 1), startedMs);
  // Enough queued work to keep every lane busy, little enough to stay responsive to aborts.
  const maxBacklog = Math.max(rate, (options.maxInFlight ?? 4) * 500) * 2;
  const writes = new Set<Promise<void>>();
  let generated = 0;
  let lastTickMs = startedMs;
  let stoppedBy: StopReason | undefined;
  const progress = (): ProducerProgress => ({
    generated,
    sent: tally.sent,
    failed: tally.unsentCount,
    retried: writer.counters.retried,
    pending: writer.pending,
    elapsedMs: Date.now() - startedMs,
  });

  while (!stoppedBy) {
    await pause(tickMs, options.signal);
    const nowMs = Math.min(Date.now(), endMs);
    const count = Math.min(bucket.take(nowMs), maxEvents - generated);
    const records: ProducedRecord[] = [];
    for (let i = 1; i <= count; i++) {
      // Spread event times across the tick instead of stamping a whole chunk with one instant.
      records.push(source.next(Math.floor(lastTickMs + ((nowMs - lastTickMs) * i) / count)));
    }
    lastTickMs = nowMs;
    generated += count;
    if (records.length > 0) {
      const write: Promise<void> = writer
        .write(records)
        .then(settle)
        .catch((error: Error) => {
          fatalError ??= error.message;
        });
      writes.add(write);
      void write.finally(() => writes.delete(write));
    }
    options.onProgress?.(progress());
    while (writer.pending > maxBacklog && writes.size > 0) await Promise.race(writes);

    if (fatalError) stoppedBy = 'fatal-error';
    else if (options.signal?.aborted) stoppedBy = 'signal';
    else if (generated >= maxEvents) stoppedBy = 'max-events';
    else if (nowMs >= endMs) stoppedBy = 'duration';
  }

  await writer.flush();
  await Promise.all(writes);
  await groundTruth?.close();
  options.onProgress?.(progress());
  return {
    generated,
    sent: tally.sent,
    unsentCount: tally.unsentCount,
    unsentByError: tally.unsentByError,
    unsent: tally.unsent,
    retried: writer.counters.retried,
    byDataset: tally.byDataset,
    byType: tally.byType,
    poisonSent: tally.poisonSent,
    poisonByKind: tally.poisonByKind,
    elapsedMs: Date.now() - startedMs,
    stoppedBy: fatalError ? 'fatal-error' : stoppedBy,
    ...(fatalError ? { fatalError } : {}),
  };
};
