import { GroundTruthWriter } from './ground-truth.ts';
import { MixedSource } from './mixed.ts';
import { isDeviceFault } from './mqtt-device-writer.ts';
import { pause, TokenBucket } from './pacing.ts';
import type { ProducerProgress } from './progress.ts';
import {
  type ProducerSummary,
  type RunLimits,
  type RunProducersOptions,
  runLimitsOf,
  type StopReason,
} from './run-options.ts';
import { type RunWriters, runWritersOf } from './run-writers.ts';
import type { ProducedRecord, RecordSource } from './source.ts';
import { OutcomeTally } from './summary.ts';
import {
  type DeliveredRecord,
  isRecordFault,
  type RecordOutcome,
  type UnsentRecord,
} from './write-outcome.ts';

export type { ProducerSummary, RunProducersOptions, StopReason } from './run-options.ts';

const sourceOf = (options: RunProducersOptions): RecordSource =>
  options.source ??
  new MixedSource({
    seed: options.seed ?? 42,
    devices: options.devices ?? 50,
    poisonRate: options.poisonRate ?? 0,
    clickstreamShare: options.clickstreamShare ?? 0.7,
  });

/** The kinds of record the simulators will produce; unknown for a custom source. */
const producedKinds = (options: RunProducersOptions) => {
  if (options.source) return undefined;
  const share = options.clickstreamShare ?? 0.7;
  return { web: share > 0, devices: share < 1, poison: (options.poisonRate ?? 0) > 0 };
};

const writersOf = (options: RunProducersOptions): RunWriters => {
  const produces = producedKinds(options);
  return runWritersOf({ ...options, ...(produces ? { produces } : {}) });
};

/**
 * A stream that is missing or forbidden, or a collector that refuses the key or origin, fails every later record
 * too: the run stops instead of piling up failures. A device the broker refuses fails only its own records.
 */
const isFatal = (outcome: RecordOutcome<ProducedRecord>): outcome is UnsentRecord<ProducedRecord> =>
  outcome.status === 'unsent' && !outcome.retryable && !isRecordFault(outcome) && !isDeviceFault(outcome);

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
    await this.writers.close();
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
      ...this.edgeFigures(),
    };
  }

  /** What the edges saw so far, for the progress and the summary. */
  private edgeFigures() {
    const { edge, devices } = this.writers;
    return { ...(edge ? { edge: edge() } : {}), ...(devices ? { devices: devices() } : {}) };
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
      ...this.edgeFigures(),
    };
  }
}

/**
 * Simulates web sessions and devices at `rate` events/s and writes them to a Kinesis stream, the clickstream
 * through the web collector and the devices over MQTT when those edges are given.
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
