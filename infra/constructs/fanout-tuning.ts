import type { Duration } from 'aws-cdk-lib';
import { DEFAULTS } from '../defaults.ts';
import { resolveStreamConsumerTuning, type StreamConsumerTuning } from './stream-consumer-tuning.ts';
import { assertDurationInRange } from './validate.ts';

/** The fan-out's knobs: the shared stream-consumer ones, and the silent-device check. */
export interface FanoutTuning extends StreamConsumerTuning {
  /**
   * A device not seen for this long gets a `device-silent` alert.
   *
   * Valid range: 1 to 1440 whole minutes.
   *
   * @default Duration.minutes(5)
   */
  readonly deviceSilentAfter?: Duration;

  /**
   * How often the silent-device check runs.
   *
   * Valid range: 1 to 60 whole minutes.
   *
   * @default Duration.minutes(1)
   */
  readonly silentCheckInterval?: Duration;
}

/** Fills in the defaults and validates every knob, naming the first bad value. */
export function resolveFanoutTuning(tuning: FanoutTuning): Required<FanoutTuning> {
  const resolved: Required<FanoutTuning> = {
    ...resolveStreamConsumerTuning(tuning, DEFAULTS.fanoutEventSource),
    deviceSilentAfter: tuning.deviceSilentAfter ?? DEFAULTS.fanout.deviceSilentAfter,
    silentCheckInterval: tuning.silentCheckInterval ?? DEFAULTS.fanout.silentCheckInterval,
  };
  assertDurationInRange('deviceSilentAfter', resolved.deviceSilentAfter, 'minutes', 1, 1440);
  assertDurationInRange('silentCheckInterval', resolved.silentCheckInterval, 'minutes', 1, 60);
  return resolved;
}
