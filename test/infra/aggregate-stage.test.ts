import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { aggregateStageStack } from './stacks.ts';

function policyStatements(stack: Stack): Array<{ Action: string | string[]; Resource: unknown }> {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

const actionsOf = (statement: { Action: string | string[] }) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

describe('AggregateStage function', () => {
  it('runs the Node 22 handler on arm64 with 512 MB for up to 60 seconds', () => {
    const { stack } = aggregateStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 60,
    });
  });

  it('is configured through its environment', () => {
    const { stack } = aggregateStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          ROLLUPS_TABLE: { Ref: Match.stringLikeRegexp('^Rollups') },
          LAKE_BUCKET: { Ref: Match.stringLikeRegexp('^Lake') },
          QUARANTINE_PREFIX: 'quarantine/',
          ALLOWED_LATENESS_SECONDS: '3600',
          CLOCK_SKEW_SECONDS: '300',
          MAX_EVENT_BYTES: '65536',
          POWERTOOLS_SERVICE_NAME: 'streamlake-aggregate',
          POWERTOOLS_METRICS_NAMESPACE: 'Streamlake',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('names its TypeScript entry in the function metadata for the local cloud', () => {
    const { stack } = aggregateStageStack();

    Template.fromStack(stack).hasResource('AWS::Lambda::Function', {
      Metadata: Match.objectLike({ 'streamlake:entry': 'processors/aggregate/handler.ts' }),
    });
  });
});

describe('AggregateStage event source mapping', () => {
  it('takes one batch per shard at a time, in sequence order, as the high-water marks require', () => {
    const { stack } = aggregateStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ParallelizationFactor: 1,
    });
  });

  it('bisects a failing batch to isolate the record that fails', () => {
    const { stack } = aggregateStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
    });
  });
});

describe('AggregateStage permissions', () => {
  it('may only get and update items in the rollups table, and query and put in the dedup table', () => {
    const { stack } = aggregateStageStack();
    const tableId = stack.getLogicalId(stack.node.findChild('Rollups').node.defaultChild as CfnTable);
    const dedupId = stack.getLogicalId(
      stack.node.findChild('Duplicates').node.findChild('Table').node.defaultChild as CfnTable,
    );

    const dynamoStatements = policyStatements(stack).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );

    expect(dynamoStatements).toHaveLength(2);
    expect(dynamoStatements).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
          Resource: [{ 'Fn::GetAtt': [tableId, 'Arn'] }],
        },
        {
          Effect: 'Allow',
          Action: ['dynamodb:Query', 'dynamodb:PutItem'],
          Resource: [{ 'Fn::GetAtt': [dedupId, 'Arn'] }],
        },
      ]),
    );
  });

  it('may not scan, delete, write in batches or use dynamodb wildcards', () => {
    const { stack } = aggregateStageStack();

    const actions = policyStatements(stack).flatMap(actionsOf);

    for (const forbidden of [
      'dynamodb:*',
      'dynamodb:Scan',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
  });

  it('may put quarantined records under quarantine/ only', () => {
    const { stack } = aggregateStageStack();
    const bucketId = stack.getLogicalId(stack.node.findChild('Lake').node.defaultChild as CfnBucket);

    expect(policyStatements(stack)).toContainEqual({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/quarantine/*']] },
    });
  });

  it('may put objects in the lake bucket under quarantine/ and aws/lambda/ only, and list the bucket', () => {
    const { stack } = aggregateStageStack();
    const bucketArn = {
      'Fn::GetAtt': [stack.getLogicalId(stack.node.findChild('Lake').node.defaultChild as CfnBucket), 'Arn'],
    };

    const s3Statements = policyStatements(stack).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));

    expect(s3Statements).toHaveLength(3);
    expect(s3Statements).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [bucketArn, '/aws/lambda/*']] },
        },
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [bucketArn, '/quarantine/*']] },
        },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
      ]),
    );
  });

  it('may not read or delete lake objects or use s3 wildcard actions', () => {
    const { stack } = aggregateStageStack();

    const s3Actions = policyStatements(stack)
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('s3:'));

    expect(s3Actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(s3Actions.filter((a) => /^s3:(DeleteObject|GetObject)/.test(a))).toEqual([]);
  });
});

describe('AggregateStage validation', () => {
  it('fails if the quarantine prefix does not end with "/"', () => {
    expect(() => aggregateStageStack({ quarantinePrefix: 'quarantine' })).toThrow(
      'quarantinePrefix must end with "/" (given "quarantine")',
    );
  });
});
