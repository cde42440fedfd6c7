import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { Template } from './template.ts';

/** An EventBridge schedule the template declares, reduced to what the local cloud runs. */
export interface SchedulePlan {
  readonly ruleId: string;
  readonly ruleArn: string;
  readonly everyMs: number;
  /** Logical id of the Lambda function the rule targets. */
  readonly functionLogicalId: string;
  readonly enabled: boolean;
}

const UNIT_MS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** `rate(5 minutes)` → 300000; cron expressions are not emulated and say so. */
export const rateMillis = (expression: string): number => {
  const match = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (!match) {
    throw new Error(
      `schedule ${JSON.stringify(expression)} is not emulated locally: use rate(N minutes|hours|days)`,
    );
  }
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
};

/** Every AWS::Events::Rule with a ScheduleExpression and Lambda targets in the template. */
export const schedulesFromTemplate = (
  template: Template,
  region: string,
  accountId: string,
): SchedulePlan[] =>
  Object.entries(template.Resources)
    .filter(
      ([, resource]) => resource.Type === 'AWS::Events::Rule' && resource.Properties?.ScheduleExpression,
    )
    .flatMap(([ruleId, resource]) => {
      const props = resource.Properties ?? {};
      const targets = (props.Targets as { Arn?: unknown }[] | undefined) ?? [];
      return targets.flatMap((target) => {
        const getAtt = (target.Arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
        if (!getAtt || template.Resources[getAtt[0]]?.Type !== 'AWS::Lambda::Function') return [];
        return [
          {
            ruleId,
            ruleArn: `arn:aws:events:${region}:${accountId}:rule/${ruleId}`,
            everyMs: rateMillis(String(props.ScheduleExpression)),
            functionLogicalId: getAtt[0],
            enabled: props.State !== 'DISABLED',
          },
        ];
      });
    });

/** The event EventBridge hands a scheduled Lambda target. */
export const scheduledEvent = (
  schedule: SchedulePlan,
  region: string,
  accountId: string,
  nowMs: number,
): ScheduledEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: accountId,
  time: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region,
  resources: [schedule.ruleArn],
  detail: {},
});
