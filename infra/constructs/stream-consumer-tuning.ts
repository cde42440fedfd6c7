import type { Duration } from 'aws-cdk-lib';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import type { StreamEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { DEFAULTS } from '../defaults.ts';
import type { EventTimePolicy } from './event-time-policy.ts';
import { LeastPrivilegeS3OnFailureDestination } from './least-privilege-s3-on-failure.ts';
import { assertDurationInRange, assertWholeNumberInRange } from './validate.ts';

/**
 * The knobs every stream consumer shares: its event source mapping and the iterator age its ops alarm
 * watches. Declared once here, as aws-cdk's `StreamEventSourceProps`; each stage's props extend it and add
 * only their own, and each stage brings its own defaults (`DEFAULTS.<stage>EventSource` in infra/defaults.ts).
 */
export interface StreamConsumerTuning {
  /**
   * Most records handed to one invocation (for the archiver, written to one Parquet file per dataset and hour).
   *
   * Valid range: 1 to 10000.
   *
   * @default 10000 for the aggregate and archive stages, 1000 for the fan-out
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before invoking with a partial batch; the archiver's longer window
   * makes fewer, larger files (a local demo uses a few seconds).
   *
   * Valid range: 0 to 300 whole seconds.
   *
   * @default - Duration.seconds(5) for the aggregate stage, Duration.seconds(60) for the archive stage,
   * Duration.seconds(1) for the fan-out
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Retries of a failed batch before it goes to the on-failure destination (the aggregate stage and the
   * fan-out bisect it first; the archive stage retries it whole). Infinite retries (-1) are not offered:
   * one poison batch would then block its shard for good.
   *
   * Valid range: 0 to 10000.
   *
   * @default 10
   */
  readonly retryAttempts?: number;

  /**
   * Records older than this go to the on-failure destination unprocessed.
   *
   * Valid range: 60 to 604800 whole seconds.
   *
   * @default Duration.hours(1)
   */
  readonly maxRecordAge?: Duration;

  /**
   * Iterator age (the age of the newest record read) above which, for `opsThresholds.iteratorAgePeriods`
   * one-minute periods in a row, the consumer counts as falling behind. Keep it above `maxBatchingWindow`,
   * which alone lets records wait that long.
   *
   * Valid range: 1 to 604800 whole seconds (7 days).
   *
   * @default - Duration.minutes(1) for the aggregate stage and the fan-out, Duration.minutes(5) for the
   * archive stage
   */
  readonly iteratorAgeAlarmThreshold?: Duration;
}

/** A Kinesis consumer's knobs: the shared ones, and the event-time policy it applies to every record. */
export interface KinesisConsumerTuning extends StreamConsumerTuning {
  /**
   * Which events the consumer accepts by event time and size; the stack gives every Kinesis consumer the
   * same policy.
   *
   * @default - the defaults of EventTimePolicy
   */
  readonly eventTime?: EventTimePolicy;
}

/** Fills in the stage's defaults and validates every knob, naming the first bad value. */
export function resolveStreamConsumerTuning(
  tuning: StreamConsumerTuning,
  defaults: Required<StreamConsumerTuning>,
): Required<StreamConsumerTuning> {
  const resolved: Required<StreamConsumerTuning> = {
    batchSize: tuning.batchSize ?? defaults.batchSize,
    maxBatchingWindow: tuning.maxBatchingWindow ?? defaults.maxBatchingWindow,
    retryAttempts: tuning.retryAttempts ?? defaults.retryAttempts,
    maxRecordAge: tuning.maxRecordAge ?? defaults.maxRecordAge,
    iteratorAgeAlarmThreshold: tuning.iteratorAgeAlarmThreshold ?? defaults.iteratorAgeAlarmThreshold,
  };
  assertWholeNumberInRange('batchSize', resolved.batchSize, 1, 10_000);
  assertDurationInRange('maxBatchingWindow', resolved.maxBatchingWindow, 'seconds', 0, 300);
  assertWholeNumberInRange('retryAttempts', resolved.retryAttempts, 0, 10_000);
  assertDurationInRange('maxRecordAge', resolved.maxRecordAge, 'seconds', 60, 604_800);
  const iteratorAge = resolved.iteratorAgeAlarmThreshold;
  assertDurationInRange('iteratorAgeAlarmThreshold', iteratorAge, 'seconds', 1, 604_800);
  return resolved;
}

/**
 * The event source mapping options every consumer shares: the tuning, reading from the oldest record,
 * partial batch responses, the EventCount metrics, and records given up on sent to `failures`.
 */
export function streamEventSourceProps(
  tuning: Required<StreamConsumerTuning>,
  failures: IBucket,
): StreamEventSourceProps {
  return {
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: tuning.batchSize,
    maxBatchingWindow: tuning.maxBatchingWindow,
    reportBatchItemFailures: true,
    retryAttempts: tuning.retryAttempts,
    maxRecordAge: tuning.maxRecordAge,
    metricsConfig: { metrics: [...DEFAULTS.eventSourceMetrics.metrics] },
    // Not S3OnFailureDestination: that grants read/write/delete on the whole bucket.
    onFailure: new LeastPrivilegeS3OnFailureDestination(failures),
  };
}
