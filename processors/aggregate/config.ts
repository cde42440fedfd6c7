import { loadAcceptancePolicy } from '../shared/acceptance-policy.ts';
import { type Environment, numberEnv, requiredEnv } from '../shared/env.ts';
import { DEFAULT_QUARANTINE_PREFIX } from '../shared/lake-layout.ts';

/**
 * The aggregate function's settings, all from its environment (set by the stack). `env` is the
 * function's own unless given: the commands read the environment a synthesized template gives it.
 */
export const loadAggregateConfig = (env: Environment = process.env) => ({
  policy: loadAcceptancePolicy(env),
  rollupsTable: requiredEnv('ROLLUPS_TABLE', env),
  lakeBucket: requiredEnv('LAKE_BUCKET', env),
  quarantinePrefix: env.QUARANTINE_PREFIX ?? DEFAULT_QUARANTINE_PREFIX,
  retentionSeconds: numberEnv('ROLLUP_RETENTION_DAYS', 90, env) * 86_400,
  writeConcurrency: numberEnv('ROLLUP_WRITE_CONCURRENCY', 32, env),
});
