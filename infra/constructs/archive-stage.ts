import { type Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INTENT_PARTITION_PREFIX } from '../../processors/archive/lake-intent.ts';
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

export interface ArchiveStageProps extends KinesisConsumerTuning {
  /** The stream the archiver reads (beside the aggregator, with its own event source mapping). */
  readonly events: IStream;
  /** The bucket for the Parquet files, quarantined records and the mapping's on-failure records. */
  readonly lake: IBucket;
  /** Where the first copy of each event is remembered for the duplicate horizon (DedupStore). */
  readonly duplicates: ITable;
  /**
   * Key prefix of the Parquet files: `<lakePrefix><dataset>/dt=YYYY-MM-DD/hour=HH/`. Must end with "/".
   *
   * @default "lake/"
   */
  readonly lakePrefix?: string;
  /**
   * Key prefix of quarantined records in the lake bucket; must end with "/".
   *
   * @default "quarantine/"
   */
  readonly quarantinePrefix?: string;
}

/**
 * Stream → archive Lambda → Parquet in the lake: the archive function, its Kinesis event source mapping
 * (one batch per shard at a time, large batches, partial batch responses, never bisected, failures to S3),
 * its least-privilege grants. Its iterator-age alarm is one of the ops alarms (dashboards/alarms.ts), at
 * the threshold this stage resolves.
 *
 * Never bisecting is not a knob: the archiver names each Parquet object after the shard and the first and
 * last sequence numbers of its batch, so a retry of the whole batch overwrites the same keys. Bisected halves
 * would name new keys; they store nothing twice (a batch announces its files before writing them, and the next
 * leaves out what the announced files that landed hold), but they make small files and twice the invocations.
 */
export class ArchiveStage extends Construct {
  readonly function: HandlerFunction;
  readonly eventSource: KinesisEventSource;
  /** Iterator age above which the archiver counts as falling behind (the ops alarm's threshold). */
  readonly iteratorAgeAlarmThreshold: Duration;

  constructor(scope: Construct, id: string, props: ArchiveStageProps) {
    super(scope, id);
    const tuning = resolveStreamConsumerTuning(props, DEFAULTS.archiveEventSource);
    const eventTime = resolveEventTimePolicy(props.eventTime);
    this.iteratorAgeAlarmThreshold = tuning.iteratorAgeAlarmThreshold;
    const lakePrefix = props.lakePrefix ?? DEFAULTS.lakeBucket.lakePrefix;
    const quarantinePrefix = props.quarantinePrefix ?? DEFAULTS.lakeBucket.quarantinePrefix;
    assertKeyPrefix('lakePrefix', lakePrefix);
    assertKeyPrefix('quarantinePrefix', quarantinePrefix);
    const archive = DEFAULTS.archive;
    const source = DEFAULTS.archiveEventSource;

    this.function = new HandlerFunction(this, 'Function', {
      entry: archive.entry,
      handler: archive.handler,
      memorySize: archive.memorySize,
      timeout: archive.timeout,
      filesBesideBundle: archive.filesBesideBundle,
      environment: {
        LAKE_BUCKET: props.lake.bucketName,
        LAKE_PREFIX: lakePrefix,
        QUARANTINE_PREFIX: quarantinePrefix,
        ...eventTimeEnvironment(eventTime),
        POWERTOOLS_SERVICE_NAME: archive.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: archive.metricsNamespace,
      },
    });

    this.eventSource = new KinesisEventSource(props.events, {
      ...streamEventSourceProps(tuning, props.lake),
      // Object keys are derived from the batch's first and last sequence numbers; see the class comment.
      bisectBatchOnError: source.bisectBatchOnError,
      parallelizationFactor: source.parallelizationFactor,
    });
    this.function.addEventSource(this.eventSource);
    rememberFirstCopies(props.duplicates, this.function);
    // The intent each batch announces before its files (docs/decisions.md): one item per shard beside the memory,
    // read and replaced, never anything else of the table.
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.duplicates.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${INTENT_PARTITION_PREFIX}*`] },
        },
      }),
    );

    // Parquet files and quarantined records are written, never read or deleted by the archiver.
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [
          props.lake.arnForObjects(`${lakePrefix}*`),
          props.lake.arnForObjects(`${quarantinePrefix}*`),
        ],
      }),
    );

    // It lists the lake's keys only to find which files of a batch cut short landed (docs/decisions.md).
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.lake.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${lakePrefix}*`] } },
      }),
    );

    this.acknowledgeNagFindings(props.lake, lakePrefix, quarantinePrefix);
  }

  /** Every cdk-nag finding this stage accepts, one by one, with the reason. */
  private acknowledgeNagFindings(lake: IBucket, lakePrefix: string, quarantinePrefix: string): void {
    const objects = (prefix: string) =>
      `AwsSolutions-IAM5[Resource::${nagReference(this, lake.arnForObjects(`${prefix}*`))}]`;
    Validations.of(this).acknowledge(
      {
        id: objects(lakePrefix),
        reason:
          'The archiver writes one Parquet object per batch, dataset and hour under the lake prefix ' +
          '(<dataset>/dt=<day>/hour=<hour>/<shard>-<first>-<last>.parquet), keys not known in advance; ' +
          'the statement allows s3:PutObject only.',
      },
      {
        id: objects(quarantinePrefix),
        reason:
          'The archiver writes one object per quarantined batch under the quarantine prefix, with keys not ' +
          'known in advance; the statement allows s3:PutObject only.',
      },
    );
  }
}
