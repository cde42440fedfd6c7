import type { SeriesSpec } from './series.ts';

/** Widget kinds of the ops dashboard; widths are CloudWatch grid columns (of 24). */
export interface GraphWidgetSpec {
  readonly kind: 'graph';
  readonly title: string;
  readonly left: readonly SeriesSpec[];
  /** A second axis, for a series in another unit (bytes next to records). */
  readonly right?: readonly SeriesSpec[];
  readonly width: number;
}

/** Totals over the dashboard's time range. */
export interface NumberWidgetSpec {
  readonly kind: 'number';
  readonly title: string;
  readonly series: readonly SeriesSpec[];
  readonly width: number;
}

/** The state of every ops alarm. */
export interface AlarmStatusWidgetSpec {
  readonly kind: 'alarms';
  readonly title: string;
  readonly width: number;
}

/** The latest alert transitions: a Logs Insights query on CloudWatch, the SNS log locally. */
export interface AlertsWidgetSpec {
  readonly kind: 'alerts';
  readonly title: string;
  readonly logGroupNames: readonly string[];
  readonly width: number;
}

export type WidgetSpec = GraphWidgetSpec | NumberWidgetSpec | AlarmStatusWidgetSpec | AlertsWidgetSpec;

export interface DashboardRow {
  readonly title: string;
  readonly widgets: readonly WidgetSpec[];
}

export interface DashboardSpec {
  readonly title: string;
  /** CloudWatch's period for every graph; the local dashboard uses a shorter one to be live. */
  readonly periodSeconds: number;
  readonly rows: readonly DashboardRow[];
}

/** Grid heights CloudWatch gives each kind. */
export const HEIGHTS: Record<WidgetSpec['kind'], number> = { graph: 6, number: 4, alarms: 6, alerts: 6 };

/** Every series a widget draws. */
export const seriesOf = (widget: WidgetSpec): readonly SeriesSpec[] => {
  switch (widget.kind) {
    case 'graph':
      return [...widget.left, ...(widget.right ?? [])];
    case 'number':
      return widget.series;
    default:
      return [];
  }
};
