import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { streamlakeApp } from './stacks.ts';

/** Every table and its global secondary indexes, as the template declares them. */
const tablesOf = (template: Template) =>
  Object.values(template.findResources('AWS::DynamoDB::Table')) as {
    Properties: {
      BillingMode?: string;
      ProvisionedThroughput?: unknown;
      GlobalSecondaryIndexes?: { IndexName: string; ProvisionedThroughput?: unknown }[];
    };
  }[];

describe('table capacity (D36): on demand by default, provisioned with auto scaling on request', () => {
  it('bills every table per request by default, with nothing to scale', () => {
    const template = Template.fromStack(streamlakeApp({ 'streamlake:nag': false }).stack);
    const tables = tablesOf(template);
    expect(tables).toHaveLength(5);
    for (const table of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.ProvisionedThroughput).toBeUndefined();
    }
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });

  it('provisions every table and index from 1 unit and scales reads and writes of each at the target', () => {
    const { stack } = streamlakeApp({
      'streamlake:nag': false,
      'streamlake:tablesOnDemand': false,
      'streamlake:tableTargetUtilizationPercent': 60,
      'streamlake:tableMaxUnits': 500,
    });
    const template = Template.fromStack(stack);
    const tables = tablesOf(template);
    const indexes = tables.flatMap((table) => table.Properties.GlobalSecondaryIndexes ?? []);
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(['BySilence', 'TopByCount']);
    for (const table of tables) {
      // CloudFormation's default billing mode is PROVISIONED; CDK leaves it out.
      expect(table.Properties.BillingMode ?? 'PROVISIONED').toBe('PROVISIONED');
      expect(table.Properties.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 1, WriteCapacityUnits: 1 });
    }
    for (const index of indexes) {
      expect(index.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 1, WriteCapacityUnits: 1 });
    }
    // Reads and writes of 5 tables and 2 indexes.
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 14);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 14);
    template.allResourcesProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 500,
      ServiceNamespace: 'dynamodb',
    });
    template.allResourcesProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 60 }),
    });
    const dimensions = Object.values(
      template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'),
    ).map((target) => target.Properties.ScalableDimension);
    expect(new Set(dimensions)).toEqual(
      new Set([
        'dynamodb:table:WriteCapacityUnits',
        'dynamodb:table:ReadCapacityUnits',
        'dynamodb:index:WriteCapacityUnits',
        'dynamodb:index:ReadCapacityUnits',
      ]),
    );
  });

  it("watches a provisioned stack's capacity: consumed against provisioned units, index throttles alarmed", () => {
    const provisioned = (onDemand: boolean) =>
      Template.fromStack(
        streamlakeApp({ 'streamlake:nag': false, 'streamlake:tablesOnDemand': onDemand }).stack,
      );
    const dashboardOf = (template: Template) =>
      JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard')));
    expect(dashboardOf(provisioned(false))).toContain('ProvisionedWriteCapacityUnits');
    expect(dashboardOf(provisioned(true))).not.toContain('ProvisionedWriteCapacityUnits');
    const throttles = Object.values(provisioned(false).findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => JSON.stringify(alarm).includes('WriteThrottleEvents'),
    );
    const indexed = throttles.filter((alarm) => JSON.stringify(alarm).includes('GlobalSecondaryIndexName'));
    expect(JSON.stringify(indexed)).toContain('TopByCount');
    expect(JSON.stringify(indexed)).toContain('BySilence');
  });

  it('passes the cdk-nag AwsSolutions checks provisioned too', () => {
    const { app, stack } = streamlakeApp({ 'streamlake:tablesOnDemand': false });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
  });

  it.each([
    ['streamlake:tableTargetUtilizationPercent', 95, 'targetUtilizationPercent'],
    ['streamlake:tableMaxUnits', 0, 'maxUnits'],
  ])('refuses %s = %s, naming the knob', (key, value, knob) => {
    expect(() =>
      streamlakeApp({ 'streamlake:nag': false, 'streamlake:tablesOnDemand': false, [key]: value }),
    ).toThrow(new RegExp(`${knob}.*${value}`));
  });
});
