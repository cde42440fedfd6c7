import { Duration, type Stack } from 'aws-cdk-lib';
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

  it('passes the event-time rules it is given to the handler', () => {
    const { stack } = aggregateStageStack({
      allowedLateness: Duration.minutes(2),
      clockSkew: Duration.seconds(30),
      maxEventBytes: 1024,
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ALLOWED_LATENESS_SECONDS: '120',
          CLOCK_SKEW_SECONDS: '30',
          MAX_EVENT_BYTES: '1024',
        }),
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
  it('reads the stream from the oldest record, one batch per shard at a time', () => {
    const { stack } = aggregateStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 1,
    });
  });

  it('takes batches of up to 10000 records gathered for up to 5 seconds by default', () => {
    const { stack } = aggregateStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10_000,
      MaximumBatchingWindowInSeconds: 5,
    });
  });

  it('takes the batch size and batching window it is given', () => {
    const { stack } = aggregateStageStack({ batchSize: 100, maxBatchingWindow: Duration.seconds(1) });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
    });
  });

  it('reports partial batch failures and bisects failing batches', () => {
    const { stack } = aggregateStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
    });
  });

  it('gives up on a batch after 10 retries or when its records are an hour old, by default', () => {
    const { stack } = aggregateStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 3600,
    });
  });

  it('takes the retry limit and record age it is given', () => {
    const { stack } = aggregateStageStack({ retryAttempts: 2, maxRecordAge: Duration.minutes(5) });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumRetryAttempts: 2,
      MaximumRecordAgeInSeconds: 300,
    });
  });

  it('sends records it gave up on to the lake bucket', () => {
    const { stack } = aggregateStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Lake'), 'Arn'] } },
      },
    });
  });
});

describe('AggregateStage permissions', () => {
  it('may only get and update items in the rollups table', () => {
    const { stack } = aggregateStageStack();
    const tableId = stack.getLogicalId(stack.node.findChild('Rollups').node.defaultChild as CfnTable);

    const dynamoStatements = policyStatements(stack).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );

    expect(dynamoStatements).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
        Resource: [{ 'Fn::GetAtt': [tableId, 'Arn'] }],
      },
    ]);
  });

  it('may not scan, put, delete or use dynamodb wildcards', () => {
    const { stack } = aggregateStageStack();

    const actions = policyStatements(stack).flatMap(actionsOf);

    for (const forbidden of [
      'dynamodb:*',
      'dynamodb:Scan',
      'dynamodb:PutItem',
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

describe('AggregateStage iterator-age threshold', () => {
  it('is one minute by default, for the ops alarm, and the stage creates no alarm of its own', () => {
    const { stack, stage } = aggregateStageStack();

    expect(stage.iteratorAgeAlarmThreshold.toSeconds()).toBe(60);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  it('is the threshold it is given', () => {
    const { stage } = aggregateStageStack({ iteratorAgeAlarmThreshold: Duration.minutes(5) });

    expect(stage.iteratorAgeAlarmThreshold.toSeconds()).toBe(300);
  });
});

describe('AggregateStage validation', () => {
  it.each([
    [{ batchSize: 0 }, 'batchSize must be between 1 and 10000 inclusive (given 0)'],
    [{ batchSize: 10_001 }, 'batchSize must be between 1 and 10000 inclusive (given 10001)'],
    [{ batchSize: 2.5 }, 'batchSize must be a whole number (given 2.5)'],
    [
      { maxBatchingWindow: Duration.seconds(301) },
      'maxBatchingWindow must be between 0 and 300 seconds inclusive (given 301 seconds)',
    ],
    [{ retryAttempts: -1 }, 'retryAttempts must be between 0 and 10000 inclusive (given -1)'],
    [
      { maxRecordAge: Duration.seconds(59) },
      'maxRecordAge must be between 60 and 604800 seconds inclusive (given 59 seconds)',
    ],
    [
      { iteratorAgeAlarmThreshold: Duration.seconds(0) },
      'iteratorAgeAlarmThreshold must be between 1 and 604800 seconds inclusive (given 0 seconds)',
    ],
    [{ maxEventBytes: 0 }, 'maxEventBytes must be between 1 and 1048576 inclusive (given 0)'],
    [{ quarantinePrefix: 'quarantine' }, 'quarantinePrefix must end with "/" (given "quarantine")'],
  ])('fails if given %o', (props, message) => {
    expect(() => aggregateStageStack(props)).toThrow(message);
  });
});
