import { describe, expect, it } from 'vitest';
import type { DeliveryStreamPlan } from '../../../../../infra/local/firehose/delivery-stream-plan.ts';
import {
  answerFirehose,
  type ServedDeliveryStream,
} from '../../../../../infra/local/firehose/firehose-api.ts';

const ACCOUNT = '000000000000';

const planNamed = (name: string): DeliveryStreamPlan => ({
  logicalId: `${name}Id`,
  name,
  arn: `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/${name}`,
  type: 'KinesisStreamAsSource',
  source: { streamName: 'events', streamArn: 'arn:aws:kinesis:us-east-1:0:stream/events', roleArn: 'role' },
  destination: {
    bucketName: 'raw',
    bucketArn: 'arn:aws:s3:::raw',
    roleArn: 'role',
    prefix: 'raw/dt=!{timestamp:yyyy-MM-dd}/',
    errorOutputPrefix: 'raw-errors/!{firehose:error-output-type}/',
    bufferingHints: { sizeInMBs: 64, intervalInSeconds: 60 },
    compression: 'GZIP',
    delimiter: '\n',
    processors: [{ type: 'AppendDelimiterToRecord', parameters: [] }],
    logging: { logGroupName: 'group', logStreamName: 'stream' },
  },
});

const served = (...names: string[]): ServedDeliveryStream[] =>
  names.map((name) => ({ plan: planNamed(name), createdAtMs: Date.UTC(2024, 0, 1) }));

describe('the Firehose API answers', () => {
  it('DescribeDeliveryStream with the template’s source, destination and settings', () => {
    const answer = answerFirehose(
      'DescribeDeliveryStream',
      { DeliveryStreamName: 'raw-events' },
      served('raw-events'),
      ACCOUNT,
    );

    expect(answer.status).toBe(200);
    const description = answer.body.DeliveryStreamDescription as Record<string, unknown>;
    expect(description).toMatchObject({
      DeliveryStreamName: 'raw-events',
      DeliveryStreamStatus: 'ACTIVE',
      DeliveryStreamType: 'KinesisStreamAsSource',
      VersionId: '1',
      CreateTimestamp: Date.UTC(2024, 0, 1) / 1000,
      Source: {
        KinesisStreamSourceDescription: { KinesisStreamARN: 'arn:aws:kinesis:us-east-1:0:stream/events' },
      },
      HasMoreDestinations: false,
    });
    const [destination] = description.Destinations as Record<string, Record<string, unknown>>[];
    expect(destination?.ExtendedS3DestinationDescription).toMatchObject({
      BucketARN: 'arn:aws:s3:::raw',
      Prefix: 'raw/dt=!{timestamp:yyyy-MM-dd}/',
      ErrorOutputPrefix: 'raw-errors/!{firehose:error-output-type}/',
      BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
      CompressionFormat: 'GZIP',
      CloudWatchLoggingOptions: { Enabled: true, LogGroupName: 'group', LogStreamName: 'stream' },
      ProcessingConfiguration: {
        Enabled: true,
        Processors: [{ Type: 'AppendDelimiterToRecord', Parameters: [] }],
      },
    });
  });

  it('ListDeliveryStreams in name order, a page at a time', () => {
    const streams = served('c', 'a', 'b');

    const first = answerFirehose('ListDeliveryStreams', { Limit: 2 }, streams, ACCOUNT);
    const rest = answerFirehose(
      'ListDeliveryStreams',
      { ExclusiveStartDeliveryStreamName: 'b' },
      streams,
      ACCOUNT,
    );

    expect(first.body).toEqual({ DeliveryStreamNames: ['a', 'b'], HasMoreDeliveryStreams: true });
    expect(rest.body).toEqual({ DeliveryStreamNames: ['c'], HasMoreDeliveryStreams: false });
  });

  it.each([
    [
      'an unknown stream',
      'DescribeDeliveryStream',
      { DeliveryStreamName: 'gone' },
      'ResourceNotFoundException',
      /gone under account 000000000000 not found/,
    ],
    ['no stream name', 'DescribeDeliveryStream', {}, 'ValidationException', /deliveryStreamName/],
    [
      'a bad limit',
      'ListDeliveryStreams',
      { Limit: 0 },
      'ValidationException',
      /from 1 to 10000 \(given 0\)/,
    ],
    [
      'PutRecordBatch to a stream with a Kinesis source',
      'PutRecordBatch',
      { DeliveryStreamName: 'raw-events' },
      'InvalidArgumentException',
      /not permitted on KinesisStreamAsSource/,
    ],
    [
      'an operation it does not emulate',
      'CreateDeliveryStream',
      {},
      'UnknownOperationException',
      /CreateDeliveryStream is not emulated/,
    ],
  ])('%s with the error Firehose names', (_, operation, input, type, message) => {
    const answer = answerFirehose(operation, input, served('raw-events'), ACCOUNT);

    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe(type);
    expect(answer.body.message).toMatch(message);
  });
});
