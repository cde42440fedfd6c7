import { type CfnElement, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { opsAlarms } from '../../dashboards/index.ts';
import type { StreamlakeStack } from '../../infra/streamlake-stack.ts';
import { logicalIdOf, opsAlarmOf, templateOf } from './ops-template.ts';
import { streamlakeApp, streamlakeStackWith } from './stacks.ts';

const stackWith = streamlakeStackWith;

describe('StreamlakeStack', () => {
  it('wires one stream, the rollups and derived tables, the lake, its access-logs, query-results, tracker and raw-zone buckets, the tracker distribution, the aggregator, the archiver, the raw zone delivery stream, the compaction, the catalog, the fan-out, the alerts topic and the ops view', () => {
    const { stack } = streamlakeApp();

    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 5);
    template.resourceCountIs('AWS::S3::Bucket', 5);
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    // The five handlers, and the function CloudFormation has write the tracker builds (AwsCustomResource).
    template.resourceCountIs('AWS::Lambda::Function', 6);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    template.resourceCountIs(
      'AWS::CloudWatch::Alarm',
      opsAlarms(stack.ops.resources, stack.ops.thresholds).length,
    );
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.resourceCountIs('AWS::KMS::Key', 2);
    // The silent-device check and the lake compaction.
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.resourceCountIs('AWS::Glue::Database', 1);
    // Per dataset its files table and its view, and raw_events.
    template.resourceCountIs('AWS::Glue::Table', 5);
    template.resourceCountIs('AWS::Athena::WorkGroup', 1);
  });

  it('has the aggregator and the archiver read the same stream, each with its own mapping', () => {
    const { stack } = streamlakeApp();
    const idOf = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

    const mappings = Object.values(
      Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping'),
    );

    const streamArn = { 'Fn::GetAtt': [idOf(stack.events.stream), 'Arn'] };
    expect(mappings.map((m) => m.Properties)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          EventSourceArn: streamArn,
          FunctionName: { Ref: idOf(stack.aggregate.function) },
        }),
        expect.objectContaining({
          EventSourceArn: streamArn,
          FunctionName: { Ref: idOf(stack.archive.function) },
        }),
      ]),
    );
  });

  it('has every event source mapping publish its EventCount metrics, so records given up on are counted', () => {
    const { stack } = streamlakeApp();

    const mappings = Object.values(
      Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping'),
    );

    expect(mappings).toHaveLength(3);
    for (const mapping of mappings) {
      expect(mapping.Properties.MetricsConfig).toEqual({ Metrics: ['EventCount'] });
    }
  });

  it('points the catalog tables at the lake bucket the archiver writes to', () => {
    const { stack } = streamlakeApp();
    const lakeId = stack.getLogicalId(stack.lake.bucket.node.defaultChild as CfnBucket);

    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LAKE_BUCKET: { Ref: lakeId }, LAKE_PREFIX: 'lake/' }) },
    });
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        StorageDescriptor: Match.objectLike({
          Location: { 'Fn::Join': ['', ['s3://', { Ref: lakeId }, '/lake/clickstream/']] },
        }),
      }),
    });
  });

  it('outputs the stream name and ARN, the table name and the bucket name', () => {
    const { stack } = streamlakeApp();

    const template = Template.fromStack(stack);

    template.hasOutput('StreamName', { Value: { Ref: Match.stringLikeRegexp('^EventsStream') } });
    template.hasOutput('StreamArn', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsStream'), 'Arn'] },
    });
    template.hasOutput('RollupsTableName', { Value: { Ref: Match.stringLikeRegexp('^RollupsTable') } });
    template.hasOutput('LakeBucketName', { Value: { Ref: Match.stringLikeRegexp('^LakeBucket') } });
  });

  it('outputs the archive function, the Glue database, the Athena workgroup and its results bucket', () => {
    const { stack } = streamlakeApp();

    const template = Template.fromStack(stack);

    template.hasOutput('ArchiveFunctionName', { Value: { Ref: Match.stringLikeRegexp('^ArchiveFunction') } });
    template.hasOutput('GlueDatabaseName', { Value: 'streamlake' });
    template.hasOutput('AthenaWorkGroupName', { Value: 'streamlake' });
    template.hasOutput('AthenaResultsBucketName', {
      Value: { Ref: Match.stringLikeRegexp('^AnalyticsResultsBucket') },
    });
  });

  it('feeds the fan-out from the rollups table stream and outputs the alerts topic and derived tables', () => {
    const { stack } = streamlakeApp();
    const idOf = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack.rollups.table), 'StreamArn'] },
      FunctionName: { Ref: idOf(stack.fanout.function) },
    });
    template.hasOutput('AlertsTopicArn', { Value: { Ref: idOf(stack.alerting.topic) } });
    template.hasOutput('DerivedRollupsTableName', { Value: { Ref: idOf(stack.derived.derivedRollups) } });
    template.hasOutput('DeviceStateTableName', { Value: { Ref: idOf(stack.derived.deviceState) } });
    template.hasOutput('AlertStateTableName', { Value: { Ref: idOf(stack.derived.alertState) } });
  });

  it('subscribes the alert email from context, and nobody without it', () => {
    const withEmail = Template.fromStack(stackWith({ 'streamlake:alertEmail': 'ops@example.com' }));
    const without = Template.fromStack(stackWith({}));

    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    without.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('takes the silent-device settings from context', () => {
    const stack = stackWith({
      'streamlake:deviceSilentMinutes': '10',
      'streamlake:silentDeviceCheckMinutes': 5,
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DEVICE_SILENT_MINUTES: '10' }) },
    });
  });

  it('is environment-agnostic, so it synthesizes with no AWS account', () => {
    const { stack } = streamlakeApp();

    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
  });

  it('takes catalog names and lifecycle settings from context', () => {
    const stack = stackWith({
      'streamlake:analyticsDatabaseName': 'lake_dev',
      'streamlake:analyticsWorkGroupName': 'streamlake-dev',
      'streamlake:queryResultsExpirationDays': '7',
      'streamlake:quarantineExpirationDays': '3',
      'streamlake:onFailureExpirationDays': 14,
      'streamlake:noncurrentVersionExpirationDays': 2,
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: Match.objectLike({ Name: 'lake_dev' }),
    });
    template.hasResourceProperties('AWS::Glue::Table', { DatabaseName: 'lake_dev' });
    template.hasResourceProperties('AWS::Athena::WorkGroup', { Name: 'streamlake-dev' });
    template.hasOutput('GlueDatabaseName', { Value: 'lake_dev' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ ExpirationInDays: 7, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'quarantine/', ExpirationInDays: 3 }),
          Match.objectLike({ Prefix: 'aws/lambda/', ExpirationInDays: 14 }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 2 } }),
        ]),
      },
    });
  });

  it('lets catalog and lifecycle props win over context', () => {
    const stack = stackWith(
      {
        'streamlake:analyticsWorkGroupName': 'from-context',
        'streamlake:onFailureExpirationDays': '14',
      },
      {
        analytics: { workGroupName: 'from-props' },
        onFailureExpiration: Duration.days(60),
      },
    );

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Athena::WorkGroup', { Name: 'from-props' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'aws/lambda/', ExpirationInDays: 60 })]),
      },
    });
  });

  it('fails if a context value is not a string, naming the key and the value', () => {
    expect(() => stackWith({ 'streamlake:analyticsDatabaseName': 7 })).toThrow(
      'context streamlake:analyticsDatabaseName must be a string (given 7)',
    );
  });

  it('fails if a context value is not a number, naming the key and the value', () => {
    expect(() => stackWith({ 'streamlake:aggregateBatchSize': 'lots' })).toThrow(
      'context streamlake:aggregateBatchSize must be a number (given "lots")',
    );
  });

  it('fails if a context value is out of range, like the prop it sets', () => {
    expect(() => stackWith({ 'streamlake:aggregateBatchSize': '0' })).toThrow(
      'batchSize must be between 1 and 10000 inclusive (given 0)',
    );
  });

  it('retains the stream, the table and the buckets by default', () => {
    const template = Template.fromStack(stackWith({}));

    for (const type of ['AWS::Kinesis::Stream', 'AWS::DynamoDB::Table', 'AWS::S3::Bucket']) {
      expect(Object.keys(template.findResources(type, { DeletionPolicy: 'Retain' })).length).toBeGreaterThan(
        0,
      );
      expect(template.findResources(type, { DeletionPolicy: Match.not('Retain') })).toEqual({});
    }
  });

  it('deletes the table on stack deletion when context says destroy', () => {
    const template = Template.fromStack(stackWith({ 'streamlake:removalPolicy': 'destroy' }));

    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  it('deletes the table on stack deletion when props say destroy', () => {
    const template = Template.fromStack(stackWith({}, { removalPolicy: RemovalPolicy.DESTROY }));

    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('fails if the removal policy in context is unknown', () => {
    expect(() => stackWith({ 'streamlake:removalPolicy': 'snapshot' })).toThrow(
      'context streamlake:removalPolicy must be "retain" or "destroy" (given "snapshot")',
    );
  });

  it('passes lifecycle settings to the lake bucket', () => {
    const stack = stackWith({}, { quarantineExpiration: Duration.days(3) });

    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'quarantine/', ExpirationInDays: 3 })]),
      },
    });
  });
});

const CONSUMERS = [
  {
    stage: 'aggregate',
    functionOf: (s: StreamlakeStack) => s.aggregate.function,
    alarm: 'AggregateIteratorAge',
  },
  { stage: 'archive', functionOf: (s: StreamlakeStack) => s.archive.function, alarm: 'ArchiveIteratorAge' },
  { stage: 'fanout', functionOf: (s: StreamlakeStack) => s.fanout.function, alarm: 'FanoutIteratorAge' },
] as const;

/** The event source mapping of one consumer's function, found by reference. */
const mappingOf = (stack: StreamlakeStack, fn: IConstruct) => ({
  FunctionName: { Ref: logicalIdOf(stack, fn) },
});

describe.each(CONSUMERS)('StreamlakeStack $stage context', ({ stage, functionOf, alarm }) => {
  it(`takes streamlake:${stage}BatchSize, …BatchingWindowSeconds, …RetryAttempts and …MaxRecordAgeSeconds, as given on the command line`, () => {
    const stack = stackWith({
      [`streamlake:${stage}BatchSize`]: '100',
      [`streamlake:${stage}BatchingWindowSeconds`]: '2',
      [`streamlake:${stage}RetryAttempts`]: '3',
      [`streamlake:${stage}MaxRecordAgeSeconds`]: '600',
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ...mappingOf(stack, functionOf(stack)),
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 2,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 600,
    });
  });

  it(`takes streamlake:${stage}IteratorAgeAlarmSeconds as the threshold of its ops alarm, as given in cdk.json`, () => {
    const stack = stackWith({ [`streamlake:${stage}IteratorAgeAlarmSeconds`]: 30 });

    expect(opsAlarmOf(stack, alarm).Threshold).toBe(30_000);
  });

  it('leaves the other consumers as they were', () => {
    const tuned = stackWith({ [`streamlake:${stage}BatchSize`]: '100' });
    const untuned = stackWith({});

    for (const other of CONSUMERS.filter((c) => c.stage !== stage)) {
      const batchSizeIn = (stack: StreamlakeStack) => {
        const mappings = Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping', {
          Properties: mappingOf(stack, other.functionOf(stack)),
        });
        return Object.values(mappings)[0]?.Properties.BatchSize;
      };
      expect(batchSizeIn(tuned)).toBe(batchSizeIn(untuned));
    }
  });

  it('lets its stack prop win over context', () => {
    const stack = stackWith(
      { [`streamlake:${stage}BatchSize`]: '100', [`streamlake:${stage}BatchingWindowSeconds`]: '2' },
      { [stage]: { batchSize: 500 } },
    );

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ...mappingOf(stack, functionOf(stack)),
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 2,
    });
  });

  it('fails if a context value is out of range, like the prop it sets', () => {
    expect(() => stackWith({ [`streamlake:${stage}BatchingWindowSeconds`]: '301' })).toThrow(
      'maxBatchingWindow must be between 0 and 300 seconds inclusive (given 301 seconds)',
    );
  });
});

describe('StreamlakeStack event-time policy', () => {
  /** The event-time environment of the aggregator's and the archiver's handlers, in that order. */
  const eventTimeOfKinesisConsumers = (stack: StreamlakeStack) =>
    [stack.aggregate.function, stack.archive.function].map((fn) => {
      const variables = templateOf(stack).Resources[logicalIdOf(stack, fn)].Properties.Environment.Variables;
      const { ALLOWED_LATENESS_SECONDS, CLOCK_SKEW_SECONDS, MAX_EVENT_BYTES } = variables;
      return { ALLOWED_LATENESS_SECONDS, CLOCK_SKEW_SECONDS, MAX_EVENT_BYTES };
    });

  it('gives the aggregator and the archiver the one policy set in context, as given in cdk.json', () => {
    const stack = stackWith({
      'streamlake:allowedLatenessSeconds': 7200,
      'streamlake:clockSkewSeconds': 5,
      'streamlake:maxEventBytes': 2048,
    });

    const expected = { ALLOWED_LATENESS_SECONDS: '7200', CLOCK_SKEW_SECONDS: '5', MAX_EVENT_BYTES: '2048' };
    expect(eventTimeOfKinesisConsumers(stack)).toEqual([expected, expected]);
  });

  it('lets the eventTime prop win over context, for both consumers', () => {
    const stack = stackWith(
      { 'streamlake:allowedLatenessSeconds': '7200', 'streamlake:clockSkewSeconds': '5' },
      { eventTime: { allowedLateness: Duration.minutes(2) } },
    );

    const expected = { ALLOWED_LATENESS_SECONDS: '120', CLOCK_SKEW_SECONDS: '5', MAX_EVENT_BYTES: '65536' };
    expect(eventTimeOfKinesisConsumers(stack)).toEqual([expected, expected]);
  });

  it('fails if an event-time context value is out of range, like the prop it sets', () => {
    expect(() => stackWith({ 'streamlake:maxEventBytes': '0' })).toThrow(
      'maxEventBytes must be between 1 and 1048576 inclusive (given 0)',
    );
  });

  it.each([
    ['streamlake:aggregateAllowedLatenessSeconds', 'streamlake:allowedLatenessSeconds'],
    ['streamlake:archiveAllowedLatenessSeconds', 'streamlake:allowedLatenessSeconds'],
    ['streamlake:aggregateClockSkewSeconds', 'streamlake:clockSkewSeconds'],
    ['streamlake:archiveClockSkewSeconds', 'streamlake:clockSkewSeconds'],
    ['streamlake:aggregateMaxEventBytes', 'streamlake:maxEventBytes'],
    ['streamlake:archiveMaxEventBytes', 'streamlake:maxEventBytes'],
  ])('fails if given the retired per-stage key %s, naming %s', (retired, replacement) => {
    expect(() => stackWith({ [retired]: 60 })).toThrow(
      `context ${retired} is no longer read (given 60): the event-time policy is one for every Kinesis ` +
        `consumer; set ${replacement} instead`,
    );
  });
});
