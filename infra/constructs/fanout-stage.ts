import { type Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import type { DerivedStore } from './derived-store.ts';
import { type FanoutTuning, resolveFanoutTuning } from './fanout-tuning.ts';
import { HandlerFunction } from './handler-function.ts';
import { streamEventSourceProps } from './stream-consumer-tuning.ts';

export interface FanoutStageProps extends FanoutTuning {
  /** The rollups table; its stream (new and old images) feeds the fan-out. */
  readonly rollups: ITable;
  /** The derived rollups, device state and alert state tables. */
  readonly store: DerivedStore;
  /** The alerts topic and the key it is encrypted with. */
  readonly alerts: { readonly topic: ITopic; readonly key: IKey };
  /** The bucket for the event source mapping's on-failure records. */
  readonly lake: IBucket;
}

/**
 * Rollups stream → fan-out Lambda → derived tables and alerts, plus the scheduled silent-device check:
 * the two functions (each from its own entry), the stream's event source mapping (INSERT/MODIFY only,
 * one batch per shard at a time, partial batch responses, bisect, failures to S3), the schedule, the
 * least-privilege grants. The fan-out's iterator-age alarm is one of the ops alarms (dashboards/alarms.ts),
 * at the threshold this stage resolves.
 */
export class FanoutStage extends Construct {
  readonly function: HandlerFunction;
  readonly silentCheckFunction: HandlerFunction;
  readonly eventSource: DynamoEventSource;
  readonly silentCheckSchedule: Rule;
  /** Iterator age above which the fan-out counts as falling behind (the ops alarm's threshold). */
  readonly iteratorAgeAlarmThreshold: Duration;

  constructor(scope: Construct, id: string, props: FanoutStageProps) {
    super(scope, id);
    const tuning = resolveFanoutTuning(props);
    this.iteratorAgeAlarmThreshold = tuning.iteratorAgeAlarmThreshold;
    const fanout = DEFAULTS.fanout;
    const { derivedRollups, deviceState, alertState } = props.store;
    const alerting = {
      DEVICE_STATE_TABLE: deviceState.tableName,
      ALERT_STATE_TABLE: alertState.tableName,
      ALERTS_TOPIC_ARN: props.alerts.topic.topicArn,
      DEVICE_SILENT_MINUTES: String(tuning.deviceSilentAfter.toMinutes()),
      POWERTOOLS_SERVICE_NAME: fanout.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: fanout.metricsNamespace,
    };

    this.function = new HandlerFunction(this, 'Function', {
      entry: fanout.entry,
      handler: fanout.handler,
      memorySize: fanout.memorySize,
      timeout: fanout.timeout,
      environment: {
        ...alerting,
        DERIVED_ROLLUPS_TABLE: derivedRollups.tableName,
        DERIVED_RETENTION_DAYS: String(fanout.derivedRetention.toDays()),
      },
    });
    this.eventSource = new DynamoEventSource(props.rollups, {
      ...streamEventSourceProps(tuning, props.lake),
      bisectBatchOnError: true,
      parallelizationFactor: DEFAULTS.fanoutEventSource.parallelizationFactor,
      // TTL expiries (REMOVE) never invoke the function: derived items outlive their minutes.
      filters: [FilterCriteria.filter({ eventName: FilterRule.or('INSERT', 'MODIFY') })],
    });
    this.function.addEventSource(this.eventSource);

    this.silentCheckFunction = new HandlerFunction(this, 'SilentCheckFunction', {
      entry: fanout.silentCheckEntry,
      handler: fanout.silentCheckHandler,
      memorySize: fanout.memorySize,
      timeout: fanout.silentCheckTimeout,
      environment: alerting,
    });
    this.silentCheckSchedule = new Rule(this, 'SilentCheckSchedule', {
      description: 'streamlake: opens device-silent alerts for devices not seen recently',
      schedule: Schedule.rate(tuning.silentCheckInterval),
      targets: [new LambdaFunction(this.silentCheckFunction)],
    });

    // Items are read (marks, alert state) and updated in place; never scanned, put or deleted.
    allow(
      this.function,
      ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
      [derivedRollups.tableArn, alertState.tableArn],
    );
    allow(this.function, ['dynamodb:UpdateItem'], [deviceState.tableArn]);
    allow(this.silentCheckFunction, ['dynamodb:UpdateItem', 'dynamodb:GetItem'], [alertState.tableArn]);
    allow(this.silentCheckFunction, ['dynamodb:UpdateItem'], [deviceState.tableArn]);
    allow(
      this.silentCheckFunction,
      ['dynamodb:Query'],
      [`${deviceState.tableArn}/index/${DEFAULTS.derivedStore.silenceIndex.name}`],
    );
    for (const fn of [this.function, this.silentCheckFunction]) {
      allow(fn, ['sns:Publish'], [props.alerts.topic.topicArn]);
      props.alerts.key.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    }

    this.acknowledgeNagFindings();
  }

  /** Every cdk-nag finding this stage accepts, one by one, with the reason. */
  private acknowledgeNagFindings(): void {
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which the DynamoDB event source mapping needs to find the stream, does not ' +
        'support resource-level permissions; reading the stream itself is granted on its ARN only.',
    });
  }
}

function allow(grantee: IGrantable, actions: string[], resourceArns: string[]): void {
  Grant.addToPrincipal({ grantee, actions, resourceArns });
}
