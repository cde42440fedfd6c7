import { describe, expect, it } from 'vitest';
import { type LocalAccount, planFromTemplate, type Template } from '../../../../infra/local/template.ts';
import { TemplateIntrinsics } from '../../../../infra/local/template-intrinsics.ts';

const account: LocalAccount = { region: 'eu-west-1', accountId: '123456789012', stackName: 'streamlake-dev' };

type Props = Record<string, unknown>;

/** An extended S3 destination as aws-cdk-lib's DeliveryStream L2 synthesizes it for the raw zone. */
const rawZoneDestination = (overrides: Props = {}): Props => ({
  BucketARN: { 'Fn::GetAtt': ['RawBucket', 'Arn'] },
  BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 64 },
  CloudWatchLoggingOptions: {
    Enabled: true,
    LogGroupName: { Ref: 'DeliveryLog' },
    LogStreamName: { Ref: 'DeliveryLogStream' },
  },
  CompressionFormat: 'GZIP',
  ErrorOutputPrefix: 'raw-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
  Prefix: 'raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/',
  ProcessingConfiguration: {
    Enabled: true,
    Processors: [{ Parameters: [], Type: 'AppendDelimiterToRecord' }],
  },
  RoleARN: { 'Fn::GetAtt': ['DeliveryRole', 'Arn'] },
  ...overrides,
});

const deliveryStream = (props: Props = {}, destination: Props = rawZoneDestination()) => ({
  Type: 'AWS::KinesisFirehose::DeliveryStream',
  Properties: {
    DeliveryStreamName: 'Streamlake-raw-events',
    DeliveryStreamType: 'KinesisStreamAsSource',
    ExtendedS3DestinationConfiguration: destination,
    KinesisStreamSourceConfiguration: {
      KinesisStreamARN: { 'Fn::GetAtt': ['Events', 'Arn'] },
      RoleARN: { 'Fn::GetAtt': ['DeliveryRole', 'Arn'] },
    },
    ...props,
  },
});

const templateWith = (resources: Template['Resources']): Template => ({
  Resources: {
    Events: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 2 } },
    RawBucket: { Type: 'AWS::S3::Bucket' },
    DeliveryLog: { Type: 'AWS::Logs::LogGroup' },
    DeliveryLogStream: { Type: 'AWS::Logs::LogStream' },
    DeliveryRole: { Type: 'AWS::IAM::Role' },
    ...resources,
  },
});

const planOf = (resources: Template['Resources']) => planFromTemplate(templateWith(resources), account);

describe('delivery streams read from the template', () => {
  it('reads the raw zone’s delivery stream with every setting the local delivery applies, names resolved', () => {
    const [plan, ...others] = planOf({ Raw: deliveryStream() }).deliveryStreams;

    expect(others).toEqual([]);
    expect(plan).toEqual({
      logicalId: 'Raw',
      name: 'Streamlake-raw-events',
      arn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/Streamlake-raw-events',
      type: 'KinesisStreamAsSource',
      source: {
        streamName: 'streamlake-dev-Events',
        streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/streamlake-dev-Events',
        roleArn: 'arn:aws:iam::123456789012:role/streamlake-dev-DeliveryRole',
      },
      destination: {
        bucketName: 'streamlake-dev-rawbucket',
        bucketArn: 'arn:aws:s3:::streamlake-dev-rawbucket',
        roleArn: 'arn:aws:iam::123456789012:role/streamlake-dev-DeliveryRole',
        prefix: 'raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/',
        errorOutputPrefix: 'raw-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
        bufferingHints: { sizeInMBs: 64, intervalInSeconds: 60 },
        compression: 'GZIP',
        delimiter: '\n',
        processors: [{ type: 'AppendDelimiterToRecord', parameters: [] }],
        logging: {
          logGroupName: 'streamlake-dev-DeliveryLog',
          logStreamName: 'streamlake-dev-DeliveryLogStream',
          logGroupLogicalId: 'DeliveryLog',
        },
      },
    });
  });

  it('resolves a Ref of a named delivery stream to its DeliveryStreamName, as the ops view and outputs use it', () => {
    const intrinsics = new TemplateIntrinsics(templateWith({ Raw: deliveryStream() }), account);

    expect(intrinsics.resolve({ Ref: 'Raw' })).toBe('Streamlake-raw-events');
  });

  it('applies Firehose’s defaults to what is undeclared: 5 MiB / 300 s, uncompressed, no delimiter, a local name', () => {
    const bare = { BucketARN: { 'Fn::GetAtt': ['RawBucket', 'Arn'] }, RoleARN: 'arn:aws:iam::1:role/r' };

    const [plan] = planOf({ Raw: deliveryStream({ DeliveryStreamName: undefined }, bare) }).deliveryStreams;

    expect(plan?.name).toBe('streamlake-dev-Raw');
    expect(plan?.destination).toEqual({
      bucketName: 'streamlake-dev-rawbucket',
      bucketArn: 'arn:aws:s3:::streamlake-dev-rawbucket',
      roleArn: 'arn:aws:iam::1:role/r',
      bufferingHints: { sizeInMBs: 5, intervalInSeconds: 300 },
      compression: 'UNCOMPRESSED',
      processors: [],
    });
  });

  it('keeps FileExtension, CustomTimeZone and ReadFromTimestamp as declared', () => {
    const [plan] = planOf({
      Raw: deliveryStream(
        {
          KinesisStreamSourceConfiguration: {
            KinesisStreamARN: { 'Fn::GetAtt': ['Events', 'Arn'] },
            RoleARN: 'r',
            ReadFromTimestamp: '2024-05-01T00:00:00Z',
          },
        },
        rawZoneDestination({ FileExtension: '.json.gz', CustomTimeZone: 'Europe/Berlin' }),
      ),
    }).deliveryStreams;

    expect(plan?.destination).toMatchObject({ fileExtension: '.json.gz', customTimeZone: 'Europe/Berlin' });
    expect(plan?.source.readFromTimestampMs).toBe(Date.UTC(2024, 4, 1));
  });

  it.each([
    [
      'a Direct PUT stream',
      deliveryStream({ DeliveryStreamType: 'DirectPut' }),
      /DirectPut.*KinesisStreamAsSource/,
    ],
    [
      'a destination other than S3',
      deliveryStream({
        ExtendedS3DestinationConfiguration: undefined,
        HttpEndpointDestinationConfiguration: {},
      }),
      /delivers to S3 only/,
    ],
    [
      'Snappy',
      deliveryStream({}, rawZoneDestination({ CompressionFormat: 'Snappy' })),
      /"Snappy".*GZIP or UNCOMPRESSED/,
    ],
    [
      'a Lambda processor',
      deliveryStream(
        {},
        rawZoneDestination({
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [
              { Type: 'Lambda', Parameters: [{ ParameterName: 'LambdaArn', ParameterValue: 'a' }] },
            ],
          },
        }),
      ),
      /processor Lambda with parameters is not run/,
    ],
    [
      'format conversion',
      deliveryStream({}, rawZoneDestination({ DataFormatConversionConfiguration: { Enabled: true } })),
      /DataFormatConversionConfiguration is not emulated/,
    ],
    [
      'dynamic partitioning',
      deliveryStream({}, rawZoneDestination({ DynamicPartitioningConfiguration: { Enabled: true } })),
      /DynamicPartitioningConfiguration is not emulated/,
    ],
    [
      'a stream outside the stack',
      deliveryStream({
        KinesisStreamSourceConfiguration: { KinesisStreamARN: 'arn:aws:kinesis:x:1:stream/other' },
      }),
      /"arn:aws:kinesis:x:1:stream\/other" is no stream of the stack/,
    ],
    [
      'a bucket outside the stack',
      deliveryStream({}, rawZoneDestination({ BucketARN: 'arn:aws:s3:::elsewhere' })),
      /is no bucket of the stack/,
    ],
    [
      'a buffering size over 128 MiB',
      deliveryStream({}, rawZoneDestination({ BufferingHints: { SizeInMBs: 129 } })),
      /SizeInMBs must be a whole number from 1 to 128 \(given 129\)/,
    ],
    [
      'an unknown time zone',
      deliveryStream({}, rawZoneDestination({ CustomTimeZone: 'Mars/Olympus' })),
      /"Mars\/Olympus" is not a time zone/,
    ],
    [
      'a prefix breaking Firehose’s rules',
      deliveryStream({}, rawZoneDestination({ ErrorOutputPrefix: undefined })),
      /delivery stream Raw: Prefix .* requires an ErrorOutputPrefix/,
    ],
  ])('stops the start, naming the delivery stream, for %s', (_, resource, message) => {
    expect(() => planOf({ Raw: resource })).toThrow(message);
  });
});
