import { type Duration, type Size, SizeRoundingBehavior } from 'aws-cdk-lib';
import { assertDurationInRange, assertWholeNumberInRange } from '../validate.ts';

/** The raw zone's knobs a deployment sets (stack props or context); every one has a default. */
export interface RawZoneSettings {
  /**
   * How long Firehose buffers records before it writes an object, whichever of this and `bufferingSize`
   * comes first. Whole seconds, 0 to 900 (Firehose's range without dynamic partitioning).
   *
   * @default Duration.seconds(300)
   */
  readonly bufferingInterval?: Duration;

  /**
   * How many bytes (before compression) Firehose buffers before it writes an object. Whole MiB, 1 to 128.
   *
   * @default Size.mebibytes(64)
   */
  readonly bufferingSize?: Size;

  /**
   * When raw objects move to S3 Glacier Instant Retrieval (read in milliseconds, 1/6 of Standard's storage
   * price, retrievals billed per GB). Whole days, 0 to 3650.
   *
   * @default Duration.days(30)
   */
  readonly glacierAfter?: Duration;

  /**
   * When raw objects are deleted. Whole days, 1 to 36500, and later than `glacierAfter`.
   *
   * @default - never: the raw zone is the history every backfill and rebuild reads
   */
  readonly expiration?: Duration;

  /**
   * The ops alarm goes off when the oldest record not yet delivered is older than this
   * (`DeliveryToS3.DataFreshness`). Whole seconds, longer than `bufferingInterval` (a record waits that long
   * in a healthy stream), at most a day.
   *
   * @default Duration.minutes(15) (the longest buffering interval Firehose allows)
   */
  readonly freshnessAlarmThreshold?: Duration;
}

/** The settings with every default applied and every value checked. */
export interface ResolvedRawZoneSettings {
  readonly bufferingInterval: Duration;
  readonly bufferingSize: Size;
  readonly glacierAfter: Duration;
  readonly expiration?: Duration;
  readonly freshnessAlarmThreshold: Duration;
}

const DAY_SECONDS = 86_400;

/** Throws, naming the bad value and the range, unless every setting is within what Firehose and S3 accept. */
export function validateRawZoneSettings(settings: ResolvedRawZoneSettings): ResolvedRawZoneSettings {
  const { bufferingInterval, bufferingSize, glacierAfter, expiration, freshnessAlarmThreshold } = settings;
  assertDurationInRange('raw zone bufferingInterval', bufferingInterval, 'seconds', 0, 900);
  assertWholeNumberInRange(
    'raw zone bufferingSize in MiB',
    bufferingSize.toMebibytes({ rounding: SizeRoundingBehavior.NONE }),
    1,
    128,
  );
  assertDurationInRange('raw zone glacierAfter', glacierAfter, 'days', 0, 3650);
  if (expiration) {
    assertDurationInRange('raw zone expiration', expiration, 'days', 1, 36_500);
    // S3 refuses a lifecycle rule that expires objects before (or when) it transitions them.
    if (expiration.toDays() <= glacierAfter.toDays()) {
      throw new Error(
        `raw zone expiration must be later than glacierAfter (given ${expiration.toDays()} days, glacierAfter ${glacierAfter.toDays()} days); raise it or leave it unset to keep raw objects`,
      );
    }
  }
  assertDurationInRange(
    'raw zone freshnessAlarmThreshold',
    freshnessAlarmThreshold,
    'seconds',
    1,
    DAY_SECONDS,
  );
  if (freshnessAlarmThreshold.toSeconds() <= bufferingInterval.toSeconds()) {
    throw new Error(
      `raw zone freshnessAlarmThreshold must be longer than bufferingInterval, which records wait in a healthy stream (given ${freshnessAlarmThreshold.toSeconds()} s, bufferingInterval ${bufferingInterval.toSeconds()} s)`,
    );
  }
  return settings;
}
