import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { rateMillis, scheduledEvent, schedulesFromTemplate } from '../../../../infra/local/schedules.ts';
import type { Template } from '../../../../infra/local/template.ts';

const template = (expression: string, state = 'ENABLED'): Template => ({
  Resources: {
    CheckFn: { Type: 'AWS::Lambda::Function', Properties: {} },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    Every: {
      Type: 'AWS::Events::Rule',
      Properties: {
        ScheduleExpression: expression,
        State: state,
        Targets: [{ Arn: { 'Fn::GetAtt': ['CheckFn', 'Arn'] } }, { Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }],
      },
    },
  },
});

describe('local EventBridge schedules', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(2 hours)', 7_200_000],
    ['rate(1 day)', 86_400_000],
  ])('reads %s as %i ms', (expression, ms) => {
    expect(rateMillis(expression)).toBe(ms);
  });

  it('refuses a cron expression, naming it and what to use instead', () => {
    expect(() => rateMillis('cron(0 12 * * ? *)')).toThrow(
      /"cron\(0 12 \* \* \? \*\)" is not emulated locally: use rate/,
    );
  });

  it('runs each rule’s Lambda targets and nothing else', () => {
    const [schedule, ...others] = schedulesFromTemplate(
      template('rate(1 minute)'),
      'us-east-1',
      '000000000000',
    );
    expect(others).toEqual([]);
    expect(schedule).toEqual({
      ruleId: 'Every',
      ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/Every',
      everyMs: 60_000,
      functionLogicalId: 'CheckFn',
      enabled: true,
    });
  });

  it('keeps a disabled rule disabled', () => {
    expect(schedulesFromTemplate(template('rate(1 minute)', 'DISABLED'), 'us-east-1', '0')[0]?.enabled).toBe(
      false,
    );
  });

  it('hands the target the event EventBridge sends for a schedule', () => {
    const [schedule] = schedulesFromTemplate(template('rate(1 minute)'), 'us-east-1', '000000000000');
    if (!schedule) throw new Error('no schedule');
    const event: ScheduledEvent = scheduledEvent(
      schedule,
      'us-east-1',
      '000000000000',
      Date.parse('2026-11-22T05:06:07.890Z'),
    );
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: '2026-11-22T05:06:07Z',
      region: 'us-east-1',
      resources: [schedule.ruleArn],
      detail: {},
    });
  });
});
