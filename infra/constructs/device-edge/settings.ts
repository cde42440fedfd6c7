import type { Duration } from 'aws-cdk-lib';

/** The device edge's knobs a deployment sets (stack props or context); every one has a default. */
export interface DeviceEdgeSettings {
  /**
   * How long the error action's objects under `errors/iot/` (messages the Kinesis action could not put, with
   * the reason) are kept in the lake bucket. Whole days, 1 to 3650.
   *
   * @default Duration.days(30)
   */
  readonly errorExpiration?: Duration;
}
