import {
  type DashboardSpec,
  metricsOf,
  type SeriesSpec,
  unitOf,
  type WidgetSpec,
} from '../../../dashboards/index.ts';
import type { AlertLine } from '../alerts-log.ts';
import type { MetricStore } from '../metrics/metric-store.ts';
import type { AlarmStatus } from './alarm-evaluator.ts';
import { evaluateSeries, type Line, type Window, windowEndingAt } from './evaluate-series.ts';

/** What the page draws for one widget at one moment. */
export type WidgetSnapshot =
  | {
      readonly kind: 'graph';
      readonly title: string;
      readonly width: number;
      readonly left: AxisSnapshot;
      readonly right?: AxisSnapshot;
      /** Why the chart stays empty locally, when it must. */
      readonly note?: string;
    }
  | {
      readonly kind: 'number';
      readonly title: string;
      readonly width: number;
      readonly values: NumberValue[];
    }
  | { readonly kind: 'alarms'; readonly title: string; readonly width: number }
  | { readonly kind: 'alerts'; readonly title: string; readonly width: number };

export interface AxisSnapshot {
  readonly unit: string;
  readonly lines: Line[];
}

export interface NumberValue {
  readonly label: string;
  readonly unit: string;
  readonly value: number | null;
}

export interface DashboardSnapshot {
  readonly title: string;
  readonly nowMs: number;
  readonly periodSeconds: number;
  /** Start of each period, in seconds (uPlot's x values). */
  readonly timestamps: number[];
  readonly rows: { readonly title: string; readonly widgets: WidgetSnapshot[] }[];
  readonly alarms: {
    readonly id: string;
    readonly title: string;
    readonly state: string;
    readonly reason: string;
    readonly description: string;
    readonly sinceMs: number;
  }[];
  readonly alerts: AlertLine[];
}

/** Sources the local cloud cannot measure; their charts say so instead of "no data yet". */
const NOT_MEASURED_LOCALLY: Record<string, string> = {
  'AWS/DynamoDB': 'DynamoDB Local publishes no CloudWatch metrics; this chart fills on AWS',
};

const noteFor = (series: readonly SeriesSpec[]): string | undefined => {
  const notes = new Set(series.flatMap((s) => metricsOf(s)).map((m) => NOT_MEASURED_LOCALLY[m.namespace]));
  const [note] = notes;
  return notes.size === 1 ? note : undefined;
};

const axis = (store: MetricStore, series: readonly SeriesSpec[], window: Window): AxisSnapshot => ({
  unit: series[0] ? unitOf(series[0]) : 'Count',
  lines: series.flatMap((s) => evaluateSeries(store, s, window)),
});

/** A number widget's value over the whole window: the sum of a counter, the extreme of a gauge. */
const total = (store: MetricStore, series: SeriesSpec, window: Window): NumberValue => {
  const values = evaluateSeries(store, series, window)
    .flatMap((line) => line.values)
    .filter((v) => v !== null);
  const value =
    values.length === 0
      ? null
      : series.kind === 'metric' && series.statistic === 'Maximum'
        ? Math.max(...values)
        : values.reduce((sum, v) => sum + v, 0);
  return { label: series.label, unit: unitOf(series), value };
};

const widgetSnapshot = (store: MetricStore, widget: WidgetSpec, window: Window): WidgetSnapshot => {
  switch (widget.kind) {
    case 'graph': {
      const note = noteFor([...widget.left, ...(widget.right ?? [])]);
      return {
        kind: 'graph',
        title: widget.title,
        width: widget.width,
        left: axis(store, widget.left, window),
        ...(widget.right ? { right: axis(store, widget.right, window) } : {}),
        ...(note ? { note } : {}),
      };
    }
    case 'number':
      return {
        kind: 'number',
        title: widget.title,
        width: widget.width,
        values: widget.series.map((series) => total(store, series, window)),
      };
    default:
      return { kind: widget.kind, title: widget.title, width: widget.width };
  }
};

/**
 * The dashboard evaluated over the local metric store: the same definition CloudWatch renders,
 * at a shorter period so the page is live, plus alarm states and the latest alerts.
 */
export const dashboardSnapshot = (input: {
  readonly dashboard: DashboardSpec;
  readonly store: MetricStore;
  readonly alarms: readonly AlarmStatus[];
  readonly alerts: readonly AlertLine[];
  readonly nowMs: number;
  readonly periodSeconds: number;
  readonly periods: number;
}): DashboardSnapshot => {
  const window = windowEndingAt(input.nowMs, input.periodSeconds * 1000, input.periods);
  const timestamps = Array.from(
    { length: input.periods },
    (_, i) => (window.fromMs + i * window.periodMs) / 1000,
  );
  return {
    title: input.dashboard.title,
    nowMs: input.nowMs,
    periodSeconds: input.periodSeconds,
    timestamps,
    rows: input.dashboard.rows.map((row) => ({
      title: row.title,
      widgets: row.widgets.map((widget) => widgetSnapshot(input.store, widget, window)),
    })),
    alarms: input.alarms.map((status) => ({
      id: status.spec.id,
      title: status.spec.title,
      state: status.state,
      reason: status.reason,
      description: status.spec.description,
      sinceMs: status.sinceMs,
    })),
    alerts: input.alerts.slice(-20).reverse(),
  };
};
