import type { EventTimeRange } from '../verify/rollup-sql.ts';
import { HOUR_MS, hourText, MINUTE_MS, minuteKey } from './backfill-range.ts';

/** What decides whether a minute window can still change. */
export interface WindowBoundary {
  /** The live consumers accept an event up to this long after its time (D3: judged against arrival). */
  readonly allowedLatenessMs: number;
  /** How far the aggregate and archive functions are behind the stream (the larger IteratorAge). */
  readonly consumerLagMs: number;
  /** Extra slack for clocks and in-flight batches. */
  readonly marginMs: number;
  readonly nowMs: number;
}

/** Slack beyond lateness and lag before a window counts as closed. */
export const DEFAULT_MARGIN_MS = 60_000;

/**
 * The start of the first open minute window. A window ending at E is closed once every record that
 * arrived by E + allowed lateness has been processed by both consumers: E + lateness + lag + margin ≤ now.
 */
export const firstOpenWindowMs = (b: WindowBoundary): number =>
  Math.floor((b.nowMs - b.allowedLatenessMs - b.consumerLagMs - b.marginMs) / MINUTE_MS) * MINUTE_MS;

/** When the window starting at `startMs` closes, under the same lateness, lag and margin. */
export const closesAtMs = (startMs: number, b: WindowBoundary): number =>
  startMs + MINUTE_MS + b.allowedLatenessMs + b.consumerLagMs + b.marginMs;

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** A range that reaches open windows; the message names the first one, when it closes and what to do. */
export class OpenWindowsError extends Error {
  override readonly name = 'OpenWindowsError';
}

/**
 * The range backfill may replace: all of `range` when its windows are closed. Otherwise, with `clamp`,
 * the range cut back to the last whole hour that is closed; without, an OpenWindowsError.
 */
export const closedRange = (range: EventTimeRange, b: WindowBoundary, clamp = false): EventTimeRange => {
  const open = firstOpenWindowMs(b);
  if (range.toMs <= open) return range;
  const closedHour = Math.floor(open / HOUR_MS) * HOUR_MS;
  if (clamp && closedHour > range.fromMs) return { fromMs: range.fromMs, toMs: closedHour };
  const why =
    `allowed lateness ${seconds(b.allowedLatenessMs)} + consumer lag ${seconds(b.consumerLagMs)} + ` +
    `margin ${seconds(b.marginMs)}`;
  const instead =
    closedHour > range.fromMs
      ? `give --to ${hourText(closedHour)} or earlier, or --clamp to stop there`
      : `wait, or give an earlier --from (--from ${hourText(range.fromMs)} has no closed hour yet)`;
  throw new OpenWindowsError(
    `--to ${hourText(range.toMs)} reaches windows that are still open: the first open window is ` +
      `${minuteKey(open)}, which closes at ${new Date(closesAtMs(open, b)).toISOString()} (${why}); ${instead}`,
  );
};
