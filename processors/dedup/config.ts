import { type Environment, numberEnv, requiredEnv } from '../shared/env.ts';

/** Where a Kinesis consumer remembers first copies, and for how long: from its environment (set by the stack). */
export const loadDedupConfig = (env: Environment = process.env) => ({
  tableName: requiredEnv('DEDUP_TABLE', env),
  horizonMs: numberEnv('DUPLICATE_HORIZON_SECONDS', 900, env) * 1000,
});
