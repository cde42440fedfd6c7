import { type CfnElement, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { opsAlarms } from '../../dashboards/index.ts';
import { opsAlarmOf } from './ops-template.ts';
import { streamlakeApp, streamlakeStackWith } from './stacks.ts';

const stackWith = streamlakeStackWith;

describe('StreamlakeStack', () => {
  it('wires one stream, the rollups and derived tables, the lake, its access-logs and query-results buckets, the aggregator, the archiver, the catalog, the fan-out, the alerts topic and the ops view', () => {
    const { stack } = streamlakeApp();

    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 4);
    template.resourceCountIs('AWS::S3::Bucket', 3);
    template.resourceCountIs('AWS::Lambda::Function', 4);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    template.resourceCountIs(
      'AWS::CloudWatch::Alarm',
      opsAlarms(stack.ops.resources, stack.ops.thresholds).length,
    );
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.resourceCountIs('AWS::KMS::Key', 2);
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.resourceCountIs('AWS::Glue::Database', 1);
    template.resourceCountIs('AWS::Glue::Table', 2);
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

  it('takes fan-out settings from context', () => {
    const stack = stackWith({
      'streamlake:fanoutBatchSize': '100',
      'streamlake:fanoutBatchingWindowSeconds': '0',
      'streamlake:deviceSilentMinutes': '10',
      'streamlake:silentDeviceCheckMinutes': 5,
      'streamlake:fanoutIteratorAgeAlarmSeconds': '120',
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^FanoutFunction') },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 0,
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    expect(opsAlarmOf(stack, 'FanoutIteratorAge').Threshold).toBe(120_000);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DEVICE_SILENT_MINUTES: '10' }) },
    });
  });

  it('is environment-agnostic, so it synthesizes with no AWS account', () => {
    const { stack } = streamlakeApp();

    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
  });

  it('takes event source settings from context, as given on the command line', () => {
    const stack = stackWith({
      'streamlake:aggregateBatchSize': '100',
      'streamlake:aggregateBatchingWindowSeconds': '1',
      'streamlake:aggregateRetryAttempts': '2',
      'streamlake:aggregateMaxRecordAgeSeconds': '120',
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      MaximumRetryAttempts: 2,
      MaximumRecordAgeInSeconds: 120,
    });
  });

  it('takes alarm and event-time settings from context, as given in cdk.json', () => {
    const stack = stackWith({
      'streamlake:aggregateIteratorAgeAlarmSeconds': 10,
      'streamlake:aggregateAllowedLatenessSeconds': 60,
      'streamlake:aggregateClockSkewSeconds': 5,
      'streamlake:aggregateMaxEventBytes': 2048,
    });

    const template = Template.fromStack(stack);
    expect(opsAlarmOf(stack, 'AggregateIteratorAge').Threshold).toBe(10_000);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ALLOWED_LATENESS_SECONDS: '60',
          CLOCK_SKEW_SECONDS: '5',
          MAX_EVENT_BYTES: '2048',
        }),
      },
    });
  });

  it("takes archive settings from context, apart from the aggregator's", () => {
    const stack = stackWith({
      'streamlake:archiveBatchSize': '500',
      'streamlake:archiveBatchingWindowSeconds': '2',
      'streamlake:archiveRetryAttempts': 3,
      'streamlake:archiveMaxRecordAgeSeconds': 600,
      'streamlake:archiveIteratorAgeAlarmSeconds': 30,
      'streamlake:archiveAllowedLatenessSeconds': 60,
      'streamlake:archiveClockSkewSeconds': 5,
      'streamlake:archiveMaxEventBytes': 2048,
    });

    const template = Template.fromStack(stack);
    const archiveFunction = { Ref: Match.stringLikeRegexp('^ArchiveFunction') };
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: archiveFunction,
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 2,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 600,
      BisectBatchOnFunctionError: false,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^AggregateFunction') },
      BatchSize: 10_000,
      MaximumBatchingWindowInSeconds: 5,
    });
    expect(opsAlarmOf(stack, 'ArchiveIteratorAge').Threshold).toBe(30_000);
    expect(opsAlarmOf(stack, 'AggregateIteratorAge').Threshold).toBe(60_000);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'streamlake-archive',
          ALLOWED_LATENESS_SECONDS: '60',
          CLOCK_SKEW_SECONDS: '5',
          MAX_EVENT_BYTES: '2048',
        }),
      },
    });
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

  it('lets stack props win over context', () => {
    const stack = stackWith(
      { 'streamlake:aggregateBatchSize': '100', 'streamlake:aggregateBatchingWindowSeconds': '1' },
      { aggregate: { batchSize: 500 } },
    );

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
    });
  });

  it('lets archive, catalog and lifecycle props win over context', () => {
    const stack = stackWith(
      {
        'streamlake:archiveBatchSize': '100',
        'streamlake:analyticsWorkGroupName': 'from-context',
        'streamlake:onFailureExpirationDays': '14',
      },
      {
        archive: { batchSize: 2000 },
        analytics: { workGroupName: 'from-props' },
        onFailureExpiration: Duration.days(60),
      },
    );

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^ArchiveFunction') },
      BatchSize: 2000,
    });
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

  it('fails if an archive context value is out of range, like the prop it sets', () => {
    expect(() => stackWith({ 'streamlake:archiveBatchingWindowSeconds': '301' })).toThrow(
      'maxBatchingWindow must be between 0 and 300 seconds inclusive (given 301 seconds)',
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
