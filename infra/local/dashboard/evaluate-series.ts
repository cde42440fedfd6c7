import type { MetricSpec, SeriesSpec } from '../../../dashboards/index.ts';
import type { MetricStore } from '../metrics/metric-store.ts';

/** One drawn line: its label and a value (or a gap) per period. */
export interface Line {
  readonly label: string;
  readonly values: (number | null)[];
}

/** The periods a chart covers: `count` periods of `periodMs` ending with the one containing `toMs`. */
export interface Window {
  readonly periodMs: number;
  readonly fromMs: number;
  readonly toMs: number;
}

export const windowEndingAt = (nowMs: number, periodMs: number, periods: number): Window => {
  const toMs = Math.floor(nowMs / periodMs) * periodMs + periodMs;
  return { periodMs, fromMs: toMs - periods * periodMs, toMs };
};

const valuesOf = (store: MetricStore, metric: MetricSpec, window: Window) =>
  store.series(metric, metric.statistic, window.periodMs, window.fromMs, window.toMs).values;

const combine = (
  inputs: (number | null)[][],
  f: (values: (number | null)[]) => number | null,
): (number | null)[] => (inputs[0] ?? []).map((_, i) => f(inputs.map((values) => values[i] ?? null)));

/**
 * A series evaluated the way CloudWatch evaluates it over the local metric store: a metric's
 * statistic per period; per-second = sum / period; percent = 100 × part / whole (0 while the whole
 * is 0, a gap while either is missing); total = sum with missing as 0 (a gap only if all are missing);
 * search = one line per value of its group-by dimension.
 */
export const evaluateSeries = (store: MetricStore, series: SeriesSpec, window: Window): Line[] => {
  switch (series.kind) {
    case 'metric':
      return [{ label: series.label, values: valuesOf(store, series, window) }];
    case 'perSecond': {
      const seconds = window.periodMs / 1000;
      return [
        {
          label: series.label,
          values: valuesOf(store, series.of, window).map((v) => (v === null ? null : v / seconds)),
        },
      ];
    }
    case 'percent': {
      const values = combine(
        [valuesOf(store, series.part, window), valuesOf(store, series.whole, window)],
        ([part, whole]) =>
          part === null || part === undefined || whole === null || whole === undefined
            ? null
            : whole > 0
              ? (100 * part) / whole
              : 0,
      );
      return [{ label: series.label, values }];
    }
    case 'total': {
      const values = combine(
        series.of.map((metric) => valuesOf(store, metric, window)),
        (values) =>
          values.every((v) => v === null) ? null : values.reduce<number>((sum, v) => sum + (v ?? 0), 0),
      );
      return [{ label: series.label, values }];
    }
    case 'search':
      return store.find(series.namespace, series.name, series.dimensions).map((id) => ({
        label: `${series.label}: ${id.dimensions[series.groupBy] ?? '?'}`,
        values: store.series(id, series.statistic, window.periodMs, window.fromMs, window.toMs).values,
      }));
  }
};
