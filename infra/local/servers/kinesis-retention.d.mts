/** Deletions per LevelDB batch. */
export declare const TRIM_BATCH: number;

/**
 * Deletes, in every stream of kinesalite's store, the records older than the stream's
 * RetentionPeriodHours at `nowMs`, `batch` at a time; resolves to how many were deleted.
 */
export declare const trimExpiredRecords: (store: unknown, nowMs: number, batch?: number) => Promise<number>;
