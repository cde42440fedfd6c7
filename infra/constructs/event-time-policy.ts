import type { Duration } from 'aws-cdk-lib';
import { DEFAULTS } from '../defaults.ts';
import { assertDurationInRange, assertWholeNumberInRange } from './validate.ts';

/**
 * Which events a Kinesis consumer accepts by their event time and size; the others are quarantined with
 * their reason (`too-late`, `future-dated`, `oversize`). One policy for every Kinesis consumer, set once
 * for the stack, so the lake and the rollups agree on which records are bad.
 */
export interface EventTimePolicy {
  /**
   * How late (event time behind the newest event seen) an event may arrive and still be counted and
   * archived.
   *
   * Valid range: 0 to 604800 whole seconds.
   *
   * @default Duration.hours(1)
   */
  readonly allowedLateness?: Duration;

  /**
   * How far in the future (by the function's clock) an event time may lie.
   *
   * Valid range: 0 to 86400 whole seconds.
   *
   * @default Duration.minutes(5)
   */
  readonly clockSkew?: Duration;

  /**
   * Largest decoded event accepted, in bytes.
   *
   * Valid range: 1 to 1048576 (the Kinesis record cap).
   *
   * @default 65536
   */
  readonly maxEventBytes?: number;

  /**
   * How long after an event first arrived a second copy of it (same eventId, same partition key: a producer's
   * retry) is still recognised and counted once. Copies further apart count as two events.
   *
   * Valid range: 600 to 86400 whole seconds (at least ten minutes; at most the stream's retention).
   *
   * @default Duration.minutes(15)
   */
  readonly duplicateHorizon?: Duration;
}

/** Fills in the defaults and validates the policy, naming the first bad value. */
export function resolveEventTimePolicy(policy: EventTimePolicy = {}): Required<EventTimePolicy> {
  const defaults = DEFAULTS.eventTime;
  const resolved: Required<EventTimePolicy> = {
    allowedLateness: policy.allowedLateness ?? defaults.allowedLateness,
    clockSkew: policy.clockSkew ?? defaults.clockSkew,
    maxEventBytes: policy.maxEventBytes ?? defaults.maxEventBytes,
    duplicateHorizon: policy.duplicateHorizon ?? defaults.duplicateHorizon,
  };
  assertDurationInRange('allowedLateness', resolved.allowedLateness, 'seconds', 0, 604_800);
  assertDurationInRange('clockSkew', resolved.clockSkew, 'seconds', 0, 86_400);
  assertWholeNumberInRange('maxEventBytes', resolved.maxEventBytes, 1, 1_048_576);
  assertDurationInRange('duplicateHorizon', resolved.duplicateHorizon, 'seconds', 600, 86_400);
  return resolved;
}

/** The policy as the handlers read it (processors/shared/acceptance-policy.ts). */
export function eventTimeEnvironment(policy: Required<EventTimePolicy>): Record<string, string> {
  return {
    ALLOWED_LATENESS_SECONDS: String(policy.allowedLateness.toSeconds()),
    CLOCK_SKEW_SECONDS: String(policy.clockSkew.toSeconds()),
    MAX_EVENT_BYTES: String(policy.maxEventBytes),
    DUPLICATE_HORIZON_SECONDS: String(policy.duplicateHorizon.toSeconds()),
  };
}
