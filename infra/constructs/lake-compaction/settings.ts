import { type Duration, type Size, SizeRoundingBehavior } from 'aws-cdk-lib';
import { assertDurationInRange, assertWholeNumberInRange } from '../validate.ts';

/** Compaction's knobs a deployment sets (stack props or context); every one has a default. */
export interface LakeCompactionSettings {
  /**
   * How often the compaction runs (an EventBridge `rate`). Whole minutes, 1 to 1440.
   *
   * @default Duration.minutes(60)
   */
  readonly interval?: Duration;

  /**
   * How long after an hour's end plus the allowed lateness it counts as closed: room for the archive to be
   * behind (its iterator age). Whole seconds, 0 to 86400.
   *
   * @default Duration.minutes(15)
   */
  readonly settleMargin?: Duration;

  /**
   * How long superseded and incomplete files stay after they stopped being read: longer than the longest
   * query. Whole seconds, 0 to 604800.
   *
   * @default Duration.hours(1)
   */
  readonly gracePeriod?: Duration;

  /**
   * The size a compacted part aims at. Whole MiB, 128 to 512 (parts stay within that range where the hour's
   * size allows).
   *
   * @default Size.mebibytes(256)
   */
  readonly targetPartSize?: Size;

  /**
   * How long before its listing a generation is dated, so that every file it covers had landed: the longest
   * a lake PUT can be in flight. Whole seconds, 1 to 900.
   *
   * @default - the archive function's timeout
   */
  readonly writeMargin?: Duration;
}

export interface ResolvedLakeCompactionSettings {
  readonly interval: Duration;
  readonly settleMargin: Duration;
  readonly gracePeriod: Duration;
  readonly targetPartSize: Size;
  readonly writeMargin: Duration;
}

/** Throws, naming the bad value and the range, unless every setting is in range. */
export function validateLakeCompactionSettings(
  settings: ResolvedLakeCompactionSettings,
): ResolvedLakeCompactionSettings {
  assertDurationInRange('compaction interval', settings.interval, 'minutes', 1, 1440);
  assertDurationInRange('compaction settleMargin', settings.settleMargin, 'seconds', 0, 86_400);
  assertDurationInRange('compaction gracePeriod', settings.gracePeriod, 'seconds', 0, 604_800);
  assertWholeNumberInRange(
    'compaction targetPartSize in MiB',
    settings.targetPartSize.toMebibytes({ rounding: SizeRoundingBehavior.NONE }),
    128,
    512,
  );
  assertDurationInRange('compaction writeMargin', settings.writeMargin, 'seconds', 1, 900);
  return settings;
}
