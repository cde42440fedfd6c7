import { loadAcceptancePolicy } from '../shared/acceptance-policy.ts';
import { numberEnv, requiredEnv } from '../shared/env.ts';

/** The aggregate function's settings, all from its environment (set by the stack). */
export const loadAggregateConfig = () => ({
  policy: loadAcceptancePolicy(),
  rollupsTable: requiredEnv('ROLLUPS_TABLE'),
  lakeBucket: requiredEnv('LAKE_BUCKET'),
  quarantinePrefix: process.env.QUARANTINE_PREFIX ?? 'quarantine/',
  retentionSeconds: numberEnv('ROLLUP_RETENTION_DAYS', 90) * 86_400,
  writeConcurrency: numberEnv('ROLLUP_WRITE_CONCURRENCY', 32),
});
