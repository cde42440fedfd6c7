import type { CompactionSettings } from '../lake/compaction-plan.ts';
import { loadAcceptancePolicy } from '../shared/acceptance-policy.ts';
import { type Environment, numberEnv, requiredEnv } from '../shared/env.ts';
import { DEFAULT_LAKE_PREFIX } from '../shared/lake-layout.ts';

const MIB = 1024 * 1024;

/** The compaction function's settings, all from its environment (set by the stack, infra/defaults.ts). */
export const loadCompactionConfig = (env: Environment = process.env) => {
  const settings: CompactionSettings = {
    // The consumers' own lateness: an hour is closed for compaction when it is closed for them.
    allowedLatenessMs: loadAcceptancePolicy(env).allowedLatenessMs,
    settleMarginMs: numberEnv('COMPACTION_SETTLE_MARGIN_SECONDS', 900, env) * 1000,
    graceMs: numberEnv('COMPACTION_GRACE_SECONDS', 3600, env) * 1000,
    targetPartBytes: numberEnv('COMPACTION_TARGET_PART_MIB', 256, env) * MIB,
    minPartBytes: 128 * MIB,
    maxPartBytes: 512 * MIB,
    writeMarginMs: numberEnv('COMPACTION_WRITE_MARGIN_SECONDS', 120, env) * 1000,
  };
  return {
    settings,
    lakeBucket: requiredEnv('LAKE_BUCKET', env),
    lakePrefix: env.LAKE_PREFIX ?? DEFAULT_LAKE_PREFIX,
    sliceBytes: numberEnv('COMPACTION_SLICE_MIB', 64, env) * MIB,
    /** No new part is started with less time than this left: the next run finishes the generation. */
    partReserveMs: numberEnv('COMPACTION_PART_RESERVE_SECONDS', 300, env) * 1000,
  };
};

export type CompactionConfig = ReturnType<typeof loadCompactionConfig>;
