import type { DeliveryStreamDescription, FirehoseClient } from '@aws-sdk/client-firehose';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { awsRawZone, describedRawDestination } from '../../../../commands/backfill/aws-raw-source.ts';

const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/streamlake-events';
const PREFIX = 'raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/';

/** What DescribeDeliveryStream answers for the raw zone (CDK's S3Bucket destination: both S3 views). */
const described = (
  destination: Record<string, unknown> = {},
  source = STREAM_ARN,
): DeliveryStreamDescription =>
  ({
    DeliveryStreamName: 'streamlake-raw-events',
    Source: { KinesisStreamSourceDescription: { KinesisStreamARN: source } },
    Destinations: [
      {
        DestinationId: 'destinationId-000000000001',
        S3DestinationDescription: {
          BucketARN: 'arn:aws:s3:::streamlake-raw-abc',
          Prefix: PREFIX,
          BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 64 },
        },
        ExtendedS3DestinationDescription: {
          BucketARN: 'arn:aws:s3:::streamlake-raw-abc',
          Prefix: PREFIX,
          BufferingHints: { IntervalInSeconds: 120, SizeInMBs: 64 },
          CompressionFormat: 'GZIP',
          ...destination,
        },
      },
    ],
  }) as unknown as DeliveryStreamDescription;

describe('the deployed raw zone, from DescribeDeliveryStream', () => {
  const s3 = new S3Client({ region: 'eu-west-1' });
  afterAll(() => s3.destroy());

  it('reads bucket, prefix and buffer interval from the extended S3 view (what Firehose writes)', () => {
    expect(describedRawDestination(described(), STREAM_ARN)).toEqual({
      streamName: 'streamlake-raw-events',
      bucketName: 'streamlake-raw-abc',
      prefix: PREFIX,
      bufferIntervalSeconds: 120,
      customTimeZone: undefined,
    });
  });

  it("takes Firehose's defaults where the destination leaves them out, in any partition", () => {
    const destination = describedRawDestination(
      described({ Prefix: '', BufferingHints: undefined, BucketARN: 'arn:aws-cn:s3:::raw-cn' }),
      STREAM_ARN,
    );
    expect(destination).toMatchObject({
      bucketName: 'raw-cn',
      prefix: undefined,
      bufferIntervalSeconds: 300,
    });
  });

  it('becomes the RawZone the rebuild lists: prefix as declared, interval in ms', async () => {
    const sent: unknown[] = [];
    const firehose = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return { DeliveryStreamDescription: described() };
      },
    } as unknown as FirehoseClient;
    const raw = await awsRawZone(
      { firehose, s3 },
      { deliveryStreamName: 'streamlake-raw-events', eventStreamArn: STREAM_ARN },
    );
    expect(sent).toEqual([{ DeliveryStreamName: 'streamlake-raw-events' }]);
    expect(raw).toMatchObject({ dataPrefix: PREFIX, bufferIntervalMs: 120_000 });
  });

  it('refuses a delivery stream that reads another stream, naming both', () => {
    expect(() => describedRawDestination(described({}, `${STREAM_ARN}-old`), STREAM_ARN)).toThrow(
      `delivery stream streamlake-raw-events reads ${STREAM_ARN}-old, not the event stream ${STREAM_ARN}`,
    );
  });

  it('refuses a destination that is not an S3 bucket', () => {
    const description = { ...described(), Destinations: [{ DestinationId: 'd' }] };
    expect(() => describedRawDestination(description, STREAM_ARN)).toThrow(
      'delivery stream streamlake-raw-events has no S3 destination',
    );
    expect(() => describedRawDestination(described({ BucketARN: 'raw-abc' }), STREAM_ARN)).toThrow(
      'delivers to "raw-abc", not an S3 bucket ARN',
    );
  });

  it('refuses stamps in another time zone than UTC, naming it', async () => {
    const firehose = {
      send: async () => ({ DeliveryStreamDescription: described({ CustomTimeZone: 'Europe/Paris' }) }),
    } as unknown as FirehoseClient;
    await expect(
      awsRawZone({ firehose, s3 }, { deliveryStreamName: 'x', eventStreamArn: STREAM_ARN }),
    ).rejects.toThrow('stamps its objects in Europe/Paris; the rebuild reads UTC stamps only');
  });

  it('passes on what Firehose refuses (an unknown stream)', async () => {
    const firehose = {
      send: async () => {
        throw new Error('Firehose stream gone under account 123456789012 not found.');
      },
    } as unknown as FirehoseClient;
    await expect(
      awsRawZone({ firehose, s3 }, { deliveryStreamName: 'gone', eventStreamArn: STREAM_ARN }),
    ).rejects.toThrow('Firehose stream gone under account 123456789012 not found.');
  });
});
