import type { Duration } from 'aws-cdk-lib';
import { DEFAULTS } from '../defaults.ts';
import { assertDurationInRange, assertWholeNumberInRange } from './validate.ts';

/**
 * The knobs of the fan-out stage: its DynamoDB-stream event source mapping, its iterator-age alarm
 * threshold and the silent-device check.
 */
export interface FanoutTuning {
  /**
   * Most stream records handed to one invocation. DynamoDB streams allow 1 to 10000.
   *
   * @default 1000
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before invoking with a partial batch. 0 to 300 whole seconds.
   *
   * @default Duration.seconds(1)
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Retries of a failed batch (after bisecting) before it goes to the on-failure destination. 0 to 10000.
   *
   * @default 10
   */
  readonly retryAttempts?: number;

  /**
   * Records older than this go to the on-failure destination unprocessed. 60 to 604800 whole seconds.
   *
   * @default Duration.hours(1)
   */
  readonly maxRecordAge?: Duration;

  /**
   * Iterator age above which, for `opsThresholds.iteratorAgePeriods` one-minute periods in a row (3 by
   * default), the fan-out counts as falling behind the rollups stream. 1 second to 7 days.
   *
   * @default Duration.minutes(1)
   */
  readonly iteratorAgeAlarmThreshold?: Duration;

  /**
   * A device not seen for this long gets a `device-silent` alert. Whole minutes, 1 to 1440.
   *
   * @default Duration.minutes(5)
   */
  readonly deviceSilentAfter?: Duration;

  /**
   * How often the silent-device check runs. Whole minutes, 1 to 60.
   *
   * @default Duration.minutes(1)
   */
  readonly silentCheckInterval?: Duration;
}

/** Fills in the defaults and validates every knob, naming the first bad value. */
export function resolveFanoutTuning(tuning: FanoutTuning): Required<FanoutTuning> {
  const source = DEFAULTS.fanoutEventSource;
  const fanout = DEFAULTS.fanout;
  const resolved: Required<FanoutTuning> = {
    batchSize: tuning.batchSize ?? source.batchSize,
    maxBatchingWindow: tuning.maxBatchingWindow ?? source.maxBatchingWindow,
    retryAttempts: tuning.retryAttempts ?? source.retryAttempts,
    maxRecordAge: tuning.maxRecordAge ?? source.maxRecordAge,
    iteratorAgeAlarmThreshold: tuning.iteratorAgeAlarmThreshold ?? fanout.iteratorAgeAlarmThreshold,
    deviceSilentAfter: tuning.deviceSilentAfter ?? fanout.deviceSilentAfter,
    silentCheckInterval: tuning.silentCheckInterval ?? fanout.silentCheckInterval,
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
  assertWholeMinutesInRange('deviceSilentAfter', resolved.deviceSilentAfter, 1, 1440);
  assertWholeMinutesInRange('silentCheckInterval', resolved.silentCheckInterval, 1, 60);
  return resolved;
}

function assertWholeMinutesInRange(name: string, duration: Duration, min: number, max: number): void {
  if (duration.isUnresolved()) return;
  const minutes = duration.toMinutes({ integral: false });
  if (!Number.isInteger(minutes)) {
    throw new Error(`${name} must be a whole number of minutes (given ${duration.toHumanString()})`);
  }
  if (minutes < min || minutes > max) {
    throw new Error(`${name} must be between ${min} and ${max} minutes inclusive (given ${minutes} minutes)`);
  }
}
