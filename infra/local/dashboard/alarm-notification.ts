import type { AlarmTransition } from './alarm-evaluator.ts';

/**
 * The message CloudWatch publishes to an alarm's SNS action (the documented JSON), so a subscriber
 * of the local ops topic sees what it would see on AWS.
 */
export const alarmNotification = (
  transition: AlarmTransition,
  account: { readonly region: string; readonly accountId: string; readonly alarmPrefix: string },
) => {
  const name = `${account.alarmPrefix}-${transition.spec.id}`;
  const message = {
    AlarmName: name,
    AlarmDescription: transition.spec.description,
    AWSAccountId: account.accountId,
    NewStateValue: transition.to,
    NewStateReason: `Threshold Crossed: ${transition.reason}`,
    StateChangeTime: new Date(transition.atMs).toISOString().replace('Z', '+0000'),
    Region: account.region,
    AlarmArn: `arn:aws:cloudwatch:${account.region}:${account.accountId}:alarm:${name}`,
    OldStateValue: transition.from,
    Trigger: {
      Period: transition.spec.periodSeconds,
      EvaluationPeriods: transition.spec.evaluationPeriods,
      DatapointsToAlarm: transition.spec.datapointsToAlarm,
      ComparisonOperator: transition.spec.comparison,
      Threshold: transition.spec.threshold,
      TreatMissingData: transition.spec.treatMissingData,
    },
  };
  return {
    Subject: `${transition.to}: "${name}" in ${account.region}`.slice(0, 100),
    Message: JSON.stringify(message),
  };
};

/**
 * Locally only changes into or out of ALARM are published: CloudWatch also sends OK actions when
 * a new alarm first leaves INSUFFICIENT_DATA, which on AWS happens once per deploy but locally
 * would greet every `npm start` with a burst of OK messages.
 */
export const worthNotifying = (transition: AlarmTransition): boolean =>
  transition.to === 'ALARM' || transition.from === 'ALARM';
