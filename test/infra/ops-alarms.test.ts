import { Duration, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPS_THRESHOLDS, opsAlarms, quarantinedByReason } from '../../dashboards/index.ts';
import type { Alerting } from '../../infra/constructs/alerting.ts';
import { OpsAlarms } from '../../infra/constructs/ops-alarms.ts';
import { asInTemplate, logicalIdOf, opsAlarmOf } from './ops-template.ts';
import { emptyStack, streamlakeStackWith } from './stacks.ts';

describe('OpsAlarms in the Streamlake stack', () => {
  it('creates every ops alarm with its threshold, comparison, periods, missing-data rule and description', () => {
    const stack = streamlakeStackWith();
    const specs = opsAlarms(stack.ops.resources, stack.ops.thresholds);

    expect(stack.ops.alarms.alarms.map((alarm) => alarm.node.id)).toEqual(specs.map((spec) => spec.id));
    for (const spec of specs) {
      const alarm = opsAlarmOf(stack, spec.id);
      expect(
        {
          threshold: alarm.Threshold,
          comparison: alarm.ComparisonOperator,
          evaluationPeriods: alarm.EvaluationPeriods,
          datapointsToAlarm: alarm.DatapointsToAlarm,
          treatMissingData: alarm.TreatMissingData,
          description: asInTemplate(stack, alarm.AlarmDescription),
        },
        spec.id,
      ).toEqual({
        threshold: spec.threshold,
        comparison: spec.comparison,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.treatMissingData,
        description: asInTemplate(stack, spec.description),
      });
    }
  });

  it('notifies the ops topic, not the alerts topic, on ALARM and on OK', () => {
    const stack = streamlakeStackWith();
    const opsTopic = { Ref: logicalIdOf(stack, stack.ops.topic) };

    for (const alarm of stack.ops.alarms.alarms) {
      const properties = opsAlarmOf(stack, alarm.node.id);
      expect(properties.AlarmActions, alarm.node.id).toEqual([opsTopic]);
      expect(properties.OKActions, alarm.node.id).toEqual([opsTopic]);
    }
    expect(logicalIdOf(stack, stack.ops.topic)).not.toBe(logicalIdOf(stack, stack.alerting.topic));
  });

  it('watches each series at its period: an error rate is 100 × errors / invocations per minute', () => {
    const stack = streamlakeStackWith();
    const aggregate = { Ref: logicalIdOf(stack, stack.aggregate.function) };
    const lambdaMetric = (id: string, name: string) => ({
      Id: id,
      Label: `aggregate ${name.toLowerCase()}`,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: name,
          Dimensions: [{ Name: 'FunctionName', Value: aggregate }],
        },
        Period: 60,
        Stat: 'Sum',
      },
      ReturnData: false,
    });

    expect(opsAlarmOf(stack, 'AggregateErrorRate').Metrics).toEqual([
      {
        Id: 'expr_1',
        Expression: 'IF(m0_1 > 0, 100 * m0_0 / m0_1, 0)',
        Label: 'aggregate error rate',
        ReturnData: true,
      },
      lambdaMetric('m0_0', 'Errors'),
      lambdaMetric('m0_1', 'Invocations'),
    ]);
  });

  it('has its own encrypted topic, output, and the ops email subscribed to it only', () => {
    const stack = streamlakeStackWith({ 'streamlake:opsEmail': 'oncall@example.com' });
    const template = Template.fromStack(stack);
    const opsTopic = { Ref: logicalIdOf(stack, stack.ops.topic) };

    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'streamlake ops alarms',
      KmsMasterKeyId: {
        'Fn::GetAtt': [logicalIdOf(stack, (stack.node.findChild('Ops') as Alerting).key), 'Arn'],
      },
    });
    template.hasOutput('OpsTopicArn', { Value: opsTopic });
    expect(Object.values(template.findResources('AWS::SNS::Subscription'))).toEqual([
      expect.objectContaining({
        Properties: { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: opsTopic },
      }),
    ]);
  });

  it('lets the ops email prop win over context', () => {
    const stack = streamlakeStackWith(
      { 'streamlake:opsEmail': 'context@example.com' },
      { opsEmail: 'props@example.com' },
    );

    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: 'props@example.com',
    });
  });
});

describe('ops thresholds', () => {
  it('are DEFAULT_OPS_THRESHOLDS by default, the stages agreeing on the iterator ages, as plain numbers', () => {
    const { thresholds } = streamlakeStackWith().ops;

    expect(thresholds).toEqual(DEFAULT_OPS_THRESHOLDS);
    expect(JSON.parse(JSON.stringify(thresholds))).toEqual(thresholds);
    expect(
      Object.values(thresholds).flatMap((v) => (typeof v === 'number' ? [v] : Object.values(v))),
    ).toSatisfy((values: number[]) => values.every((v) => !Token.isUnresolved(v)));
  });

  it('take each setting from props', () => {
    const stack = streamlakeStackWith(
      {},
      {
        opsThresholds: {
          iteratorAgePeriods: 5,
          errorRatePercent: 2.5,
          quarantineRatePercent: 10,
          tableThrottlesPerMinute: 3,
          noIncomingRecordsMinutes: 30,
        },
      },
    );

    expectThresholdsApplied(stack);
  });

  it('take each setting from context, as given on the command line', () => {
    const stack = streamlakeStackWith({
      'streamlake:opsIteratorAgePeriods': '5',
      'streamlake:opsErrorRatePercent': '2.5',
      'streamlake:opsQuarantineRatePercent': '10',
      'streamlake:opsTableThrottlesPerMinute': '3',
      'streamlake:opsNoIncomingRecordsMinutes': '30',
    });

    expectThresholdsApplied(stack);
  });

  it('let props win over context, and context over the defaults', () => {
    const stack = streamlakeStackWith(
      { 'streamlake:opsErrorRatePercent': 4, 'streamlake:opsQuarantineRatePercent': 20 },
      { opsThresholds: { errorRatePercent: 2 } },
    );

    expect(opsAlarmOf(stack, 'ArchiveErrorRate').Threshold).toBe(2);
    expect(opsAlarmOf(stack, 'ArchiveQuarantineRate').Threshold).toBe(20);
    expect(opsAlarmOf(stack, 'RollupsThrottles').Threshold).toBe(
      DEFAULT_OPS_THRESHOLDS.tableThrottlesPerMinute,
    );
  });

  it("take each consumer's iterator age from its stage, in milliseconds", () => {
    const stack = streamlakeStackWith(
      { 'streamlake:aggregateIteratorAgeAlarmSeconds': '30', 'streamlake:fanoutIteratorAgeAlarmSeconds': 90 },
      { archive: { iteratorAgeAlarmThreshold: Duration.minutes(10) } },
    );

    expect(stack.ops.thresholds.iteratorAgeSeconds).toEqual({ aggregate: 30, archive: 600, fanout: 90 });
    expect(opsAlarmOf(stack, 'AggregateIteratorAge').Threshold).toBe(30_000);
    expect(opsAlarmOf(stack, 'ArchiveIteratorAge').Threshold).toBe(600_000);
    expect(opsAlarmOf(stack, 'FanoutIteratorAge').Threshold).toBe(90_000);
  });

  it.each([
    [
      { 'streamlake:opsErrorRatePercent': '-1' },
      'ops threshold errorRatePercent must be a percentage from 0 to 100 (given -1)',
    ],
    [
      { 'streamlake:opsIteratorAgePeriods': 0 },
      'ops threshold iteratorAgePeriods must be a whole number of one-minute periods from 1 to 1440 (a day) (given 0)',
    ],
    [
      { 'streamlake:opsNoIncomingRecordsMinutes': '2.5' },
      'ops threshold noIncomingRecordsMinutes must be a whole number of one-minute periods from 1 to 1440 (a day) (given 2.5)',
    ],
    [
      { 'streamlake:opsNoIncomingRecordsMinutes': '1441' },
      'ops threshold noIncomingRecordsMinutes must be a whole number of one-minute periods from 1 to 1440 (a day) (given 1441)',
    ],
    [
      { 'streamlake:opsTableThrottlesPerMinute': 'none' },
      'context streamlake:opsTableThrottlesPerMinute must be a number (given "none")',
    ],
  ])('fail if context is %o', (context, message) => {
    expect(() => streamlakeStackWith(context)).toThrow(message);
  });

  it('fail if a prop is bad, naming it and the value', () => {
    expect(() => streamlakeStackWith({}, { opsThresholds: { quarantineRatePercent: Number.NaN } })).toThrow(
      'ops threshold quarantineRatePercent must be a percentage from 0 to 100 (given NaN)',
    );
  });
});

describe('OpsAlarms', () => {
  it('refuses a search series, which CloudWatch cannot alarm on', () => {
    const stack = emptyStack();

    expect(
      () =>
        new OpsAlarms(stack, 'Ops', {
          topic: new Topic(stack, 'Topic'),
          specs: [
            {
              id: 'ByReason',
              title: 'by reason',
              series: quarantinedByReason('streamlake-aggregate', 'aggregate'),
              comparison: 'GreaterThanThreshold',
              threshold: 0,
              periodSeconds: 60,
              evaluationPeriods: 1,
              datapointsToAlarm: 1,
              treatMissingData: 'notBreaching',
              description: 'test',
            },
          ],
        }),
    ).toThrow('Search expressions are not supported in CloudWatch Alarms');
  });
});

function expectThresholdsApplied(stack: ReturnType<typeof streamlakeStackWith>): void {
  expect(stack.ops.thresholds).toEqual({
    ...DEFAULT_OPS_THRESHOLDS,
    iteratorAgePeriods: 5,
    errorRatePercent: 2.5,
    quarantineRatePercent: 10,
    tableThrottlesPerMinute: 3,
    noIncomingRecordsMinutes: 30,
  });
  const aggregateAge = opsAlarmOf(stack, 'AggregateIteratorAge');
  expect([aggregateAge.EvaluationPeriods, aggregateAge.DatapointsToAlarm]).toEqual([5, 5]);
  expect(opsAlarmOf(stack, 'SilentDeviceCheckErrorRate').Threshold).toBe(2.5);
  expect(opsAlarmOf(stack, 'AggregateQuarantineRate').Threshold).toBe(10);
  expect(opsAlarmOf(stack, 'AlertStateThrottles').Threshold).toBe(3);
  expect(opsAlarmOf(stack, 'NoIncomingRecords').EvaluationPeriods).toBe(30);
}
