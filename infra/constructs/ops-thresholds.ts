import type { Duration } from 'aws-cdk-lib';
import {
  type ConsumerKey,
  DEFAULT_OPS_THRESHOLDS,
  type OpsThresholds,
  validateThresholds,
} from '../../dashboards/index.ts';

/**
 * The ops-alarm thresholds a deployment sets directly. The iterator-age and raw-zone freshness thresholds are
 * not among them: each stage owns its own (`iteratorAgeAlarmThreshold` of its tuning, the raw zone's
 * `freshnessAlarmThreshold`), so there is one place to set it.
 */
export type OpsThresholdSettings = Partial<
  Omit<OpsThresholds, 'iteratorAgeSeconds' | 'rawZoneFreshnessSeconds'>
>;

/**
 * Plain numbers (no tokens), so the local cloud can read them from the synthesized stack: the settings
 * given, else DEFAULT_OPS_THRESHOLDS, with the stages' iterator-age thresholds and the raw zone's freshness
 * threshold; validated, naming the bad value.
 */
export function resolveOpsThresholds(
  settings: OpsThresholdSettings,
  iteratorAge: Readonly<Record<ConsumerKey, Duration>>,
  rawZoneFreshness?: Duration,
): OpsThresholds {
  const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  return validateThresholds({
    ...DEFAULT_OPS_THRESHOLDS,
    ...given,
    iteratorAgeSeconds: {
      aggregate: iteratorAge.aggregate.toSeconds(),
      archive: iteratorAge.archive.toSeconds(),
      fanout: iteratorAge.fanout.toSeconds(),
    },
    ...(rawZoneFreshness ? { rawZoneFreshnessSeconds: rawZoneFreshness.toSeconds() } : {}),
  });
}
