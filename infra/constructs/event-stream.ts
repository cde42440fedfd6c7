import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { assertDurationInRange } from './validate.ts';

export interface EventStreamProps {
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
 * On-demand capacity (no shard arithmetic for a bursty workload) and server-side encryption with the
 * AWS-managed `aws/kinesis` key.
 */
export class EventStream extends Construct {
  readonly stream: Stream;

  constructor(scope: Construct, id: string, props: EventStreamProps = {}) {
    super(scope, id);
    const retention = props.retention ?? DEFAULTS.eventStream.retention;
    assertDurationInRange('retention', retention, 'hours', 24, 8760);

    this.stream = new Stream(this, 'Stream', {
      streamMode: StreamMode.ON_DEMAND,
      encryption: StreamEncryption.MANAGED,
      retentionPeriod: retention,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
    });
  }
}
