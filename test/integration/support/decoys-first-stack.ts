import { type App, type CfnElement, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import {
  Code,
  EventSourceMapping,
  Function as LambdaFunction,
  Runtime,
  StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { StreamlakeStack } from '../../../infra/streamlake-stack.ts';

/**
 * The Streamlake stack plus a decoy of each resource the local cloud looks up — a stream, a table, a bucket,
 * a topic, a function, and a mapping of the real aggregate function on the decoy stream — declared first in
 * its template, with logical ids the first of a type or a logical-id prefix (`LakeBucket…`, `Aggregate…`)
 * would pick. The decoy function's environment names the decoy table and bucket and a 1-byte event limit.
 */
export class DecoysFirstStack extends StreamlakeStack {
  /** Logical ids of the decoys, in the order the template declares them (before everything else). */
  readonly decoyIds: readonly string[];

  constructor(scope: App, id: string) {
    super(scope, id);
    const removalPolicy = RemovalPolicy.DESTROY;
    const stream = new Stream(this, 'AaaDecoyStream', { shardCount: 1, removalPolicy });
    const table = new Table(this, 'AaaDecoyTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      removalPolicy,
    });
    const bucket = new Bucket(this, 'LakeBucketDecoy', { removalPolicy });
    const topic = new Topic(this, 'AaaDecoyTopic');
    const fn = new LambdaFunction(this, 'AggregateDecoyFunction', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => { throw new Error("a decoy was invoked"); };'),
      environment: { ROLLUPS_TABLE: table.tableName, LAKE_BUCKET: bucket.bucketName, MAX_EVENT_BYTES: '1' },
    });
    const mapping = new EventSourceMapping(this, 'AggregateOnDecoyStream', {
      target: this.aggregate.function,
      eventSourceArn: stream.streamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
    });
    const idOf = (construct: IConstruct) => this.getLogicalId(construct.node.defaultChild as CfnElement);
    this.decoyIds = [stream, table, bucket, topic, fn, mapping].map(idOf);
  }

  /** The synthesized template with the decoys moved to the front of its resources. */
  protected override _toCloudFormation(): { Resources: Record<string, unknown> } {
    const template = super._toCloudFormation() as { Resources: Record<string, unknown> };
    const decoys = Object.fromEntries(this.decoyIds.map((id) => [id, template.Resources[id]]));
    return { ...template, Resources: { ...decoys, ...template.Resources } };
  }
}
