import { type App, type CfnElement, Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Compression, DeliveryStream, KinesisStreamSource, S3Bucket } from 'aws-cdk-lib/aws-kinesisfirehose';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { StreamlakeStack } from '../../../infra/streamlake-stack.ts';

/** Where the added delivery stream writes: plain text, no delimiter, by arrival day. */
export const AUDIT_PREFIX = 'audit/!{timestamp:yyyy/MM/dd}/';

/**
 * The Streamlake stack plus a second delivery stream on the event stream, declared the ordinary CDK way (the
 * stable L2 construct) and unlike the raw zone's: uncompressed, no delimiter processor, a generated name, its
 * own bucket, a one-second interval. Nothing else changes: the local cloud must run it from the template alone.
 */
export class AddedDeliveryStreamStack extends StreamlakeStack {
  /** The added delivery stream's logical id in the template. */
  readonly addedDeliveryStreamId: string;

  constructor(scope: App, id: string) {
    super(scope, id);
    const bucket = new Bucket(this, 'AuditBucket', { removalPolicy: RemovalPolicy.DESTROY });
    const delivery = new DeliveryStream(this, 'AuditDelivery', {
      source: new KinesisStreamSource(this.events.stream),
      destination: new S3Bucket(bucket, {
        dataOutputPrefix: AUDIT_PREFIX,
        errorOutputPrefix: 'audit-errors/!{firehose:error-output-type}/',
        compression: Compression.UNCOMPRESSED,
        bufferingInterval: Duration.seconds(1),
        bufferingSize: Size.mebibytes(1),
      }),
    });
    this.addedDeliveryStreamId = this.getLogicalId(delivery.node.defaultChild as CfnElement);
  }
}
