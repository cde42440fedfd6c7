import { hourText, rangeText } from './backfill-range.ts';
import type { HourRebuild, LakeRebuildReport } from './lake-rebuild.ts';
import { sizeText } from './raw-budget.ts';

const n = (value: number) => value.toLocaleString('en-US');

/** Borderline records printed per hour; the rest are counted. */
const BORDERLINE_SHOWN = 20;

/** `2026-12-01T05: 3 raw objects (88 KiB), 1,204 lines; clickstream 400 events → 1 part (23,456 bytes) replacing 3 files; …`. */
export const hourLines = (hour: HourRebuild, dryRun: boolean): string[] => {
  const generations = hour.generations.map(
    (g) =>
      `${g.dataset} ${n(g.events)} events → ${g.parts} part${g.parts === 1 ? '' : 's'} (${n(g.bytes)} bytes) ` +
      `${dryRun ? 'would replace' : 'replacing'} ${n(g.replacedFiles)} file${g.replacedFiles === 1 ? '' : 's'}`,
  );
  const rejected = [...hour.rejected].map(([reason, count]) => `${n(count)} ${reason}`);
  const lines = [
    `${hourText(hour.hourMs)}: ${n(hour.objectsRead)} raw objects (${sizeText(hour.rawBytes)}), ${n(hour.linesRead)} lines read; ` +
      `${generations.join('; ') || 'no events of the hour in raw'}; ` +
      `${n(hour.duplicates)} producer duplicates left out; ` +
      `bad lines (quarantined already, not written): ${rejected.join(', ') || 'none'}; ` +
      `${n(hour.borderline.length)} borderline`,
  ];
  if (hour.keptDatasets.length > 0) {
    lines.push(
      `  kept as they are: ${hour.keptDatasets.join(', ')} (files in the lake, no record of the hour in raw)`,
    );
  }
  for (const b of hour.borderline.slice(0, BORDERLINE_SHOWN)) {
    lines.push(
      `  borderline: ${b.key} line ${b.line + 1}: ${b.rebuild} at the object's stamp, ${b.laterArrival} had it ` +
        `arrived as late as the buffer interval allows (the live consumers may have judged it so)`,
    );
  }
  if (hour.borderline.length > BORDERLINE_SHOWN) {
    lines.push(`  … and ${n(hour.borderline.length - BORDERLINE_SHOWN)} more borderline records`);
  }
  return lines;
};

/** Per hour, then the totals. */
export const rebuildSummary = (report: LakeRebuildReport): string => {
  const events = report.hours.reduce((sum, h) => sum + h.generations.reduce((s, g) => s + g.events, 0), 0);
  const parts = report.hours.reduce((sum, h) => sum + h.generations.reduce((s, g) => s + g.parts, 0), 0);
  const borderline = report.hours.reduce((sum, h) => sum + h.borderline.length, 0);
  return [
    ...report.hours.flatMap((h) => hourLines(h, report.dryRun)),
    `${report.dryRun ? 'dry run: would rebuild' : 'rebuilt'} the lake over ${rangeText(report.range)} from the raw zone: ` +
      `${n(events)} events in ${n(parts)} part${parts === 1 ? '' : 's'} ${report.dryRun ? 'to write' : 'written'}, ` +
      `${n(borderline)} borderline record${borderline === 1 ? '' : 's'}`,
  ].join('\n');
};
