import { describe, expect, it } from 'vitest';
import {
  closedRange,
  closesAtMs,
  firstOpenWindowMs,
  OpenWindowsError,
  type WindowBoundary,
} from '../../../../commands/backfill/closed-windows.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const boundary = (now: string, lagMs = 30_000): WindowBoundary => ({
  allowedLatenessMs: HOUR,
  consumerLagMs: lagMs,
  marginMs: 60_000,
  nowMs: at(now),
});

describe('the closed-window boundary', () => {
  it('a window is closed once its end + lateness + lag + margin has passed', () => {
    // 07:01:30 − 1 h − 30 s − 60 s = 06:00:00: the window 05:59 (ending 06:00) is closed, 06:00 is open.
    const b = boundary('2026-12-01T07:01:30Z');
    expect(firstOpenWindowMs(b)).toBe(at('2026-12-01T06:00:00Z'));
    expect(closesAtMs(at('2026-12-01T06:00:00Z'), b)).toBe(at('2026-12-01T07:02:30Z'));
  });

  it('takes a range whose windows are all closed as it is', () => {
    const range = { fromMs: at('2026-12-01T04:00:00Z'), toMs: at('2026-12-01T06:00:00Z') };
    expect(closedRange(range, boundary('2026-12-01T07:01:30Z'))).toEqual(range);
  });

  it('refuses a range reaching an open window, naming it and when it closes', () => {
    const range = { fromMs: at('2026-12-01T04:00:00Z'), toMs: at('2026-12-01T07:00:00Z') };
    expect(() => closedRange(range, boundary('2026-12-01T07:01:29Z'))).toThrow(OpenWindowsError);
    expect(() => closedRange(range, boundary('2026-12-01T07:01:29Z'))).toThrow(
      '--to 2026-12-01T07 reaches windows that are still open: the first open window is 2026-12-01T05:59Z, ' +
        'which closes at 2026-12-01T07:01:30.000Z (allowed lateness 3600 s + consumer lag 30 s + margin 60 s); ' +
        'give --to 2026-12-01T05 or earlier, or --clamp to stop there',
    );
  });

  it('a lagging consumer holds the boundary back', () => {
    const range = { fromMs: at('2026-12-01T04:00:00Z'), toMs: at('2026-12-01T06:00:00Z') };
    expect(() => closedRange(range, boundary('2026-12-01T07:01:30Z', 10 * 60_000))).toThrow(
      /consumer lag 600 s/,
    );
  });

  it('with clamp, cuts the range back to the last closed hour', () => {
    const range = { fromMs: at('2026-12-01T04:00:00Z'), toMs: at('2026-12-01T09:00:00Z') };
    expect(closedRange(range, boundary('2026-12-01T07:01:30Z'), true)).toEqual({
      fromMs: range.fromMs,
      toMs: at('2026-12-01T06:00:00Z'),
    });
  });

  it('with clamp, still refuses when no hour of the range is closed', () => {
    const range = { fromMs: at('2026-12-01T06:00:00Z'), toMs: at('2026-12-01T08:00:00Z') };
    expect(() => closedRange(range, boundary('2026-12-01T07:01:30Z'), true)).toThrow(
      /wait, or give an earlier --from \(--from 2026-12-01T06 has no closed hour yet\)/,
    );
  });
});
