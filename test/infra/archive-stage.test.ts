import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { archiveStageStack } from './stacks.ts';

function policyStatements(stack: Stack): Array<{ Action: string | string[]; Resource: unknown }> {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

const actionsOf = (statement: { Action: string | string[] }) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

const lakeArnOf = (stack: Stack) => ({
  'Fn::GetAtt': [stack.getLogicalId(stack.node.findChild('Lake').node.defaultChild as CfnBucket), 'Arn'],
});

describe('ArchiveStage function', () => {
  it('runs the Node 22 handler on arm64 with 1024 MB for up to 120 seconds', () => {
    const { stack } = archiveStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 120,
    });
  });

  it('is configured through its environment', () => {
    const { stack } = archiveStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          LAKE_BUCKET: { Ref: Match.stringLikeRegexp('^Lake') },
          LAKE_PREFIX: 'lake/',
          QUARANTINE_PREFIX: 'quarantine/',
          ALLOWED_LATENESS_SECONDS: '3600',
          CLOCK_SKEW_SECONDS: '300',
          MAX_EVENT_BYTES: '65536',
          POWERTOOLS_SERVICE_NAME: 'streamlake-archive',
          POWERTOOLS_METRICS_NAMESPACE: 'Streamlake',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('passes the prefixes it is given to the handler', () => {
    const { stack } = archiveStageStack({ lakePrefix: 'parquet/', quarantinePrefix: 'bad/' });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ LAKE_PREFIX: 'parquet/', QUARANTINE_PREFIX: 'bad/' }),
      },
    });
  });

  it('names its TypeScript entry in the function metadata for the local cloud', () => {
    const { stack } = archiveStageStack();

    Template.fromStack(stack).hasResource('AWS::Lambda::Function', {
      Metadata: Match.objectLike({ 'streamlake:entry': 'processors/archive/handler.ts' }),
    });
  });
});

describe('ArchiveStage event source mapping', () => {
  it('takes one batch per shard at a time', () => {
    const { stack } = archiveStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ParallelizationFactor: 1,
    });
  });

  it('never bisects, so a retry rewrites the same object keys', () => {
    const { stack } = archiveStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: false,
    });
  });
});

describe('ArchiveStage permissions', () => {
  it('may put objects in the lake bucket under lake/, quarantine/ and aws/lambda/ only, and list the bucket', () => {
    const { stack } = archiveStageStack();
    const bucketArn = lakeArnOf(stack);
    const objectsUnder = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] });

    const s3Statements = policyStatements(stack).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));

    expect(s3Statements).toHaveLength(4);
    expect(s3Statements).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: [objectsUnder('lake/'), objectsUnder('quarantine/')],
        },
        { Effect: 'Allow', Action: 's3:PutObject', Resource: objectsUnder('aws/lambda/') },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
        // The keys of a batch cut short, looked up under the lake prefix.
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: bucketArn,
          Condition: { StringLike: { 's3:prefix': ['lake/*'] } },
        },
      ]),
    );
  });

  it('may not read or delete lake objects or use s3 wildcard actions', () => {
    const { stack } = archiveStageStack();

    const s3Actions = policyStatements(stack)
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('s3:'));

    expect(s3Actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(s3Actions.filter((a) => /^s3:(DeleteObject|GetObject)/.test(a))).toEqual([]);
  });

  it('may touch DynamoDB only to query and put what it remembers, and to read and replace its intents', () => {
    const { stack } = archiveStageStack();
    const dedupId = stack.getLogicalId(
      stack.node.findChild('Duplicates').node.findChild('Table').node.defaultChild as CfnTable,
    );

    expect(
      policyStatements(stack).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:'))),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query', 'dynamodb:PutItem'],
        Resource: [{ 'Fn::GetAtt': [dedupId, 'Arn'] }],
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [dedupId, 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['archive-intent#*'] } },
      },
    ]);
  });
});

describe('ArchiveStage validation', () => {
  it.each([
    [{ lakePrefix: 'lake' }, 'lakePrefix must end with "/" (given "lake")'],
    [{ lakePrefix: '/lake/' }, 'lakePrefix must not start with "/" (given "/lake/")'],
    [{ quarantinePrefix: 'quarantine' }, 'quarantinePrefix must end with "/" (given "quarantine")'],
  ])('fails if given %o', (props, message) => {
    expect(() => archiveStageStack(props)).toThrow(message);
  });
});
