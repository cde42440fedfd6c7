import { type Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { rememberFirstCopies } from './dedup-store.ts';
import { eventTimeEnvironment, resolveEventTimePolicy } from './event-time-policy.ts';
import { HandlerFunction } from './handler-function.ts';
import { nagReference } from './nag-reference.ts';
import {
  type KinesisConsumerTuning,
  resolveStreamConsumerTuning,
  streamEventSourceProps,
} from './stream-consumer-tuning.ts';
import { assertKeyPrefix } from './validate.ts';

export interface AggregateStageProps extends KinesisConsumerTuning {
  /** The stream the aggregator reads. */
  readonly events: IStream;
  /** The table the rollups are written to. */
  readonly rollups: ITable;
  /** Where the first copy of each event is remembered for the duplicate horizon (DedupStore). */
  readonly duplicates: ITable;
  /** The bucket for quarantined records and the event source mapping's on-failure records. */
  readonly lake: IBucket;
  /**
   * Key prefix of quarantined records in the lake bucket; must end with "/".
   *
   * @default "quarantine/"
   */
  readonly quarantinePrefix?: string;
}

/**
 * Stream → aggregate Lambda → rollups table: the aggregate function, its Kinesis event source mapping
 * (one batch per shard at a time, partial batch responses, bisect on error, failures to S3), its
 * least-privilege grants. Its iterator-age alarm is one of the ops alarms (dashboards/alarms.ts), at
 * the threshold this stage resolves.
 */
export class AggregateStage extends Construct {
  readonly function: HandlerFunction;
  readonly eventSource: KinesisEventSource;
  /** Iterator age above which the aggregator counts as falling behind (the ops alarm's threshold). */
  readonly iteratorAgeAlarmThreshold: Duration;

  constructor(scope: Construct, id: string, props: AggregateStageProps) {
    super(scope, id);
    const tuning = resolveStreamConsumerTuning(props, DEFAULTS.aggregateEventSource);
    const eventTime = resolveEventTimePolicy(props.eventTime);
    this.iteratorAgeAlarmThreshold = tuning.iteratorAgeAlarmThreshold;
    const quarantinePrefix = props.quarantinePrefix ?? DEFAULTS.lakeBucket.quarantinePrefix;
    assertKeyPrefix('quarantinePrefix', quarantinePrefix);
    const { entry, handler, memorySize, timeout, serviceName, metricsNamespace } = DEFAULTS.aggregate;

    this.function = new HandlerFunction(this, 'Function', {
      entry,
      handler,
      memorySize,
      timeout,
      environment: {
        ROLLUPS_TABLE: props.rollups.tableName,
        LAKE_BUCKET: props.lake.bucketName,
        QUARANTINE_PREFIX: quarantinePrefix,
        ...eventTimeEnvironment(eventTime),
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      },
    });

    this.eventSource = new KinesisEventSource(props.events, {
      ...streamEventSourceProps(tuning, props.lake),
      bisectBatchOnError: true,
      parallelizationFactor: DEFAULTS.aggregateEventSource.parallelizationFactor,
    });
    this.function.addEventSource(this.eventSource);
    rememberFirstCopies(props.duplicates, this.function);

    // Rollups are read (to recover a high-water mark) and updated in place, never scanned, put or deleted.
    props.rollups.grant(this.function, 'dynamodb:UpdateItem', 'dynamodb:GetItem');
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.lake.arnForObjects(`${quarantinePrefix}*`)],
      }),
    );

    this.acknowledgeNagFindings(props.lake, quarantinePrefix);
  }

  /** Every cdk-nag finding this stage accepts, one by one, with the reason. */
  private acknowledgeNagFindings(lake: IBucket, quarantinePrefix: string): void {
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(this, lake.arnForObjects(`${quarantinePrefix}*`))}]`,
      reason:
        'The aggregator writes one object per quarantined batch under the quarantine prefix, with keys not ' +
        'known in advance; the statement allows s3:PutObject only.',
    });
  }
}
