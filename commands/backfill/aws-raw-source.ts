import {
  type DeliveryStreamDescription,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
} from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import type { RawZone } from './lake-rebuild.ts';
import { type RawDestination, rawZoneAt } from './raw-source.ts';

/** Firehose's buffer interval when a destination's BufferingHints leave it out. */
const FIREHOSE_DEFAULT_INTERVAL_SECONDS = 300;

/** `arn:aws:s3:::streamlake-raw-…` (any partition) → `streamlake-raw-…`. */
const bucketNameOf = (streamName: string, bucketArn: string | undefined): string => {
  const match = /^arn:[^:]+:s3:::([^/]+)$/.exec(bucketArn ?? '');
  if (!match?.[1]) {
    throw new Error(
      `delivery stream ${streamName} delivers to ${JSON.stringify(bucketArn ?? null)}, not an S3 bucket ARN: --source raw reads an S3 raw zone`,
    );
  }
  return match[1];
};

/**
 * The raw zone's destination as the deployed delivery stream describes it: what Firehose really writes, also
 * when a deploy changed the prefix or the buffering since the outputs file was written. The stream must read
 * the event stream (its Kinesis source is `eventStreamArn`) and deliver to S3; the extended S3 view is read,
 * as CDK's `S3Bucket` destination declares one.
 */
export const describedRawDestination = (
  description: DeliveryStreamDescription,
  eventStreamArn: string,
): RawDestination => {
  const name = description.DeliveryStreamName ?? '(unnamed)';
  const source = description.Source?.KinesisStreamSourceDescription?.KinesisStreamARN;
  if (source !== eventStreamArn) {
    throw new Error(
      `delivery stream ${name} reads ${source ?? 'no Kinesis stream'}, not the event stream ${eventStreamArn}: ` +
        'the outputs file names another stack’s raw zone; deploy again with --outputs-file',
    );
  }
  const [first] = description.Destinations ?? [];
  const destination = first?.ExtendedS3DestinationDescription ?? first?.S3DestinationDescription;
  if (!destination) {
    throw new Error(`delivery stream ${name} has no S3 destination: --source raw reads an S3 raw zone`);
  }
  return {
    streamName: name,
    bucketName: bucketNameOf(name, destination.BucketARN),
    prefix: destination.Prefix || undefined,
    bufferIntervalSeconds: destination.BufferingHints?.IntervalInSeconds ?? FIREHOSE_DEFAULT_INTERVAL_SECONDS,
    customTimeZone: first?.ExtendedS3DestinationDescription?.CustomTimeZone || undefined,
  };
};

/** The deployed raw zone: DescribeDeliveryStream of the stack's delivery stream, its bucket read through `s3`. */
export const awsRawZone = async (
  clients: { readonly firehose: FirehoseClient; readonly s3: S3Client },
  stack: { readonly deliveryStreamName: string; readonly eventStreamArn: string },
): Promise<RawZone> => {
  const { DeliveryStreamDescription: description } = await clients.firehose.send(
    new DescribeDeliveryStreamCommand({ DeliveryStreamName: stack.deliveryStreamName }),
  );
  if (!description) {
    throw new Error(`DescribeDeliveryStream answered nothing for ${stack.deliveryStreamName}`);
  }
  return rawZoneAt(describedRawDestination(description, stack.eventStreamArn), clients.s3);
};
