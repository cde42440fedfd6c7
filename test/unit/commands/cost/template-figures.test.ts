import { describe, expect, it } from 'vitest';
import { templateFiguresOf } from '../../../../commands/cost/template-figures.ts';

describe('what the template makes CloudWatch bill by the month', () => {
  it('counts an alarm on one metric once and an alarm on metric math once per metric in it', () => {
    const figures = templateFiguresOf({
      A: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
      B: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { Metrics: [{ MetricStat: {} }, { MetricStat: {} }, {}] },
      },
      D: { Type: 'AWS::CloudWatch::Dashboard' },
      F: { Type: 'AWS::Logs::MetricFilter' },
      T: { Type: 'AWS::DynamoDB::Table' },
    });
    expect(figures).toEqual({ alarmMetrics: 3, dashboards: 1, metricFilters: 1 });
  });
});
