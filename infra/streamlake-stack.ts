import { CfnOutput, type Duration, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AggregateStage } from './constructs/aggregate-stage.ts';
import type { AggregateTuning } from './constructs/aggregate-tuning.ts';
import { AnalyticsCatalog, type AnalyticsSettings } from './constructs/analytics-catalog.ts';
import { ArchiveStage } from './constructs/archive-stage.ts';
import type { ArchiveTuning } from './constructs/archive-tuning.ts';
import { EventStream } from './constructs/event-stream.ts';
import { LakeBucket } from './constructs/lake-bucket.ts';
import { RollupStore } from './constructs/rollup-store.ts';
import {
  aggregateTuningFromContext,
  analyticsSettingsFromContext,
  archiveTuningFromContext,
  lakeLifecycleFromContext,
  removalPolicyFromContext,
} from './context.ts';

export interface StreamlakeStackProps extends StackProps {
  /**
   * Event source mapping, alarm and event-time settings of the aggregate stage; each one given here wins
   * over its `streamlake:aggregate*` context key, which wins over the default.
   *
   * @default - context, then the defaults in infra/defaults.ts
   */
  readonly aggregate?: AggregateTuning;

  /**
   * Event source mapping, alarm and event-time settings of the archive stage; each one given here wins
   * over its `streamlake:archive*` context key, which wins over the default.
   *
   * @default - context, then the defaults in infra/defaults.ts
   */
  readonly archive?: ArchiveTuning;

  /**
   * Glue database and Athena workgroup names and query-result retention; each one given here wins over its
   * context key (`streamlake:analyticsDatabaseName`, `streamlake:analyticsWorkGroupName`,
   * `streamlake:queryResultsExpirationDays`).
   *
   * @default - context, then "streamlake", "streamlake" and 30 days
   */
  readonly analytics?: AnalyticsSettings;

  /**
   * How long quarantined records are kept (whole days, 1 to 3650).
   *
   * @default - context `streamlake:quarantineExpirationDays`, else Duration.days(30)
   */
  readonly quarantineExpiration?: Duration;

  /**
   * How long the event source mappings' on-failure records under `aws/lambda/` are kept (whole days, 1 to 3650).
   *
   * @default - context `streamlake:onFailureExpirationDays`, else Duration.days(30)
   */
  readonly onFailureExpiration?: Duration;

  /**
   * How long noncurrent object versions in the lake bucket are kept (whole days, 1 to 3650).
   *
   * @default - context `streamlake:noncurrentVersionExpirationDays`, else Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * Removal policy of the stream, the rollups table and the buckets.
   *
   * @default - context `streamlake:removalPolicy`, else RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The pipeline, one construct per stage in data-flow order: events → aggregate → rollups, and
 * events → archive → lake → analytics catalog.
 */
export class StreamlakeStack extends Stack {
  readonly events: EventStream;
  readonly rollups: RollupStore;
  readonly lake: LakeBucket;
  readonly aggregate: AggregateStage;
  readonly archive: ArchiveStage;
  readonly analytics: AnalyticsCatalog;

  constructor(scope: Construct, id: string, props: StreamlakeStackProps = {}) {
    super(scope, id, {
      description:
        'streamlake: producers -> Kinesis -> aggregate Lambda -> DynamoDB rollups; archive Lambda -> Parquet lake -> Glue/Athena',
      ...props,
    });
    const removalPolicy = props.removalPolicy ?? removalPolicyFromContext(this.node);

    this.events = new EventStream(this, 'Events', { removalPolicy });
    this.rollups = new RollupStore(this, 'Rollups', { removalPolicy });
    this.lake = new LakeBucket(this, 'Lake', {
      ...withoutUndefined(lakeLifecycleFromContext(this.node)),
      ...withoutUndefined({
        quarantineExpiration: props.quarantineExpiration,
        onFailureExpiration: props.onFailureExpiration,
        noncurrentVersionExpiration: props.noncurrentVersionExpiration,
      }),
      removalPolicy,
    });
    this.aggregate = new AggregateStage(this, 'Aggregate', {
      ...withoutUndefined(aggregateTuningFromContext(this.node)),
      ...withoutUndefined(props.aggregate ?? {}),
      events: this.events.stream,
      rollups: this.rollups.table,
      lake: this.lake.bucket,
      quarantinePrefix: this.lake.quarantinePrefix,
    });
    this.archive = new ArchiveStage(this, 'Archive', {
      ...withoutUndefined(archiveTuningFromContext(this.node)),
      ...withoutUndefined(props.archive ?? {}),
      events: this.events.stream,
      lake: this.lake.bucket,
      lakePrefix: this.lake.lakePrefix,
      quarantinePrefix: this.lake.quarantinePrefix,
    });
    this.analytics = new AnalyticsCatalog(this, 'Analytics', {
      ...withoutUndefined(analyticsSettingsFromContext(this.node)),
      ...withoutUndefined(props.analytics ?? {}),
      lake: this.lake.bucket,
      lakePrefix: this.lake.lakePrefix,
      accessLogs: this.lake.accessLogs,
      removalPolicy,
    });

    new CfnOutput(this, 'StreamName', { value: this.events.stream.streamName });
    new CfnOutput(this, 'StreamArn', { value: this.events.stream.streamArn });
    new CfnOutput(this, 'RollupsTableName', { value: this.rollups.table.tableName });
    new CfnOutput(this, 'LakeBucketName', { value: this.lake.bucket.bucketName });
    new CfnOutput(this, 'ArchiveFunctionName', { value: this.archive.function.functionName });
    new CfnOutput(this, 'GlueDatabaseName', { value: this.analytics.databaseName });
    new CfnOutput(this, 'AthenaWorkGroupName', { value: this.analytics.workGroupName });
    new CfnOutput(this, 'AthenaResultsBucketName', { value: this.analytics.resultsBucket.bucketName });
  }
}

function withoutUndefined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
