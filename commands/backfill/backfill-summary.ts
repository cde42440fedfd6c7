import type { BackfillReport, RollupOutcome } from './backfill.ts';
import { rangeText } from './backfill-range.ts';

const n = (value: number) => value.toLocaleString('en-US');

/** `page_views: 412 items compared, 3 written (1 created, 1 updated, 1 zeroed), 409 unchanged`. */
export const rollupLine = (o: RollupOutcome, dryRun: boolean): string => {
  const written = o.created + o.updated + o.zeroed;
  const extra = [
    ...(o.conflicts
      ? [`${n(o.conflicts)} changed by the live pipeline meanwhile (left as it wrote them)`]
      : []),
    ...(o.pastRetention ? [`${n(o.pastRetention)} past the table's retention (not written)`] : []),
  ];
  return (
    `${o.rollup}: ${n(o.compared)} items compared, ${n(written)} ${dryRun ? 'to write' : 'written'} ` +
    `(${n(o.created)} created, ${n(o.updated)} updated, ${n(o.zeroed)} zeroed), ${n(o.unchanged)} unchanged` +
    `${extra.length ? `; ${extra.join('; ')}` : ''}; ${n(o.events)} events recounted`
  );
};

/** The last lines: per rollup, then the totals, the engine and the rate. */
export const backfillSummary = (report: BackfillReport): string => {
  const events = report.rollups.reduce((sum, o) => sum + o.events, 0);
  const written = report.rollups.reduce((sum, o) => sum + o.created + o.updated + o.zeroed, 0);
  const seconds = Math.max(report.elapsedMs, 1) / 1000;
  const rate = Math.round(events / seconds);
  return [
    ...report.rollups.map((o) => rollupLine(o, report.dryRun)),
    `${report.dryRun ? 'dry run: would replace' : 'backfilled'} ${report.rollups.length} rollup${report.rollups.length === 1 ? '' : 's'} ` +
      `over ${rangeText(report.range)}: ${n(written)} items ${report.dryRun ? 'to write' : 'written'}, ` +
      `${n(events)} events recounted in ${seconds.toFixed(1)} s (${n(rate)} rows/s) by ${report.engine}; ` +
      `consumer lag ${Math.round(report.consumerLagMs / 1000)} s`,
  ].join('\n');
};
