import type { AcceptancePolicy } from './classify.ts';
import { type Environment, numberEnv } from './env.ts';

/**
 * What every stream consumer accepts, from its environment (set by the stack). Consumers must
 * agree, or a record counted in the rollups could be missing from the lake, or the other way round.
 */
export const loadAcceptancePolicy = (env: Environment = process.env): AcceptancePolicy => ({
  allowedLatenessMs: numberEnv('ALLOWED_LATENESS_SECONDS', 3600, env) * 1000,
  clockSkewMs: numberEnv('CLOCK_SKEW_SECONDS', 300, env) * 1000,
  maxEventBytes: numberEnv('MAX_EVENT_BYTES', 65_536, env),
});
