import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { type EventTimePolicy, eventTimeEnvironment, resolveEventTimePolicy } from './event-time-policy.ts';
import { HandlerFunction } from './handler-function.ts';
import {
  type LakeCompactionSettings,
  type ResolvedLakeCompactionSettings,
  validateLakeCompactionSettings,
} from './lake-compaction/settings.ts';
import { nagReference } from './nag-reference.ts';
import { assertKeyPrefix } from './validate.ts';

export interface LakeCompactionProps extends LakeCompactionSettings {
  /** The lake bucket the archive writes Parquet to. */
  readonly lake: IBucket;
  /**
   * Key prefix of the Parquet files; must end with "/".
   *
   * @default "lake/"
   */
  readonly lakePrefix?: string;
  /** The stack's event-time policy: an hour is closed once its end is further back than the allowed lateness. */
  readonly eventTime?: EventTimePolicy;
}

/**
 * Lake → scheduled compaction Lambda → lake: every `interval`, closed hours of each dataset are rewritten into
 * as few Parquet parts as their size allows (128–512 MiB, sorted by event time, producer duplicates dropped),
 * committed by their last part; superseded files go a grace period later (docs/decisions.md, D31). Runs do not
 * overlap (a run stops starting parts `partReserve` before its 15-minute timeout, well inside the interval); two
 * that did would only write two generations, the newer winning. The function may list, read, write and delete
 * under the lake prefix only.
 */
export class LakeCompaction extends Construct {
  readonly function: HandlerFunction;
  readonly schedule: Rule;
  readonly settings: ResolvedLakeCompactionSettings;

  constructor(scope: Construct, id: string, props: LakeCompactionProps) {
    super(scope, id);
    const defaults = DEFAULTS.compaction;
    const lakePrefix = props.lakePrefix ?? DEFAULTS.lakeBucket.lakePrefix;
    assertKeyPrefix('lakePrefix', lakePrefix);
    this.settings = validateLakeCompactionSettings({
      interval: props.interval ?? defaults.interval,
      settleMargin: props.settleMargin ?? defaults.settleMargin,
      gracePeriod: props.gracePeriod ?? defaults.gracePeriod,
      targetPartSize: props.targetPartSize ?? defaults.targetPartSize,
      writeMargin: props.writeMargin ?? DEFAULTS.archive.timeout,
    });
    const { interval, settleMargin, gracePeriod, targetPartSize, writeMargin } = this.settings;

    this.function = new HandlerFunction(this, 'Function', {
      entry: defaults.entry,
      handler: defaults.handler,
      memorySize: defaults.memorySize,
      timeout: defaults.timeout,
      filesBesideBundle: defaults.filesBesideBundle,
      environment: {
        LAKE_BUCKET: props.lake.bucketName,
        LAKE_PREFIX: lakePrefix,
        ...eventTimeEnvironment(resolveEventTimePolicy(props.eventTime)),
        COMPACTION_SETTLE_MARGIN_SECONDS: String(settleMargin.toSeconds()),
        COMPACTION_GRACE_SECONDS: String(gracePeriod.toSeconds()),
        COMPACTION_TARGET_PART_MIB: String(targetPartSize.toMebibytes()),
        COMPACTION_WRITE_MARGIN_SECONDS: String(writeMargin.toSeconds()),
        COMPACTION_SLICE_MIB: String(defaults.sliceSize.toMebibytes()),
        COMPACTION_PART_RESERVE_SECONDS: String(defaults.partReserve.toSeconds()),
        POWERTOOLS_SERVICE_NAME: defaults.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: defaults.metricsNamespace,
      },
    });
    this.schedule = new Rule(this, 'Schedule', {
      description: 'streamlake: rewrites closed lake hours into few large Parquet parts',
      schedule: Schedule.rate(Duration.minutes(interval.toMinutes())),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    // Lists, reads, writes and deletes Parquet files under the lake prefix; nothing else of the bucket.
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.lake.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${lakePrefix}*`] } },
      }),
    );
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [props.lake.arnForObjects(`${lakePrefix}*`)],
      }),
    );
    if (props.lake.encryptionKey) {
      props.lake.encryptionKey.grant(this.function, 'kms:Decrypt', 'kms:GenerateDataKey');
    }

    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(this, props.lake.arnForObjects(`${lakePrefix}*`))}]`,
      reason:
        'Compaction reads every Parquet file of a closed hour, writes its parts and deletes what they replace, ' +
        'all under the lake prefix (<dataset>/dt=<day>/hour=<hour>/), with keys not known in advance.',
    });
  }
}
