import { describe, expect, it } from 'vitest';
import { type LocalAccount, planFromTemplate, type Template } from '../../../../infra/local/template.ts';

const account: LocalAccount = { region: 'us-east-1', accountId: '000000000000', stackName: 'streamlake' };
const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/streamlake-RollupTable';
const PATTERN = JSON.stringify({ dynamodb: { NewImage: { rollup: { S: ['page_views'] } } } });

const template = (mapping: Record<string, unknown>, stream = true): Template => ({
  Resources: {
    RollupTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        ...(stream ? { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
      },
    },
    FailuresBucket: { Type: 'AWS::S3::Bucket' },
    FanoutFunction: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler' } },
    FanoutMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': ['RollupTable', 'StreamArn'] },
        FunctionName: { Ref: 'FanoutFunction' },
        ...mapping,
      },
    },
  },
});

describe('planFromTemplate, DynamoDB-stream mappings', () => {
  it('plans a mapping on a table’s StreamArn with all its settings and filter patterns', () => {
    // Prepare
    const input = template({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 600,
      ParallelizationFactor: 1,
      FilterCriteria: { Filters: [{ Pattern: PATTERN }, { Pattern: '{"eventName":["REMOVE"]}' }] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['FailuresBucket', 'Arn'] } } },
    });

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.unsupportedMappings).toEqual([]);
    expect(plan.kinesisMappings).toEqual([]);
    expect(plan.dynamoDbStreamMappings).toEqual([
      {
        id: 'FanoutMapping',
        uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/),
        functionName: 'streamlake-FanoutFunction',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:streamlake-FanoutFunction',
        streamArn: `${TABLE_ARN}/stream/local`,
        tableName: 'streamlake-RollupTable',
        batchSize: 50,
        maximumBatchingWindowMs: 1000,
        startingPosition: 'TRIM_HORIZON',
        filterPatterns: [PATTERN, '{"eventName":["REMOVE"]}'],
        reportBatchItemFailures: true,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 5,
        maximumRecordAgeMs: 600_000,
        parallelizationFactor: 1,
        onFailureBucket: 'streamlake-failuresbucket',
        onFailureDestinationArn: 'arn:aws:s3:::streamlake-failuresbucket',
        enabled: true,
        eventCountMetrics: false,
      },
    ]);
  });

  it('uses the AWS defaults and no filters when the template leaves them out', () => {
    // Prepare
    const input = template({});

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.dynamoDbStreamMappings[0]).toMatchObject({
      batchSize: 100,
      maximumBatchingWindowMs: 0,
      startingPosition: 'LATEST',
      filterPatterns: [],
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: -1,
      enabled: true,
      eventCountMetrics: false,
    });
  });

  it('names a StartingPosition DynamoDB streams do not have as unsupported', () => {
    // Prepare
    const input = template({ StartingPosition: 'AT_TIMESTAMP' });

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.unsupportedMappings).toEqual(['FanoutMapping StartingPosition AT_TIMESTAMP']);
  });

  it('lists a mapping on a table that declares no stream as unsupported', () => {
    // Prepare
    const input = template({}, false);

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.dynamoDbStreamMappings).toEqual([]);
    expect(plan.unsupportedMappings).toEqual([`FanoutMapping (${TABLE_ARN}/stream/local)`]);
  });
});
