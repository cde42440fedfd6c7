import { describe, expect, it } from 'vitest';
import type { BackfillReport } from '../../../../commands/backfill/backfill.ts';
import { backfillSummary } from '../../../../commands/backfill/backfill-summary.ts';

const report: BackfillReport = {
  engine: 'DuckDB over the local lake',
  range: { fromMs: Date.UTC(2026, 11, 1, 5), toMs: Date.UTC(2026, 11, 1, 7) },
  consumerLagMs: 3_400,
  dryRun: false,
  elapsedMs: 2_000,
  rollups: [
    {
      rollup: 'purchases',
      compared: 120,
      unchanged: 117,
      created: 1,
      updated: 1,
      zeroed: 1,
      conflicts: 0,
      pastRetention: 0,
      events: 900,
    },
    {
      rollup: 'page_views',
      compared: 400,
      unchanged: 399,
      created: 0,
      updated: 0,
      zeroed: 0,
      conflicts: 1,
      pastRetention: 0,
      events: 3_100,
    },
  ],
};

describe('the backfill summary', () => {
  it('says per rollup what was compared and written, then totals, rows/s, engine and lag', () => {
    expect(backfillSummary(report).split('\n')).toEqual([
      'purchases: 120 items compared, 3 written (1 created, 1 updated, 1 zeroed), 117 unchanged; 900 events recounted',
      'page_views: 400 items compared, 0 written (0 created, 0 updated, 0 zeroed), 399 unchanged; 1 changed by the live pipeline meanwhile (left as it wrote them); 3,100 events recounted',
      'backfilled 2 rollups over 2026-12-01T05 to 2026-12-01T07 (2 hours, 120 minute windows): 3 items written, 4,000 events recounted in 2.0 s (2,000 rows/s) by DuckDB over the local lake; consumer lag 3 s',
    ]);
  });

  it('a dry run says what it would write', () => {
    expect(backfillSummary({ ...report, dryRun: true })).toContain('dry run: would replace 2 rollups over');
    expect(backfillSummary({ ...report, dryRun: true })).toContain('3 to write (1 created');
  });
});
