import { Duration, RemovalPolicy, Size, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Stream, StreamEncryption } from 'aws-cdk-lib/aws-kinesis';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  rawDataPrefixOf,
  rawDeliveryStreamNameOf,
  rawErrorPrefixOf,
} from '../../infra/constructs/raw-zone/layout.ts';
import { RawZone } from '../../infra/constructs/raw-zone.ts';
import { flatten, logicalIdOf, templateOf } from './ops-template.ts';
import { emptyStack, rawZoneStack } from './stacks.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation properties are untyped JSON.
type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

const resourcesOf = (stack: Stack, type: string): Resource[] =>
  Object.values(templateOf(stack).Resources as Record<string, Resource>).filter((r) => r.Type === type);

const deliveryStreamOf = (stack: Stack): Resource => {
  const [stream, ...others] = resourcesOf(stack, 'AWS::KinesisFirehose::DeliveryStream');
  expect(others).toEqual([]);
  return stream as Resource;
};

const destinationOf = (stack: Stack) => deliveryStreamOf(stack).Properties.ExtendedS3DestinationConfiguration;

const rawBucketOf = (stack: Stack, rawZone: RawZone) =>
  templateOf(stack).Resources[logicalIdOf(stack, rawZone.bucket)].Properties;

describe('RawZone delivery stream', () => {
  it('reads the event stream as its Kinesis source, with the delivery role', () => {
    const { stack, rawZone, stream } = rawZoneStack();

    const { Properties } = deliveryStreamOf(stack);

    expect(Properties.DeliveryStreamType).toBe('KinesisStreamAsSource');
    expect(Properties.KinesisStreamSourceConfiguration).toEqual({
      KinesisStreamARN: { 'Fn::GetAtt': [logicalIdOf(stack, stream), 'Arn'] },
      RoleARN: { 'Fn::GetAtt': [logicalIdOf(stack, rawZone.role), 'Arn'] },
    });
  });

  it('is named after the stack, in plain text, the name its metrics carry', () => {
    const { stack, rawZone } = rawZoneStack();

    expect(deliveryStreamOf(stack).Properties.DeliveryStreamName).toBe('Test-raw-events');
    expect(rawZone.deliveryStreamName).toBe('Test-raw-events');
  });

  it('writes to its own bucket under raw/dt=…/hour=… by arrival time, errors under raw-errors/<error type>/dt=…', () => {
    const { stack, rawZone } = rawZoneStack();

    const destination = destinationOf(stack);

    expect(destination.BucketARN).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack, rawZone.bucket), 'Arn'] });
    expect(destination.Prefix).toBe('raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/');
    expect(destination.ErrorOutputPrefix).toBe(
      'raw-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
    );
    expect(destination.RoleARN).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack, rawZone.role), 'Arn'] });
  });

  it('keeps every record as it is: a newline after each (AppendDelimiterToRecord, no parameter), GZIP, no conversion', () => {
    const { stack } = rawZoneStack();

    const destination = destinationOf(stack);

    expect(destination.ProcessingConfiguration).toEqual({
      Enabled: true,
      Processors: [{ Type: 'AppendDelimiterToRecord', Parameters: [] }],
    });
    expect(destination.CompressionFormat).toBe('GZIP');
    expect(destination.DataFormatConversionConfiguration).toBeUndefined();
    expect(destination.DynamicPartitioningConfiguration).toBeUndefined();
    expect(destination.S3BackupMode).toBeUndefined();
  });

  it('buffers 64 MiB or 300 seconds, whichever fills first, by default', () => {
    const { stack } = rawZoneStack();

    expect(destinationOf(stack).BufferingHints).toEqual({ IntervalInSeconds: 300, SizeInMBs: 64 });
  });

  it('buffers as it is told', () => {
    const { stack } = rawZoneStack({
      bufferingInterval: Duration.seconds(5),
      bufferingSize: Size.mebibytes(1),
    });

    expect(destinationOf(stack).BufferingHints).toEqual({ IntervalInSeconds: 5, SizeInMBs: 1 });
  });

  it('logs delivery errors to its own log group, kept a month', () => {
    const { stack, rawZone } = rawZoneStack();

    const logging = destinationOf(stack).CloudWatchLoggingOptions;

    expect(logging).toMatchObject({
      Enabled: true,
      LogGroupName: { Ref: logicalIdOf(stack, rawZone.logGroup) },
    });
    expect(templateOf(stack).Resources[logicalIdOf(stack, rawZone.logGroup)].Properties).toEqual({
      RetentionInDays: 30,
    });
  });

  it('is created only once its role can read the stream: after the role and its policy', () => {
    const { stack, rawZone } = rawZoneStack();

    const policy = rawZone.role.node.findChild('DefaultPolicy');
    expect(deliveryStreamOf(stack).DependsOn).toEqual(
      expect.arrayContaining([logicalIdOf(stack, rawZone.role), logicalIdOf(stack, policy)]),
    );
  });
});

describe('RawZone bucket', () => {
  it('is private, TLS-only, encrypted with S3-managed keys, logs its access under raw-zone/, and is not versioned', () => {
    const { stack, rawZone, accessLogs } = rawZoneStack();

    const bucket = rawBucketOf(stack, rawZone);

    expect(bucket).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: logicalIdOf(stack, accessLogs) },
        LogFilePrefix: 'raw-zone/',
      },
    });
    expect(bucket.VersioningConfiguration).toBeUndefined();
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(stack, rawZone.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('moves every object to Glacier Instant Retrieval after 30 days and keeps it, by default', () => {
    const { stack, rawZone } = rawZoneStack();

    expect(rawBucketOf(stack, rawZone).LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'raw-to-glacier-instant-retrieval',
        Status: 'Enabled',
        Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ]);
  });

  it('moves and expires objects after the days it is given', () => {
    const { stack, rawZone } = rawZoneStack({
      glacierAfter: Duration.days(90),
      expiration: Duration.days(730),
    });

    expect(rawBucketOf(stack, rawZone).LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
        ExpirationInDays: 730,
      }),
    ]);
  });

  it('retains the bucket and the delivery log by default, and deletes them when told to', () => {
    const retained = rawZoneStack();
    const destroyed = rawZoneStack({ removalPolicy: RemovalPolicy.DESTROY });
    const policiesOf = ({ stack, rawZone }: ReturnType<typeof rawZoneStack>) =>
      [rawZone.bucket, rawZone.logGroup].map(
        (construct) => templateOf(stack).Resources[logicalIdOf(stack, construct)].DeletionPolicy,
      );

    expect(policiesOf(retained)).toEqual(['Retain', 'Retain']);
    expect(policiesOf(destroyed)).toEqual(['Delete', 'Delete']);
  });
});

describe('RawZone delivery role', () => {
  it('may be assumed by Firehose acting for this account only', () => {
    const { stack, rawZone } = rawZoneStack();

    const role = templateOf(stack).Resources[logicalIdOf(stack, rawZone.role)].Properties;

    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'firehose.amazonaws.com' },
        Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('reads the stream, writes under raw/ and raw-errors/ and logs errors, and nothing else (no delete)', () => {
    const { stack, rawZone, stream } = rawZoneStack();
    const roleId = logicalIdOf(stack, rawZone.role);

    const statements = resourcesOf(stack, 'AWS::IAM::Policy')
      .filter((p) => p.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);

    const bucket = logicalIdOf(stack, rawZone.bucket);
    expect(
      statements.map((s) => ({
        ...s,
        Resource: Array.isArray(s.Resource) ? s.Resource.map(flatten) : flatten(s.Resource),
      })),
    ).toEqual([
      {
        Action: [
          'kinesis:DescribeStream',
          'kinesis:GetShardIterator',
          'kinesis:GetRecords',
          'kinesis:ListShards',
        ],
        Effect: 'Allow',
        Resource: `<${logicalIdOf(stack, stream)}.Arn>`,
      },
      {
        Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        Effect: 'Allow',
        Resource: `<${bucket}.Arn>`,
      },
      {
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        Effect: 'Allow',
        Resource: [`<${bucket}.Arn>/raw/*`, `<${bucket}.Arn>/raw-errors/*`],
      },
      {
        Action: 'logs:PutLogEvents',
        Effect: 'Allow',
        Resource: `<${logicalIdOf(stack, rawZone.logGroup)}.Arn>`,
      },
    ]);
  });

  it("may decrypt with a stream's customer-managed key", () => {
    const stack = emptyStack();
    const key = new Key(stack, 'Key');
    const events = new Stream(stack, 'Events', { encryption: StreamEncryption.KMS, encryptionKey: key });
    new RawZone(stack, 'RawZone', { events, accessLogs: new Bucket(stack, 'AccessLogs') });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'kms:Decrypt',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [logicalIdOf(stack, key), 'Arn'] },
          },
        ]),
      },
    });
  });
});

describe('RawZone settings', () => {
  it('offers its freshness alarm threshold to the ops view: 15 minutes by default', () => {
    expect(rawZoneStack().rawZone.freshnessAlarmThreshold.toSeconds()).toBe(900);
    expect(
      rawZoneStack({
        freshnessAlarmThreshold: Duration.minutes(10),
      }).rawZone.freshnessAlarmThreshold.toSeconds(),
    ).toBe(600);
  });

  it('adds no output of its own: the stack names the stream, the bucket and the prefixes', () => {
    const { stack } = rawZoneStack();

    expect(Object.keys(templateOf(stack).Outputs ?? {})).toEqual([]);
  });

  it.each([
    [
      'bufferingInterval 901 s',
      { bufferingInterval: Duration.seconds(901) },
      'raw zone bufferingInterval must be between 0 and 900 seconds inclusive (given 901 seconds)',
    ],
    [
      'bufferingInterval 1.5 s',
      { bufferingInterval: Duration.millis(1500) },
      'raw zone bufferingInterval must be a whole number of seconds (given 1 second 500 millis)',
    ],
    [
      'bufferingSize 129 MiB',
      { bufferingSize: Size.mebibytes(129) },
      'raw zone bufferingSize in MiB must be between 1 and 128 inclusive (given 129)',
    ],
    [
      'bufferingSize 512 KiB',
      { bufferingSize: Size.kibibytes(512) },
      'raw zone bufferingSize in MiB must be a whole number (given 0.5)',
    ],
    [
      'glacierAfter 3651 days',
      { glacierAfter: Duration.days(3651) },
      'raw zone glacierAfter must be between 0 and 3650 days inclusive (given 3651 days)',
    ],
    [
      'expiration on the day of glacierAfter',
      { glacierAfter: Duration.days(30), expiration: Duration.days(30) },
      'raw zone expiration must be later than glacierAfter (given 30 days, glacierAfter 30 days)',
    ],
    [
      'freshnessAlarmThreshold equal to bufferingInterval',
      { bufferingInterval: Duration.seconds(300), freshnessAlarmThreshold: Duration.seconds(300) },
      'raw zone freshnessAlarmThreshold must be longer than bufferingInterval, which records wait in a healthy stream (given 300 s, bufferingInterval 300 s)',
    ],
    [
      'freshnessAlarmThreshold of two days',
      { freshnessAlarmThreshold: Duration.days(2) },
      'raw zone freshnessAlarmThreshold must be between 1 and 86400 seconds inclusive (given 172800 seconds)',
    ],
  ])('fails if given %s, naming the value', (_, settings, message) => {
    expect(() => rawZoneStack(settings)).toThrow(message);
  });

  it('passes the cdk-nag AwsSolutions checks, every finding of its own acknowledged with a reason', () => {
    const { stack } = rawZoneStack();

    // The fixture's plain stream and access-logs bucket have findings of their own; the raw zone must have none.
    const findings = new AwsSolutionsChecks(stack)
      .validateScope(stack)
      .violations.flatMap((v) =>
        v.violatingResources
          .filter((r) => r.constructPath?.startsWith('Test/RawZone/'))
          .map((r) => `${v.ruleName} ${r.constructPath}`),
      );

    expect(findings).toEqual([]);
  });
});

describe('the raw zone layout', () => {
  it.each([
    ['Streamlake', 'Streamlake-raw-events'],
    ['streamlake dev/2', 'streamlake-dev-2-raw-events'],
  ])('names the delivery stream of stack %s %s', (stackName, name) => {
    expect(rawDeliveryStreamNameOf(stackName)).toBe(name);
  });

  it('stays within the 64 characters Firehose allows, keeping the suffix', () => {
    const name = rawDeliveryStreamNameOf('S'.repeat(100));

    expect(name).toHaveLength(64);
    expect(name.endsWith('-raw-events')).toBe(true);
  });

  it('fails for a prefix that does not end with "/", naming it', () => {
    expect(() => rawDataPrefixOf('raw')).toThrow('raw zone prefix must end with "/" (given "raw")');
    expect(() => rawErrorPrefixOf('/raw-errors/')).toThrow(
      'raw zone errorPrefix must not start with "/" (given "/raw-errors/")',
    );
  });
});
