import { Lake } from '../../../commands/lake/lake-views.ts';
import type { EventTimeRange } from '../../../commands/verify/rollup-sql.ts';
import { readCloudState } from '../../../infra/local/cloud-state.ts';
import { LocalCloud } from '../../../infra/local/local-cloud.ts';

export const HOUR_MS = 3_600_000;
/** The lateness the backfill tests widen the stack to, so events of the last hour are still accepted live. */
export const LATENESS_S = 7_200;

export interface BackfillCloud {
  readonly cloud: LocalCloud;
  /** The last whole hour of event time. */
  readonly range: EventTimeRange;
  /**
   * A clock 5 minutes after the range closes (its end + lateness + 60 s margin), so backfill sees it closed
   * while the consumers' lag is read on the real clock.
   */
  readonly later: () => number;
}

/**
 * The real stack on a fresh local cloud for backfill tests: lateness widened to LATENESS_S, the consumers'
 * batching windows at 1 s, and (with `rawBufferingSeconds`) the raw zone writing objects that soon.
 */
export const startBackfillCloud = async (
  stateDir: string,
  options: { readonly rawBufferingSeconds?: number } = {},
): Promise<BackfillCloud> => {
  const cloud = await LocalCloud.start({
    stateDir,
    fresh: true,
    context: {
      'streamlake:allowedLatenessSeconds': LATENESS_S,
      'streamlake:aggregateBatchingWindowSeconds': 1,
      'streamlake:archiveBatchingWindowSeconds': 1,
      ...(options.rawBufferingSeconds === undefined
        ? {}
        : { 'streamlake:rawBufferingIntervalSeconds': options.rawBufferingSeconds }),
    },
  });
  const hourNow = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const range = { fromMs: hourNow - HOUR_MS, toMs: hourNow };
  const offset = range.toMs + LATENESS_S * 1000 + 60_000 + 300_000 - Date.now();
  return { cloud, range, later: () => Date.now() + offset };
};

/** Rows and distinct event ids of `dataset` the lake's views return for the range (visible files only). */
export const lakeCountOf = async (
  stateDir: string,
  dataset: string,
  range: EventTimeRange,
): Promise<{ n: number; ids: number }> => {
  const lake = await Lake.open(readCloudState(stateDir));
  try {
    const [row] = await lake.rows(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT event_id)::INTEGER AS ids FROM ${dataset} ` +
        `WHERE event_time >= epoch_ms(${range.fromMs}) AND event_time < epoch_ms(${range.toMs})`,
    );
    return row as { n: number; ids: number };
  } finally {
    lake.close();
  }
};
