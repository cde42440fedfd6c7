import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
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

  it('passes the prefixes and event-time rules it is given to the handler', () => {
    const { stack } = archiveStageStack({
      lakePrefix: 'parquet/',
      quarantinePrefix: 'bad/',
      allowedLateness: Duration.minutes(2),
      clockSkew: Duration.seconds(30),
      maxEventBytes: 1024,
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          LAKE_PREFIX: 'parquet/',
          QUARANTINE_PREFIX: 'bad/',
          ALLOWED_LATENESS_SECONDS: '120',
          CLOCK_SKEW_SECONDS: '30',
          MAX_EVENT_BYTES: '1024',
        }),
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
  it('reads the stream from the oldest record, one batch per shard at a time', () => {
    const { stack } = archiveStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 1,
    });
  });

  it('takes batches of up to 10000 records gathered for up to 60 seconds by default', () => {
    const { stack } = archiveStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10_000,
      MaximumBatchingWindowInSeconds: 60,
    });
  });

  it('takes the batch size and batching window it is given', () => {
    const { stack } = archiveStageStack({ batchSize: 100, maxBatchingWindow: Duration.seconds(2) });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 2,
    });
  });

  it('reports partial batch failures and never bisects, so a retry rewrites the same object keys', () => {
    const { stack } = archiveStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: false,
    });
  });

  it('gives up on a batch after 10 retries or when its records are an hour old, by default', () => {
    const { stack } = archiveStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 3600,
    });
  });

  it('takes the retry limit and record age it is given', () => {
    const { stack } = archiveStageStack({ retryAttempts: 2, maxRecordAge: Duration.minutes(5) });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumRetryAttempts: 2,
      MaximumRecordAgeInSeconds: 300,
    });
  });

  it('sends records it gave up on to the lake bucket', () => {
    const { stack } = archiveStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: { OnFailure: { Destination: lakeArnOf(stack) } },
    });
  });
});

describe('ArchiveStage permissions', () => {
  it('may put objects in the lake bucket under lake/, quarantine/ and aws/lambda/ only, and list the bucket', () => {
    const { stack } = archiveStageStack();
    const bucketArn = lakeArnOf(stack);
    const objectsUnder = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] });

    const s3Statements = policyStatements(stack).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));

    expect(s3Statements).toHaveLength(3);
    expect(s3Statements).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: [objectsUnder('lake/'), objectsUnder('quarantine/')],
        },
        { Effect: 'Allow', Action: 's3:PutObject', Resource: objectsUnder('aws/lambda/') },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
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

  it('may not touch DynamoDB', () => {
    const { stack } = archiveStageStack();

    expect(
      policyStatements(stack)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('dynamodb:')),
    ).toEqual([]);
  });
});

describe('ArchiveStage iterator-age threshold', () => {
  it('is five minutes by default, above the 60-second batching window, and the stage creates no alarm of its own', () => {
    const { stack, stage } = archiveStageStack();

    expect(stage.iteratorAgeAlarmThreshold.toSeconds()).toBe(300);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  it('is the threshold it is given', () => {
    const { stage } = archiveStageStack({ iteratorAgeAlarmThreshold: Duration.minutes(10) });

    expect(stage.iteratorAgeAlarmThreshold.toSeconds()).toBe(600);
  });
});

describe('ArchiveStage validation', () => {
  it.each([
    [{ batchSize: 0 }, 'batchSize must be between 1 and 10000 inclusive (given 0)'],
    [{ batchSize: 10_001 }, 'batchSize must be between 1 and 10000 inclusive (given 10001)'],
    [
      { maxBatchingWindow: Duration.seconds(301) },
      'maxBatchingWindow must be between 0 and 300 seconds inclusive (given 301 seconds)',
    ],
    [
      { maxBatchingWindow: Duration.millis(1500) },
      'maxBatchingWindow must be a whole number of seconds (given 1 second 500 millis)',
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
    [
      { clockSkew: Duration.days(2) },
      'clockSkew must be between 0 and 86400 seconds inclusive (given 172800 seconds)',
    ],
    [{ maxEventBytes: 0 }, 'maxEventBytes must be between 1 and 1048576 inclusive (given 0)'],
    [{ lakePrefix: 'lake' }, 'lakePrefix must end with "/" (given "lake")'],
    [{ lakePrefix: '/lake/' }, 'lakePrefix must not start with "/" (given "/lake/")'],
    [{ quarantinePrefix: 'quarantine' }, 'quarantinePrefix must end with "/" (given "quarantine")'],
  ])('fails if given %o', (props, message) => {
    expect(() => archiveStageStack(props)).toThrow(message);
  });
});
