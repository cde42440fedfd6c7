import type { Duration } from 'aws-cdk-lib';
import { DEFAULTS } from '../defaults.ts';
import { assertDurationInRange, assertWholeNumberInRange } from './validate.ts';

/**
 * The knobs of the archive stage: its Kinesis event source mapping, its alarm and its event-time rules.
 *
 * The mapping never bisects a failing batch, and that is not a knob: the archiver names each Parquet object
 * after the shard and the first and last sequence numbers of its batch, so a retry of the whole batch
 * overwrites the same keys, while bisected halves would write new keys beside the old, partly duplicating
 * them. The event-time rules should match the aggregate stage's, so the lake and the rollups agree on which
 * records are bad.
 */
export interface ArchiveTuning {
  /**
   * Most records handed to one invocation (and so written to one Parquet file per dataset and hour).
   * Kinesis allows 1 to 10000.
   *
   * @default 10000
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before invoking with a partial batch; longer windows make fewer,
   * larger files. 0 to 300 whole seconds (a local demo uses a few seconds).
   *
   * @default Duration.seconds(60)
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Retries of a failed batch, always whole (see above), before it goes to the on-failure destination.
   * 0 to 10000; infinite retries (-1) are not offered because one poison batch would block its shard for good.
   *
   * @default 10
   */
  readonly retryAttempts?: number;

  /**
   * Records older than this go to the on-failure destination unarchived. 60 to 604800 whole seconds.
   *
   * @default Duration.hours(1)
   */
  readonly maxRecordAge?: Duration;

  /**
   * Iterator age above which, for `opsThresholds.iteratorAgePeriods` one-minute periods in a row (3 by
   * default), the archiver counts as falling behind. Keep it above maxBatchingWindow, which alone lets
   * records wait that long. 1 second to 7 days.
   *
   * @default Duration.minutes(5)
   */
  readonly iteratorAgeAlarmThreshold?: Duration;

  /**
   * How late (event time behind the newest event seen) an event may arrive and still be archived; later
   * events are quarantined. 0 to 604800 whole seconds.
   *
   * @default Duration.hours(1)
   */
  readonly allowedLateness?: Duration;

  /**
   * How far in the future (by the function's clock) an event time may lie before it is quarantined.
   * 0 to 86400 whole seconds.
   *
   * @default Duration.minutes(5)
   */
  readonly clockSkew?: Duration;

  /**
   * Largest decoded event accepted, in bytes; larger ones are quarantined. 1 to 1048576 (the Kinesis record cap).
   *
   * @default 65536
   */
  readonly maxEventBytes?: number;
}

/** Fills in the defaults and validates every knob, naming the first bad value. */
export function resolveArchiveTuning(tuning: ArchiveTuning): Required<ArchiveTuning> {
  const source = DEFAULTS.archiveEventSource;
  const archive = DEFAULTS.archive;
  const resolved: Required<ArchiveTuning> = {
    batchSize: tuning.batchSize ?? source.batchSize,
    maxBatchingWindow: tuning.maxBatchingWindow ?? source.maxBatchingWindow,
    retryAttempts: tuning.retryAttempts ?? source.retryAttempts,
    maxRecordAge: tuning.maxRecordAge ?? source.maxRecordAge,
    iteratorAgeAlarmThreshold: tuning.iteratorAgeAlarmThreshold ?? archive.iteratorAgeAlarmThreshold,
    allowedLateness: tuning.allowedLateness ?? archive.allowedLateness,
    clockSkew: tuning.clockSkew ?? archive.clockSkew,
    maxEventBytes: tuning.maxEventBytes ?? archive.maxEventBytes,
  };
  assertWholeNumberInRange('batchSize', resolved.batchSize, 1, 10_000);
  assertDurationInRange('maxBatchingWindow', resolved.maxBatchingWindow, 'seconds', 0, 300);
  assertWholeNumberInRange('retryAttempts', resolved.retryAttempts, 0, 10_000);
  assertDurationInRange('maxRecordAge', resolved.maxRecordAge, 'seconds', 60, 604_800);
  assertDurationInRange(
    'iteratorAgeAlarmThreshold',
    resolved.iteratorAgeAlarmThreshold,
    'seconds',
    1,
    604_800,
  );
  assertDurationInRange('allowedLateness', resolved.allowedLateness, 'seconds', 0, 604_800);
  assertDurationInRange('clockSkew', resolved.clockSkew, 'seconds', 0, 86_400);
  assertWholeNumberInRange('maxEventBytes', resolved.maxEventBytes, 1, 1_048_576);
  return resolved;
}
