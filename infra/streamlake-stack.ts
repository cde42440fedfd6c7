import { CfnOutput, type Duration, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AggregateStage } from './constructs/aggregate-stage.ts';
import type { AggregateTuning } from './constructs/aggregate-tuning.ts';
import { EventStream } from './constructs/event-stream.ts';
import { LakeBucket } from './constructs/lake-bucket.ts';
import { RollupStore } from './constructs/rollup-store.ts';
import { aggregateTuningFromContext, removalPolicyFromContext } from './context.ts';

export interface StreamlakeStackProps extends StackProps {
  /**
   * Event source mapping, alarm and event-time settings of the aggregate stage; each one given here wins
   * over its `streamlake:aggregate*` context key, which wins over the default.
   *
   * @default - context, then the defaults in infra/defaults.ts
   */
  readonly aggregate?: AggregateTuning;

  /**
   * How long quarantined records are kept (whole days, 1 to 3650).
   *
   * @default Duration.days(30)
   */
  readonly quarantineExpiration?: Duration;

  /**
   * How long noncurrent object versions in the lake bucket are kept (whole days, 1 to 3650).
   *
   * @default Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * Removal policy of the stream, the rollups table and the buckets.
   *
   * @default - context `streamlake:removalPolicy`, else RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The pipeline, one construct per stage in data-flow order: events → aggregate → rollups, lake on the side. */
export class StreamlakeStack extends Stack {
  readonly events: EventStream;
  readonly rollups: RollupStore;
  readonly lake: LakeBucket;
  readonly aggregate: AggregateStage;

  constructor(scope: Construct, id: string, props: StreamlakeStackProps = {}) {
    super(scope, id, {
      description: 'streamlake: producers -> Kinesis -> aggregate Lambda -> DynamoDB rollups',
      ...props,
    });
    const removalPolicy = props.removalPolicy ?? removalPolicyFromContext(this.node);

    this.events = new EventStream(this, 'Events', { removalPolicy });
    this.rollups = new RollupStore(this, 'Rollups', { removalPolicy });
    this.lake = new LakeBucket(this, 'Lake', {
      removalPolicy,
      quarantineExpiration: props.quarantineExpiration,
      noncurrentVersionExpiration: props.noncurrentVersionExpiration,
    });
    this.aggregate = new AggregateStage(this, 'Aggregate', {
      ...withoutUndefined(aggregateTuningFromContext(this.node)),
      ...withoutUndefined(props.aggregate ?? {}),
      events: this.events.stream,
      rollups: this.rollups.table,
      lake: this.lake.bucket,
      quarantinePrefix: this.lake.quarantinePrefix,
    });

    new CfnOutput(this, 'StreamName', { value: this.events.stream.streamName });
    new CfnOutput(this, 'StreamArn', { value: this.events.stream.streamArn });
    new CfnOutput(this, 'RollupsTableName', { value: this.rollups.table.tableName });
    new CfnOutput(this, 'LakeBucketName', { value: this.lake.bucket.bucketName });
  }
}

function withoutUndefined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
