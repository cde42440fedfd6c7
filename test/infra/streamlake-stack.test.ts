import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { StreamlakeStack } from '../../infra/streamlake-stack.ts';
import { streamlakeApp, WITHOUT_BUNDLING } from './stacks.ts';

function stackWith(
  context: Record<string, unknown>,
  props: ConstructorParameters<typeof StreamlakeStack>[2] = {},
) {
  const app = new App({ context: { ...WITHOUT_BUNDLING, ...context } });
  return new StreamlakeStack(app, 'Streamlake', props);
}

describe('StreamlakeStack', () => {
  it('wires one stream, one rollups table, the lake and its access-logs bucket, and the aggregator', () => {
    const { stack } = streamlakeApp();

    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
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
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 10_000 });
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
