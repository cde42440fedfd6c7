import type { SeededRandom } from '../../../producers/random.ts';
import { type Context, isoMs, type Shape } from '../context.ts';
import { template } from './template.ts';

// Records whose eventTime names no instant, has the wrong shape, or lies far from now.

const pad2 = (n: number) => String(n).padStart(2, '0');

const IMPOSSIBLE_TIMES = [
  '0000-00-00T00:00:00Z',
  '2026-12-01T24:10:06Z',
  '2026-02-30T25:61:61Z',
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2026-01-00T00:00:00Z',
  '2026-01-32T00:00:00Z',
  '2025-02-29T12:00:00Z',
  '2100-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z',
  '2026-11-22T23:59:60Z',
  '2026-11-22T23:60:00Z',
  '2026-11-22T99:99:99.999Z',
  // the wrong shape
  '2026-11-22T05:06:07+00:00',
  '2026-11-22T05:06:07',
  '2026-11-22t05:06:07z',
  '2026-11-22 05:06:07Z',
  ' 2026-11-22T05:06:07Z',
  '2026-11-22T05:06:07.1234Z',
  '2026-11-22T05:06:07.Z',
  '2026-11-22T5:06:07Z',
  '+002026-11-22T05:06:07Z',
  '20261122T050607Z',
  '2026-11-22',
  '2026-W47-7T05:06:07Z',
  '١٩٧٠-٠١-٠١T00:00:00Z',
  'Sun Nov 22 2026 05:06:07 GMT+0000',
  'NaN',
  '',
];
/** Impossible times near now: if a parser rolled them over, they would be accepted. */
const impossibleNearNow = (nowMs: number, r: SeededRandom): string => {
  const d = new Date(nowMs - r.int(0, 120_000));
  const day = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const [hh, mm, ss] = [pad2(d.getUTCHours()), pad2(d.getUTCMinutes()), pad2(d.getUTCSeconds())];
  return r.pick([
    `${day}T24:${mm}:${ss}Z`,
    `${day}T${hh}:60:${ss}Z`,
    `${day}T${hh}:${mm}:60Z`,
    `${day}T${hh}:${mm}:60.500Z`,
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-32T${hh}:${mm}:${ss}Z`,
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-00T${hh}:${mm}:${ss}Z`,
    `${d.getUTCFullYear()}-02-30T${hh}:${mm}:${ss}Z`,
    `${d.getUTCFullYear()}-13-${pad2(d.getUTCDate())}T${hh}:${mm}:${ss}Z`,
  ]);
};
export const impossibleTimeRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const eventTime = r.chance(0.4) ? impossibleNearNow(ctx.nowMs, r) : r.pick(IMPOSSIBLE_TIMES);
  return JSON.stringify({ ...template(ctx), eventTime });
};

const EXTREME_TIMES = [
  '9999-12-31T23:59:59.999Z',
  '0001-01-01T00:00:00Z',
  '0999-12-31T23:59:59Z',
  '1000-01-01T00:00:00Z',
  '1900-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
  '2000-02-29T00:00:00Z',
  '2024-02-29T23:59:59.999Z',
  '2038-01-19T03:14:08Z',
  '2262-04-11T23:47:16.854Z',
  '5000-01-01T00:00:00.0Z',
];
export const extremeTimeRecord = (ctx: Context): Shape => {
  const { r, nowMs } = ctx;
  const eventTime = r.chance(0.3)
    ? isoMs(nowMs + r.pick([-1, 1]) * r.pick([2 * 3_600_000, 86_400_000, 400 * 86_400_000]))
    : r.pick(EXTREME_TIMES);
  return JSON.stringify({ ...template(ctx), eventTime });
};
