import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AlarmSpec, Comparison, MissingData } from '../../dashboards/index.ts';
import { metricOfSeries } from './ops-metrics.ts';

export interface OpsAlarmsProps {
  /** The alarms as dashboards/ defines them: `opsAlarms(resources, thresholds)`. */
  readonly specs: readonly AlarmSpec[];
  /** Where each alarm notifies operators when it goes to ALARM and when it is back to OK. */
  readonly topic: ITopic;
}

const COMPARISON: Record<Comparison, ComparisonOperator> = {
  GreaterThanThreshold: ComparisonOperator.GREATER_THAN_THRESHOLD,
  LessThanThreshold: ComparisonOperator.LESS_THAN_THRESHOLD,
};

const MISSING_DATA: Record<MissingData, TreatMissingData> = {
  breaching: TreatMissingData.BREACHING,
  notBreaching: TreatMissingData.NOT_BREACHING,
  missing: TreatMissingData.MISSING,
  ignore: TreatMissingData.IGNORE,
};

/**
 * The ops alarms: one CloudWatch alarm per AlarmSpec (construct id = spec id), its description telling
 * the operator what it means and what to do, notifying the ops topic on ALARM and on OK.
 */
export class OpsAlarms extends Construct {
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: OpsAlarmsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    this.alarms = props.specs.map((spec) => {
      const alarm = new Alarm(this, spec.id, {
        alarmDescription: spec.description,
        metric: metricOfSeries(spec.series, spec.periodSeconds),
        threshold: spec.threshold,
        comparisonOperator: COMPARISON[spec.comparison],
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: MISSING_DATA[spec.treatMissingData],
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    });
  }
}
