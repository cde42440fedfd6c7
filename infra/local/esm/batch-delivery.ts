import { setTimeout as wait } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { errorMessage } from '../../../processors/shared/errors.ts';
import { type BatchOutcome, judgeResponse } from './batch-outcome.ts';
import type { CheckpointStore } from './checkpoints.ts';
import type { BatchInfoKey, FailureContext } from './failure-record.ts';
import { discardRecords } from './on-failure-destination.ts';
import { expiredCount, recordAgeMs } from './record-age.ts';
import { defaultRetryDelayMs, nextStep, retriesExhausted } from './retry-policy.ts';
import { ServiceCalls, type ServiceCallsDependencies } from './service-calls.ts';
import type { DeliverySettings } from './settings.ts';

/*
 * The source-agnostic core of a stream event source mapping (Kinesis or DynamoDB streams): one batch
 * at a time, with the partial-failure checkpointing, bisection and retry limit (retry-policy.ts), record
 * age limit (record-age.ts), on-failure destination (on-failure-destination.ts) and durable checkpoints
 * that Lambda applies. How a shard's records are read and cut into batches is shard-batches.ts; a
 * source plugs in a DeliverySource (how a batch becomes an event and what its failure record is called).
 */

/** What the poller reports as it goes; the local cloud turns these into progress and metrics. */
export interface PollerObserver {
  onInvoke?(info: { mappingId: string; shardId: string; records: number; outcome: string }): void;
  /** `records` counts every record the checkpoint moved past, including ones a filter dropped. */
  onCheckpoint?(info: {
    mappingId: string;
    shardId: string;
    sequenceNumber: string;
    iteratorAgeMs: number;
    records: number;
  }): void;
  onDiscard?(info: {
    mappingId: string;
    shardId: string;
    records: number;
    condition: string;
    key?: string;
  }): void;
  /** Records the mapping's filter criteria dropped (they are also counted by `onCheckpoint`). */
  onFilter?(info: { mappingId: string; shardId: string; records: number }): void;
  /** A call to the stream or bucket failed transiently (transient-errors.ts) and is retried after `delayMs`. */
  onServiceRetry?(info: {
    mappingId: string;
    operation: string;
    attempt: number;
    delayMs: number;
    error: string;
  }): void;
}

/** A record as any stream poller holds it. */
export interface DeliverableRecord {
  /** Also the `itemIdentifier` a ReportBatchItemFailures response names it by. */
  readonly sequenceNumber: string;
  /** When the record reached the stream, as the source reports it (epoch ms). */
  readonly arrivalMs: number;
  /** When MaximumRecordAgeInSeconds starts counting, when that differs from `arrivalMs`. */
  readonly ageFromMs?: number;
}

/** How one kind of stream turns records into the function's event and names its failure records. */
export interface DeliverySource<R extends DeliverableRecord, E> {
  readonly batchInfoKey: BatchInfoKey;
  buildEvent(shardId: string, records: readonly R[]): E;
}

export interface DeliveryDependencies<E> extends ServiceCallsDependencies {
  readonly s3: S3Client;
  readonly checkpoints: CheckpointStore;
  readonly invoke: (event: E) => Promise<unknown>;
  readonly signal: AbortSignal;
  readonly observer?: PollerObserver;
  /** Delay before retrying a failed batch, by attempt. */
  readonly retryDelayMs?: (attempt: number) => number;
  /** The mapping's service calls, shared with its shard readers; its own otherwise. */
  readonly calls?: ServiceCalls;
}

/**
 * A buffered record and where the checkpoint goes once it is handled: past the record itself and
 * past any records after it that a filter dropped.
 */
export interface Entry<R> {
  readonly record: R;
  checkpoint: string;
  /** Records dropped by a filter between this record and the next. */
  skipped: number;
}

export const entryOf = <R extends DeliverableRecord>(record: R): Entry<R> => ({
  record,
  checkpoint: record.sequenceNumber,
  skipped: 0,
});

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  wait(ms, undefined, { signal }).catch(() => undefined);

/** Where one delivery of a batch stands: what is left, and the counts Lambda keeps until a checkpoint. */
interface Attempt<R> {
  readonly shardId: string;
  /** What is still to deliver, the current part first (bisection puts its halves in front). */
  readonly pending: (readonly Entry<R>[])[];
  /** Records handled or given up so far: the return value of deliver(). */
  handled: number;
  /** Failed invocations of the current part since the last checkpoint. */
  retries: number;
  /** Invocations since the last checkpoint (a failure record's `approximateInvokeCount`). */
  invocations: number;
}

/** Delivers batches of one mapping the way Lambda does, whatever the stream. */
export class BatchDelivery<R extends DeliverableRecord, E> {
  private readonly calls: ServiceCalls;

  constructor(
    private readonly settings: DeliverySettings,
    private readonly deps: DeliveryDependencies<E>,
    private readonly source: DeliverySource<R, E>,
  ) {
    this.calls = deps.calls ?? new ServiceCalls(settings.id, deps);
  }

  /** Reports records the filter criteria dropped (as they are read; they are checkpointed later). */
  filtered(shardId: string, records: number): void {
    if (records > 0) this.deps.observer?.onFilter?.({ mappingId: this.settings.id, shardId, records });
  }

  /** Checkpoints past records nothing is waiting for (e.g. all dropped by a filter). */
  skip(shardId: string, records: readonly R[]): void {
    const last = records.at(-1);
    if (!last) return;
    this.deps.checkpoints.set(this.settings.id, shardId, last.sequenceNumber);
    this.deps.observer?.onCheckpoint?.({
      mappingId: this.settings.id,
      shardId,
      sequenceNumber: last.sequenceNumber,
      iteratorAgeMs: recordAgeMs(last, Date.now()),
      records: records.length,
    });
  }

  /** Delivers a batch until every record is handled or discarded; returns how many were. */
  async deliver(shardId: string, entries: readonly Entry<R>[]): Promise<number> {
    const attempt: Attempt<R> = { shardId, pending: [entries], handled: 0, retries: 0, invocations: 0 };
    while (attempt.pending.length > 0) {
      const batch = await this.withoutExpired(attempt, attempt.pending[0] as readonly Entry<R>[]);
      if (batch.length === 0) {
        attempt.pending.shift();
        continue;
      }
      attempt.pending[0] = batch;
      const { outcome, event } = await this.invoke(attempt, batch);
      const step = nextStep(batch, outcome, this.settings);
      if (step.kind === 'checkpoint') {
        this.checkpoint(attempt, batch);
        attempt.pending.shift();
      } else if (step.kind === 'bisect') {
        attempt.pending.splice(0, 1, ...step.halves);
      } else {
        this.checkpoint(attempt, step.handled);
        const stopped = !(await this.retryOrGiveUp(attempt, step.failing, event));
        if (stopped) return attempt.handled;
      }
    }
    return attempt.handled;
  }

  /** Gives up the records of `batch` past MaximumRecordAgeInSeconds; returns the rest. */
  private async withoutExpired(attempt: Attempt<R>, batch: readonly Entry<R>[]) {
    const expired = expiredCount(
      batch.map((entry) => entry.record),
      this.settings.maximumRecordAgeMs,
      Date.now(),
    );
    if (expired === 0) return batch;
    await this.discard(attempt, batch.slice(0, expired), 'RecordAgeExceeded');
    this.checkpoint(attempt, batch.slice(0, expired));
    return batch.slice(expired);
  }

  /** Invokes the function with `batch` and judges its response (a throw fails the whole batch). */
  private async invoke(attempt: Attempt<R>, batch: readonly Entry<R>[]) {
    const { settings, deps } = this;
    attempt.invocations++;
    const records = batch.map((entry) => entry.record);
    const event = this.source.buildEvent(attempt.shardId, records);
    let outcome: BatchOutcome;
    try {
      const response = await deps.invoke(event);
      outcome = judgeResponse(
        records.map((record) => record.sequenceNumber),
        response,
        settings.reportBatchItemFailures,
      );
    } catch (error) {
      outcome = { kind: 'error', message: errorMessage(error) };
    }
    deps.observer?.onInvoke?.({
      mappingId: settings.id,
      shardId: attempt.shardId,
      records: batch.length,
      outcome: outcome.kind,
    });
    return { outcome, event };
  }

  /**
   * After a failed invocation: gives `failing` up once MaximumRetryAttempts is used up, else waits to
   * retry it. False when the signal stopped the wait: the checkpoint then marks where to resume.
   */
  private async retryOrGiveUp(attempt: Attempt<R>, failing: readonly Entry<R>[], event: E): Promise<boolean> {
    const { settings, deps } = this;
    attempt.retries++;
    if (retriesExhausted(attempt.retries, settings.maximumRetryAttempts)) {
      await this.discard(attempt, failing, 'RetryAttemptsExhausted', event);
      this.checkpoint(attempt, failing);
      attempt.pending.shift();
      return true;
    }
    attempt.pending[0] = failing;
    if (deps.signal.aborted) return false;
    await sleep(deps.retryDelayMs?.(attempt.retries) ?? defaultRetryDelayMs(attempt.retries), deps.signal);
    return !deps.signal.aborted;
  }

  /** Checkpoints past `part` (handled or given up); the retry and invocation counts start over. */
  private checkpoint(attempt: Attempt<R>, part: readonly Entry<R>[]): void {
    const last = part.at(-1);
    if (!last) return;
    attempt.handled += part.length;
    attempt.retries = 0;
    attempt.invocations = 0;
    this.deps.checkpoints.set(this.settings.id, attempt.shardId, last.checkpoint);
    this.deps.observer?.onCheckpoint?.({
      mappingId: this.settings.id,
      shardId: attempt.shardId,
      sequenceNumber: last.checkpoint,
      iteratorAgeMs: recordAgeMs(last.record, Date.now()),
      records: part.reduce((sum, entry) => sum + 1 + entry.skipped, 0),
    });
  }

  private discard(
    attempt: Attempt<R>,
    entries: readonly Entry<R>[],
    condition: FailureContext['condition'],
    event?: E,
  ): Promise<void> {
    const { settings, deps, source } = this;
    return discardRecords(
      {
        shardId: attempt.shardId,
        records: entries.map((entry) => entry.record),
        condition,
        invocations: attempt.invocations,
        ...(event === undefined ? {} : { event }),
      },
      {
        settings,
        s3: deps.s3,
        source,
        callService: this.calls.bound(deps.signal),
        ...(deps.observer ? { observer: deps.observer } : {}),
      },
    );
  }
}
