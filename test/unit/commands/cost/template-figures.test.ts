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
    expect(figures).toEqual({ alarmMetrics: 3, dashboards: 1, metricFilters: 1, tables: { T: [] } });
  });
});

describe('what the template provisions DynamoDB capacity on', () => {
  it('lists every table by logical name with its global secondary indexes', () => {
    const figures = templateFiguresOf({
      RollupsTable1AD9B0DB: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      DerivedDerivedRollupsTable26C861BA: {
        Type: 'AWS::DynamoDB::Table',
        Properties: { GlobalSecondaryIndexes: [{ IndexName: 'TopByCount' }] },
      },
      Alarm: { Type: 'AWS::CloudWatch::Alarm' },
    });
    expect(figures.tables).toEqual({ RollupsTable: [], DerivedDerivedRollupsTable: ['TopByCount'] });
  });
});
