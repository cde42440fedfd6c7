import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { LAKE_METRIC_FILTERS } from '../../dashboards/index.ts';
import { LakeBucket, type LakeBucketProps } from '../../infra/constructs/lake-bucket.ts';
import { ON_FAILURE_KEY_PREFIX } from '../../infra/constructs/least-privilege-s3-on-failure.ts';
import { emptyStack } from './stacks.ts';

function lakeIn(stack: Stack, props: LakeBucketProps = {}) {
  const lake = new LakeBucket(stack, 'Lake', props);
  const logicalId = (bucket: LakeBucket['bucket']) =>
    stack.getLogicalId(bucket.node.defaultChild as CfnBucket);
  return {
    template: Template.fromStack(stack),
    lakeId: logicalId(lake.bucket),
    logsId: logicalId(lake.accessLogs),
  };
}

const sslOnlyStatement = Match.objectLike({
  Effect: 'Deny',
  Action: 's3:*',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

describe('LakeBucket', () => {
  it('encrypts objects with S3-managed keys', () => {
    const { template, lakeId } = lakeIn(emptyStack());

    expect(template.toJSON().Resources[lakeId].Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it('keeps object versions', () => {
    const { template } = lakeIn(emptyStack());

    template.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
  });

  it('blocks all public access to both buckets', () => {
    const { template } = lakeIn(emptyStack());

    const blockAll = {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    };
    const blocked = template.findResources('AWS::S3::Bucket', {
      Properties: { PublicAccessBlockConfiguration: blockAll },
    });
    expect(Object.keys(blocked)).toHaveLength(2);
  });

  it('refuses requests without TLS to both buckets', () => {
    const { template, lakeId, logsId } = lakeIn(emptyStack());

    for (const bucketId of [lakeId, logsId]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: { Statement: Match.arrayWith([sslOnlyStatement]) },
      });
    }
  });

  it('logs server access to the separate, S3-encrypted access-logs bucket', () => {
    const { template, lakeId, logsId } = lakeIn(emptyStack());

    const resources = template.toJSON().Resources;
    expect(resources[lakeId].Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logsId },
      LogFilePrefix: 'lake/',
    });
    expect(resources[logsId].Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it('expires quarantined objects and noncurrent versions after 30 days by default', () => {
    const { template } = lakeIn(emptyStack());

    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'quarantine/', ExpirationInDays: 30, Status: 'Enabled' }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('expires quarantined objects and noncurrent versions after the days it is given', () => {
    const { template } = lakeIn(emptyStack(), {
      quarantineExpiration: Duration.days(7),
      noncurrentVersionExpiration: Duration.days(90),
    });

    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'quarantine/', ExpirationInDays: 7 }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
        ]),
      },
    });
  });

  it("expires the event source mappings' on-failure records under aws/lambda/ after 30 days by default", () => {
    const { template } = lakeIn(emptyStack());

    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'aws/lambda/', ExpirationInDays: 30, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('expires on-failure records after the days it is given', () => {
    const { template } = lakeIn(emptyStack(), { onFailureExpiration: Duration.days(14) });

    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'aws/lambda/', ExpirationInDays: 14 })]),
      },
    });
  });

  it('never expires the Parquet files under lake/', () => {
    const { template, lakeId } = lakeIn(emptyStack());

    const rules: Array<{ Prefix?: string; ExpirationInDays?: number }> =
      template.toJSON().Resources[lakeId].Properties.LifecycleConfiguration.Rules;

    expect(rules.filter((rule) => rule.ExpirationInDays !== undefined && !rule.Prefix)).toEqual([]);
    expect(rules.filter((rule) => rule.Prefix?.startsWith('lake/'))).toEqual([]);
  });

  it('counts PUT requests under lake/, quarantine/, aws/lambda/ and errors/iot/ with one S3 request-metrics filter each', () => {
    const { template, lakeId, logsId } = lakeIn(emptyStack());

    const resources = template.toJSON().Resources;

    expect(resources[lakeId].Properties.MetricsConfigurations).toEqual([
      { Id: 'LakeOutput', Prefix: 'lake/' },
      { Id: 'Quarantine', Prefix: 'quarantine/' },
      { Id: 'OnFailureRecords', Prefix: 'aws/lambda/' },
      { Id: 'DeviceRuleErrors', Prefix: 'errors/iot/' },
    ]);
    expect(resources[logsId].Properties.MetricsConfigurations).toBeUndefined();
  });

  it("filters on the very prefixes the bucket's writers use", () => {
    const lake = new LakeBucket(emptyStack(), 'Lake');

    expect(LAKE_METRIC_FILTERS.lakeOutput.prefix).toBe(lake.lakePrefix);
    expect(LAKE_METRIC_FILTERS.quarantine.prefix).toBe(lake.quarantinePrefix);
    expect(LAKE_METRIC_FILTERS.onFailure.prefix).toBe(ON_FAILURE_KEY_PREFIX);
  });

  it('fails if quarantineExpiration is 0 days', () => {
    expect(() => new LakeBucket(emptyStack(), 'Lake', { quarantineExpiration: Duration.days(0) })).toThrow(
      'quarantineExpiration must be between 1 and 3650 days inclusive (given 0 days)',
    );
  });

  it('fails if onFailureExpiration is longer than 3650 days', () => {
    expect(() => new LakeBucket(emptyStack(), 'Lake', { onFailureExpiration: Duration.days(3651) })).toThrow(
      'onFailureExpiration must be between 1 and 3650 days inclusive (given 3651 days)',
    );
  });

  it('fails if noncurrentVersionExpiration is not a whole number of days', () => {
    expect(
      () => new LakeBucket(emptyStack(), 'Lake', { noncurrentVersionExpiration: Duration.hours(36) }),
    ).toThrow('noncurrentVersionExpiration must be a whole number of days (given 1 day 12 hours)');
  });
});
