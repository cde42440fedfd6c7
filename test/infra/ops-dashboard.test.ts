import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  type DashboardSpec,
  metricsOf,
  opsDashboard,
  type SeriesSpec,
  searchExpressionOf,
  seriesOf,
  widgetsOf,
} from '../../dashboards/index.ts';
import { OpsDashboard, RECENT_ALERTS_QUERY } from '../../infra/constructs/ops-dashboard.ts';
import type { StreamlakeStack } from '../../infra/streamlake-stack.ts';
import { asInTemplate, dashboardWidgetsOf, logicalIdOf, type RenderedWidget } from './ops-template.ts';
import { emptyStack, streamlakeStackWith } from './stacks.ts';

/** One line of a metric widget: `[namespace, name, dim, value, …, options]` or `[options]` for an expression. */
type MetricLine = unknown[];
type LineOptions = { label?: string; expression?: string; id?: string; visible?: boolean; yAxis?: string };

const optionsOf = (line: MetricLine): LineOptions => {
  const last = line[line.length - 1];
  return typeof last === 'object' && last !== null ? (last as LineOptions) : {};
};

/** The line of a widget drawing one series: its metric by name and dimensions, else its expression by label. */
function lineOf(stack: StreamlakeStack, lines: MetricLine[], series: SeriesSpec): MetricLine | undefined {
  if (series.kind === 'metric') {
    const prefix = [
      series.namespace,
      series.name,
      ...Object.entries(series.dimensions).flatMap(([key, value]) => [key, asInTemplate(stack, value)]),
    ];
    return lines.find(
      (line) => prefix.every((part, i) => line[i] === part) && optionsOf(line).label === series.label,
    );
  }
  return lines.find((line) => line.length === 1 && optionsOf(line).label === series.label);
}

describe('OpsDashboard in the Streamlake stack', () => {
  const stack = streamlakeStackWith();
  const spec = opsDashboard(stack.ops.resources);
  const widgets = dashboardWidgetsOf(stack);

  it('lays out each row of the ops dashboard as a markdown header across the grid, then its widgets', () => {
    const expected = spec.rows.flatMap((row) => [
      { type: 'text', title: `## ${row.title}`, width: 24 },
      ...row.widgets.map((w) => ({
        type: w.kind === 'alerts' ? 'log' : w.kind === 'alarms' ? 'alarm' : 'metric',
        title: w.title,
        width: w.width,
      })),
    ]);

    const rendered = widgets.map((w) => ({
      type: w.type,
      title: w.type === 'text' ? w.properties.markdown : w.properties.title,
      width: w.width,
    }));

    expect(rendered.map((w) => ({ ...w, title: asInTemplate(stack, w.title) }))).toEqual(
      expected.map((w) => ({ ...w, title: asInTemplate(stack, w.title) })),
    );
  });

  it('draws every series of every widget, each metric by its name and dimensions', () => {
    const rendered = widgets.filter((w) => w.type !== 'text');

    for (const [index, widget] of widgetsOf(spec).entries()) {
      const lines: MetricLine[] = rendered[index]?.properties.metrics ?? [];
      for (const series of seriesOf(widget)) {
        const line = lineOf(stack, lines, series);
        expect(line, `${widget.title}: ${series.label}`).toBeDefined();
        expect(optionsOf(line ?? []).visible, `${widget.title}: ${series.label}`).not.toBe(false);
        for (const metric of metricsOf(series)) {
          expect(
            lineOf(stack, lines, metric),
            `${widget.title}: ${metric.name} of ${series.label}`,
          ).toBeDefined();
        }
        if (series.kind === 'search') {
          expect(optionsOf(line ?? []).expression).toBe(
            asInTemplate(stack, searchExpressionOf(series, spec.periodSeconds)),
          );
        }
      }
    }
  });

  it('puts the right-axis series of a graph on the right axis', () => {
    const rendered = widgets.filter((w) => w.type !== 'text');

    for (const [index, widget] of widgetsOf(spec).entries()) {
      if (widget.kind !== 'graph') continue;
      const lines: MetricLine[] = rendered[index]?.properties.metrics ?? [];
      for (const series of widget.right ?? []) {
        expect(optionsOf(lineOf(stack, lines, series) ?? []).yAxis, series.label).toBe('right');
      }
    }
  });

  it('gives the metrics of each expression ids unique within its widget, and every id an expression uses', () => {
    for (const widget of widgets.filter((w) => w.type === 'metric')) {
      const lines: MetricLine[] = widget.properties.metrics;
      const ids = lines.map((line) => optionsOf(line).id).filter((id) => id !== undefined);
      const used = lines.flatMap((line) => {
        const expression = optionsOf(line).expression ?? '';
        return expression.startsWith('SEARCH(') ? [] : (expression.match(/\bm\d+_\d+\b/g) ?? []);
      });

      expect(new Set(ids).size, widget.properties.title).toBe(ids.length);
      for (const id of used) expect(ids, `${widget.properties.title}: ${id}`).toContain(id);
    }
  });

  it('shows graphs at the dashboard period and numbers over the whole time range', () => {
    const metricWidgets = widgets.filter((w) => w.type === 'metric');

    for (const widget of metricWidgets.filter((w) => w.properties.view === 'timeSeries')) {
      expect(widget.properties.period, widget.properties.title).toBe(spec.periodSeconds);
    }
    const numbers = metricWidgets.filter((w) => w.properties.view === 'singleValue');
    expect(numbers.length).toBeGreaterThan(0);
    for (const widget of numbers) expect(widget.properties.setPeriodToTimeRange).toBe(true);
  });

  it('shows the state of every ops alarm', () => {
    const [alarms] = widgets.filter((w) => w.type === 'alarm');

    expect(alarms?.properties.alarms).toEqual(
      stack.ops.alarms.alarms.map((alarm) => `<${logicalIdOf(stack, alarm)}.Arn>`),
    );
  });

  it('lists recent alert transitions from the log groups of the functions that make them', () => {
    const [recent] = widgets.filter((w) => w.type === 'log');
    const fanout = asInTemplate(stack, stack.fanout.function.functionName);
    const silentCheck = asInTemplate(stack, stack.fanout.silentCheckFunction.functionName);

    expect(recent?.properties.query).toBe(
      `SOURCE '/aws/lambda/${fanout}' | SOURCE '/aws/lambda/${silentCheck}' | ${RECENT_ALERTS_QUERY}`,
    );
    expect(recent?.properties.view).toBe('table');
  });

  it('is named after the stack and its region, and output', () => {
    const template = Template.fromStack(stack);
    const dashboardId = logicalIdOf(stack, stack.ops.dashboard.dashboard);

    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: { 'Fn::Join': ['', ['Streamlake-ops-', { Ref: 'AWS::Region' }]] },
    });
    template.hasOutput('DashboardName', { Value: { Ref: dashboardId } });
  });

  it('leaves no CloudWatch warnings (unknown expression ids, overridden periods)', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('CloudWatch'))).toEqual([]);
  });
});

describe('OpsDashboard', () => {
  const onlyAlerts = (logGroupNames: string[]): DashboardSpec => ({
    title: 'test',
    periodSeconds: 60,
    rows: [
      { title: 'Alerts', widgets: [{ kind: 'alerts', title: 'Recent alerts', logGroupNames, width: 12 }] },
    ],
  });

  const widgetsFor = (spec: DashboardSpec): RenderedWidget[] => {
    const stack = emptyStack();
    new OpsDashboard(stack, 'Ops', { spec, alarms: [] });
    return dashboardWidgetsOf(stack);
  };

  it('says so in a text widget when no log group is named for the recent alerts', () => {
    const [, recent] = widgetsFor(onlyAlerts([]));

    expect(recent?.type).toBe('text');
    expect(recent?.properties.markdown).toContain('Recent alerts');
    expect(recent?.width).toBe(12);
  });

  it('queries the log groups it is given for the recent alerts', () => {
    const [, recent] = widgetsFor(onlyAlerts(['/aws/lambda/a']));

    expect(recent?.properties.query).toBe(`SOURCE '/aws/lambda/a' | ${RECENT_ALERTS_QUERY}`);
  });

  it('takes the name it is given', () => {
    const stack = emptyStack();

    new OpsDashboard(stack, 'Ops', { spec: onlyAlerts([]), alarms: [], dashboardName: 'streamlake-dev' });

    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'streamlake-dev',
    });
  });
});
