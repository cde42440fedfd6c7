import type { Dataset } from '../schemas/index.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { CollectorWriterOptions } from './collector-writer.ts';
import type { EdgeFigures } from './edge-figures.ts';
import { GroundTruthWriter } from './ground-truth.ts';
import { MixedSource } from './mixed.ts';
import { pause, TokenBucket } from './pacing.ts';
import type { ProducerProgress } from './progress.ts';
import { type RunWriters, runWritersOf } from './run-writers.ts';
import type { PoisonKind, ProducedRecord, RecordSource } from './source.ts';
import { OutcomeTally, type UnsentReport } from './summary.ts';
import {
  type DeliveredRecord,
  isRecordFault,
  type PutRecordsSender,
  type RecordOutcome,
  type UnsentRecord,
} from './write-outcome.ts';

export interface RunProducersOptions {
  /**
   * The process's Kinesis client (see createKinesisClient), or any object with a PutRecords `send`. Needed
   * unless every record goes through the collector (`collector` with clickstreamShare 1 and no poison).
   */
  readonly client?: PutRecordsSender;
  /** Stream name, or its ARN (starting with `arn:`); needed with `client`. */
  readonly streamName?: string;
  /**
   * The web collector to send the clickstream through (`POST` batches, as the tracker does); devices and poison
   * records still go to Kinesis directly. Its backoff defaults to `backoff`. @default none: everything to Kinesis
   */
  readonly collector?: CollectorWriterOptions;
  /** Events per second; between 1 and 1000000. @default 1000 */
  readonly rate?: number;
  /** How long to produce; ignored when `forever`. @default 60 */
  readonly durationSeconds?: number;
  /** Produce until `signal` aborts. @default false */
  readonly forever?: boolean;
  /** Stop after this many records, whichever comes first with the duration. @default no limit */
  readonly maxEvents?: number;
  /** Same seed and same clock → same traffic; event ids are new on every run (uuidv7). @default 42 */
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
  /** PutRecords calls in flight at once; between 1 and 64 (the collector has its own). @default 4 */
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
  /** Records accepted by the stream, directly or through the collector (events and poison). */
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
  /** What the run saw of the web collector, when it sent through one. */
  readonly edge?: EdgeFigures;
}

const checkRange = (name: string, value: number, min: number, max: number) => {
  if (!(value >= min && value <= max)) {
    throw new RangeError(`${name} must be between ${min} and ${max} inclusive (given ${value})`);
  }
};

/** When a run stops and how fast it goes, checked against their ranges. */
interface RunLimits {
  readonly rate: number;
  readonly tickMs: number;
  /** Infinite when producing forever. */
  readonly durationMs: number;
  /** Infinite when no limit was given. */
  readonly maxEvents: number;
}

const runLimitsOf = (options: RunProducersOptions): RunLimits => {
  const rate = options.rate ?? 1000;
  const durationMs = (options.durationSeconds ?? 60) * 1000;
  const tickMs = options.tickMs ?? 100;
  checkRange('rate', rate, 1, 1_000_000);
  checkRange('tickMs', tickMs, 10, 1000);
  if (!options.forever) checkRange('durationSeconds', durationMs / 1000, 0, 31_536_000);
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  if (options.maxEvents !== undefined) checkRange('maxEvents', maxEvents, 1, Number.MAX_SAFE_INTEGER);
  return { rate, tickMs, durationMs: options.forever ? Number.POSITIVE_INFINITY : durationMs, maxEvents };
};

const sourceOf = (options: RunProducersOptions): RecordSource =>
  options.source ??
  new MixedSource({
    seed: options.seed ?? 42,
    devices: options.devices ?? 50,
    poisonRate: options.poisonRate ?? 0,
    clickstreamShare: options.clickstreamShare ?? 0.7,
  });

const writersOf = (options: RunProducersOptions): RunWriters =>
  runWritersOf({
    ...options,
    webOnly:
      options.source === undefined && options.clickstreamShare === 1 && (options.poisonRate ?? 0) === 0,
  });

/**
 * A stream that is missing or forbidden, or a collector that refuses the key or origin, fails every later record
 * too: the run stops instead of piling up failures.
 */
const isFatal = (outcome: RecordOutcome<ProducedRecord>): outcome is UnsentRecord<ProducedRecord> =>
  outcome.status === 'unsent' && !outcome.retryable && !isRecordFault(outcome);

/**
 * One run in progress: generates each tick's share of the rate, hands it to the writer without waiting, and
 * tallies what the writer settles. Generation pauses while the writer's backlog is too deep.
 */
class ProducerRun {
  private readonly tally = new OutcomeTally();
  private readonly startedMs = Date.now();
  private readonly endMs: number;
  private readonly bucket: TokenBucket;
  /** Enough queued work to keep every lane busy, little enough to stay responsive to aborts. */
  private readonly maxBacklog: number;
  private readonly writes = new Set<Promise<void>>();
  private generated = 0;
  private lastTickMs: number;
  private fatalError: string | undefined;

  constructor(
    private readonly options: RunProducersOptions,
    private readonly limits: RunLimits,
    private readonly source: RecordSource,
    private readonly writers: RunWriters,
    private readonly groundTruth: GroundTruthWriter | undefined,
  ) {
    this.endMs = this.startedMs + limits.durationMs;
    this.bucket = new TokenBucket(limits.rate, Math.max(limits.rate, 1), this.startedMs);
    this.maxBacklog = Math.max(limits.rate, (options.maxInFlight ?? 4) * 500) * 2;
    this.lastTickMs = this.startedMs;
  }

  /** Waits for the next tick, produces its records and says why the run stops, if it does. */
  async tick(): Promise<StopReason | undefined> {
    await pause(this.limits.tickMs, this.options.signal);
    const nowMs = Math.min(Date.now(), this.endMs);
    const records = this.generate(nowMs);
    if (records.length > 0) this.send(records);
    this.options.onProgress?.(this.progress());
    while (this.writer.pending > this.maxBacklog && this.writes.size > 0) await Promise.race(this.writes);
    return this.stopReason(nowMs);
  }

  /** Sends what is still queued and closes the ground truth. */
  private get writer() {
    return this.writers.writer;
  }

  async finish(): Promise<void> {
    await this.writer.flush();
    await Promise.all(this.writes);
    await this.groundTruth?.close();
    this.options.onProgress?.(this.progress());
  }

  summary(stoppedBy: StopReason): ProducerSummary {
    const { tally, fatalError } = this;
    return {
      generated: this.generated,
      sent: tally.sent,
      unsentCount: tally.unsentCount,
      unsentByError: tally.unsentByError,
      unsent: tally.unsent,
      retried: this.writer.counters.retried,
      byDataset: tally.byDataset,
      byType: tally.byType,
      poisonSent: tally.poisonSent,
      poisonByKind: tally.poisonByKind,
      elapsedMs: Date.now() - this.startedMs,
      stoppedBy: fatalError ? 'fatal-error' : stoppedBy,
      ...(fatalError ? { fatalError } : {}),
      ...(this.writers.edge ? { edge: this.writers.edge() } : {}),
    };
  }

  /** The tick's records, their event times spread across it instead of stamped with one instant. */
  private generate(nowMs: number): ProducedRecord[] {
    const count = Math.min(this.bucket.take(nowMs), this.limits.maxEvents - this.generated);
    const records: ProducedRecord[] = [];
    for (let i = 1; i <= count; i++) {
      records.push(this.source.next(Math.floor(this.lastTickMs + ((nowMs - this.lastTickMs) * i) / count)));
    }
    this.lastTickMs = nowMs;
    this.generated += count;
    return records;
  }

  private send(records: ProducedRecord[]): void {
    const write: Promise<void> = this.writer
      .write(records)
      .then((outcomes) => this.settle(outcomes))
      .catch((error: unknown) => {
        this.fatalError ??= error instanceof Error ? error.message : String(error);
      });
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  private settle(outcomes: RecordOutcome<ProducedRecord>[]): void {
    for (const outcome of outcomes) {
      this.tally.add(outcome);
      if (isFatal(outcome)) {
        this.fatalError ??= `${outcome.errorCode}: ${outcome.errorMessage}`;
      }
    }
    this.groundTruth?.append(
      outcomes.filter((o): o is DeliveredRecord<ProducedRecord> => o.status === 'accepted'),
    );
  }

  private stopReason(nowMs: number): StopReason | undefined {
    if (this.fatalError) return 'fatal-error';
    if (this.options.signal?.aborted) return 'signal';
    if (this.generated >= this.limits.maxEvents) return 'max-events';
    if (nowMs >= this.endMs) return 'duration';
    return undefined;
  }

  private progress(): ProducerProgress {
    return {
      generated: this.generated,
      sent: this.tally.sent,
      failed: this.tally.unsentCount,
      retried: this.writer.counters.retried,
      pending: this.writer.pending,
      elapsedMs: Date.now() - this.startedMs,
      ...(this.writers.edge ? { edge: this.writers.edge() } : {}),
    };
  }
}

/**
 * Simulates web sessions and devices at `rate` events/s and writes them to a Kinesis stream, the clickstream
 * through the web collector when one is given.
 * Resolves (never rejects for a failed record) with what was sent and, for each unsent record, why.
 */
export const runProducers = async (options: RunProducersOptions): Promise<ProducerSummary> => {
  const limits = runLimitsOf(options);
  // Every option is checked (here and by the source and writer) before the ground truth file is touched.
  const source = sourceOf(options);
  const writers = writersOf(options);
  const groundTruth = options.groundTruthPath
    ? await GroundTruthWriter.open(options.groundTruthPath, { append: options.appendGroundTruth === true })
    : undefined;
  const run = new ProducerRun(options, limits, source, writers, groundTruth);
  let stoppedBy: StopReason | undefined;
  while (!stoppedBy) stoppedBy = await run.tick();
  await run.finish();
  return run.summary(stoppedBy);
};
