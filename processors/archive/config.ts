import { loadAcceptancePolicy } from '../shared/acceptance-policy.ts';
import { requiredEnv } from '../shared/env.ts';
import { DEFAULT_LAKE_PREFIX, DEFAULT_QUARANTINE_PREFIX } from '../shared/lake-layout.ts';

/** The archive function's settings, all from its environment (set by the stack). */
export const loadArchiveConfig = () => ({
  policy: loadAcceptancePolicy(),
  lakeBucket: requiredEnv('LAKE_BUCKET'),
  /** Where Parquet files go: `<lakePrefix><dataset>/dt=…/hour=…/`. */
  lakePrefix: process.env.LAKE_PREFIX ?? DEFAULT_LAKE_PREFIX,
  quarantinePrefix: process.env.QUARANTINE_PREFIX ?? DEFAULT_QUARANTINE_PREFIX,
  /** PutObject calls in flight at once; a batch rarely spans more than a few files (datasets × hours). */
  writeConcurrency: 4,
});

export type ArchiveConfig = ReturnType<typeof loadArchiveConfig>;
