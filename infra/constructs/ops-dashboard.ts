import { Aws, Duration, Stack } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IWidget,
  LogQueryVisualizationType,
  LogQueryWidget,
  SingleValueWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { type DashboardSpec, HEIGHTS, type SeriesSpec, type WidgetSpec } from '../../dashboards/index.ts';
import { metricOfSeries } from './ops-metrics.ts';

/** The latest alert transitions the fan-out logged (processors/fanout/telemetry.ts logAlertTransition). */
export const RECENT_ALERTS_QUERY =
  'fields @timestamp, rule, subject, state, severity | filter message = "alert transition" | sort @timestamp desc | limit 20';

export interface OpsDashboardProps {
  /** The dashboard as dashboards/ defines it: `opsDashboard(resources)`. */
  readonly spec: DashboardSpec;
  /** The alarms the alarm-status widget shows. */
  readonly alarms: readonly IAlarm[];
  /**
   * Dashboard names are unique per account across regions; letters, digits, "-" and "_".
   *
   * @default - `<stack name>-ops-<region>`
   */
  readonly dashboardName?: string;
}

/**
 * The ops dashboard on CloudWatch, rendered from its definition in dashboards/: each row becomes a
 * markdown header across the grid followed by its widgets, which wrap at 24 columns.
 */
export class OpsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OpsDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-ops-${Aws.REGION}`,
    });
    const period = props.spec.periodSeconds;
    for (const row of props.spec.rows) {
      this.dashboard.addWidgets(new TextWidget({ markdown: `## ${row.title}`, width: 24, height: 1 }));
      this.dashboard.addWidgets(...row.widgets.map((widget) => widgetOf(widget, period, props.alarms)));
    }
  }
}

function widgetOf(widget: WidgetSpec, periodSeconds: number, alarms: readonly IAlarm[]): IWidget {
  const { title, width } = widget;
  const height = HEIGHTS[widget.kind];
  switch (widget.kind) {
    case 'graph': {
      // Indexes run across both axes, so math-expression ids are unique within the widget.
      const metrics = (series: readonly SeriesSpec[], offset: number) =>
        series.map((s, i) => metricOfSeries(s, periodSeconds, offset + i));
      return new GraphWidget({
        title,
        width,
        height,
        period: Duration.seconds(periodSeconds),
        left: metrics(widget.left, 0),
        right: metrics(widget.right ?? [], widget.left.length),
      });
    }
    case 'number':
      return new SingleValueWidget({
        title,
        width,
        height,
        setPeriodToTimeRange: true,
        metrics: widget.series.map((s, i) => metricOfSeries(s, periodSeconds, i)),
      });
    case 'alarms':
      return new AlarmStatusWidget({ title, width, height, alarms: [...alarms] });
    case 'alerts':
      if (widget.logGroupNames.length === 0) {
        return new TextWidget({
          markdown: `### ${title}\nNo log group is named for the alert transitions, so there is nothing to list.`,
          width,
          height,
        });
      }
      return new LogQueryWidget({
        title,
        width,
        height,
        logGroupNames: [...widget.logGroupNames],
        queryString: RECENT_ALERTS_QUERY,
        view: LogQueryVisualizationType.TABLE,
      });
  }
}
