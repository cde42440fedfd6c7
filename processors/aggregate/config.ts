import type { AcceptancePolicy } from '../shared/classify.ts';
import { numberEnv, requiredEnv } from '../shared/env.ts';

/** The aggregate function's settings, all from its environment (set by the stack). */
export const loadAggregateConfig = () => {
  const policy: AcceptancePolicy = {
    allowedLatenessMs: numberEnv('ALLOWED_LATENESS_SECONDS', 3600) * 1000,
    clockSkewMs: numberEnv('CLOCK_SKEW_SECONDS', 300) * 1000,
    maxEventBytes: numberEnv('MAX_EVENT_BYTES', 65_536),
  };
  return {
    policy,
    rollupsTable: requiredEnv('ROLLUPS_TABLE'),
    lakeBucket: requiredEnv('LAKE_BUCKET'),
    quarantinePrefix: process.env.QUARANTINE_PREFIX ?? 'quarantine/',
    retentionSeconds: numberEnv('ROLLUP_RETENTION_DAYS', 90) * 86_400,
    writeConcurrency: numberEnv('ROLLUP_WRITE_CONCURRENCY', 32),
  };
};
