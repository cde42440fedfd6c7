import { UsageError } from '../../producers/cli-options.ts';
import type { EventTimeRange } from '../verify/rollup-sql.ts';

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

const HOUR_TEXT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/;

/** `2026-12-01T05` (an hour, UTC) → its start in epoch ms; a UsageError naming the flag and the form otherwise. */
export const hourOption = (flag: string, text: string | undefined): number => {
  if (text === undefined) throw new UsageError(`${flag} is required: an hour, UTC, as 2026-12-01T05`);
  const [, year, month, day, hour] = (HOUR_TEXT.exec(text) ?? []).map(Number);
  const ms =
    hour === undefined ? Number.NaN : Date.UTC(year as number, (month as number) - 1, day as number, hour);
  // Date.UTC rolls 2026-02-30 over into March: a real hour prints back as given.
  if (Number.isNaN(ms) || hourText(ms) !== text) {
    throw new UsageError(
      `${flag} must be an hour, UTC, as YYYY-MM-DDTHH, e.g. 2026-12-01T05 (given "${text}")`,
    );
  }
  return ms;
};

/** Epoch ms of an hour's start → `2026-12-01T05`. */
export const hourText = (ms: number): string => new Date(ms).toISOString().slice(0, 13);

/** A minute as the rollups table's sort key: `2026-12-01T05:06Z`. */
export const minuteKey = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/** `--from` and `--to` (exclusive) as a range of whole hours; `--to` must come after `--from`. */
export const rangeOption = (from: string | undefined, to: string | undefined): EventTimeRange => {
  const fromMs = hourOption('--from', from);
  const toMs = hourOption('--to', to);
  if (toMs <= fromMs) {
    throw new UsageError(
      `--to is exclusive and must be a later hour than --from (given --from ${from} --to ${to}); for one hour give --to ${hourText(fromMs + HOUR_MS)}`,
    );
  }
  return { fromMs, toMs };
};

/** `2026-12-01T05 to 2026-12-01T07 (2 hours, 120 minute windows)`. */
export const rangeText = ({ fromMs, toMs }: EventTimeRange): string => {
  const hours = (toMs - fromMs) / HOUR_MS;
  return `${hourText(fromMs)} to ${hourText(toMs)} (${hours} hour${hours === 1 ? '' : 's'}, ${hours * 60} minute windows)`;
};
