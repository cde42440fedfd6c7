import { loadDedupConfig } from '../../processors/dedup/config.ts';
import { loadAcceptancePolicy } from '../../processors/shared/acceptance-policy.ts';
import type { AcceptancePolicy } from '../../processors/shared/classify.ts';
import type { Environment } from '../../processors/shared/env.ts';

/** What the consumers judge records by, so the recount judges them the same way (D3, D11, D14). */
export interface RecountSettings {
  readonly policy: AcceptancePolicy;
  /** How long, by arrival time, a first copy makes a later copy of its event a producer duplicate. */
  readonly horizonMs: number;
}

/** The default duplicate horizon of the stack's event-time policy (loadDedupConfig's). */
export const DEFAULT_HORIZON_MS = 900_000;

/**
 * The settings a consumer reads from the environment the template gives it, read by the consumers' own
 * loaders (the dedup loader also wants a table name, which the recount does not use).
 */
export const recountSettingsOf = (environment: Environment): RecountSettings => ({
  policy: loadAcceptancePolicy(environment),
  horizonMs: loadDedupConfig({ DEDUP_TABLE: 'unused', ...environment }).horizonMs,
});

/** The running cloud's settings: its aggregate function's environment, as the template resolves it. */
export const liveRecountSettings = (cloud: {
  readonly resources: { readonly functions: { readonly aggregate: { readonly environment: Environment } } };
}): RecountSettings => recountSettingsOf(cloud.resources.functions.aggregate.environment);
