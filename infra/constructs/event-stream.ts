import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { assertDurationInRange, assertWholeNumberInRange } from './validate.ts';

/** How much the stream can take: shards sized by you (the default, cheaper) or on-demand capacity. */
export interface EventStreamCapacity {
  /**
   * Shards of a provisioned stream: each takes 1,000 records or 1 MB a second in and gives 2 MB a second out.
   * About 1 shard per 700 events a second leaves headroom (`npm run cost` prints the count per rate). Changing it
   * and deploying again resizes the stream (UpdateShardCount). Ignored with `onDemand`.
   *
   * Valid range: 1 to 500.
   *
   * @default 2
   */
  readonly shards?: number;

  /**
   * On-demand capacity instead: no shard arithmetic, but at 1,000 events/s about 9× the cost of two provisioned
   * shards ($0.20 against $0.02 per million events; BENCHMARKS.md, `npm run cost`).
   *
   * @default false
   */
  readonly onDemand?: boolean;
}

export interface EventStreamProps extends EventStreamCapacity {
  /**
   * How long records stay readable. Kinesis accepts 24 hours to 365 days; longer retention costs more and
   * the aggregator's maxRecordAge (1 hour by default) drops older records anyway.
   *
   * @default Duration.hours(24)
   */
  readonly retention?: Duration;

  /**
   * What happens to the stream (and the records still in it) on `cdk destroy`.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The entry of the pipeline: producers PutRecords here, the aggregate stage reads it.
 *
 * Provisioned shards by default (2; the cost model's largest saving, D33), on-demand capacity on request, and
 * server-side encryption with the AWS-managed `aws/kinesis` key.
 */
export class EventStream extends Construct {
  readonly stream: Stream;

  constructor(scope: Construct, id: string, props: EventStreamProps = {}) {
    super(scope, id);
    const retention = props.retention ?? DEFAULTS.eventStream.retention;
    assertDurationInRange('retention', retention, 'hours', 24, 8760);
    const shards = props.shards ?? DEFAULTS.eventStream.shards;
    assertWholeNumberInRange('shards', shards, 1, 500);

    this.stream = new Stream(this, 'Stream', {
      ...(props.onDemand
        ? { streamMode: StreamMode.ON_DEMAND }
        : { streamMode: StreamMode.PROVISIONED, shardCount: shards }),
      encryption: StreamEncryption.MANAGED,
      retentionPeriod: retention,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
    });
  }
}
