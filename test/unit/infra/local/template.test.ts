import { describe, expect, it } from 'vitest';
import { MAPPING_DEFAULTS } from '../../../../infra/local/esm/settings.ts';
import { type LocalAccount, planFromTemplate, type Template } from '../../../../infra/local/template.ts';

const account: LocalAccount = { region: 'eu-west-1', accountId: '000000000000', stackName: 'streamlake-dev' };

const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:000000000000:stream/streamlake-dev-EventStream';
const TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:000000000000:table/streamlake-dev-RollupTable';
const BUCKET_NAME = 'streamlake-dev-failedbatchesbucket';
const FUNCTION_NAME = 'streamlake-dev-AggregateFunction';
const FUNCTION_ARN = `arn:aws:lambda:eu-west-1:000000000000:function:${FUNCTION_NAME}`;

/** A small hand-written template shaped like what `cdk synth` produces for the pipeline. */
const template = (mappingProperties?: Record<string, unknown>): Template => ({
  Resources: {
    EventStream: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 2, RetentionPeriodHours: 24 } },
    RollupTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        Tags: [{ Key: 'stack', Value: { Ref: 'AWS::StackName' } }],
      },
    },
    FailedBatchesBucket: { Type: 'AWS::S3::Bucket' },
    AggregateRole: { Type: 'AWS::IAM::Role', Properties: {} },
    AggregateFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Handler: 'index.handler',
        Runtime: 'nodejs20.x',
        Timeout: 30,
        MemorySize: 512,
        Role: { 'Fn::GetAtt': ['AggregateRole', 'Arn'] },
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: 'RollupTable' },
            TABLE_ARN: { 'Fn::GetAtt': ['RollupTable', 'Arn'] },
            FAILURE_BUCKET: { Ref: 'FailedBatchesBucket' },
            STREAM_ARN: { 'Fn::GetAtt': ['EventStream', 'Arn'] },
            REGION: { Ref: 'AWS::Region' },
            ALLOWED_LATENESS_SECONDS: 3600,
          },
        },
      },
      Metadata: { 'aws:asset:path': 'asset.0123abcd', 'streamlake:entry': 'processors/aggregate/handler.ts' },
    },
    AggregateMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: mappingProperties ?? {
        EventSourceArn: { 'Fn::GetAtt': ['EventStream', 'Arn'] },
        FunctionName: { Ref: 'AggregateFunction' },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 500,
        MaximumBatchingWindowInSeconds: 2,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 3600,
        ParallelizationFactor: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['FailedBatchesBucket', 'Arn'] } } },
      },
    },
  },
});

describe('planFromTemplate', () => {
  it('names every resource <stackName>-<logicalId>, lower-casing bucket names', () => {
    // Prepare
    const input = template();

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.streams).toEqual([
      {
        logicalId: 'EventStream',
        name: 'streamlake-dev-EventStream',
        arn: STREAM_ARN,
        shardCount: 2,
        retentionHours: 24,
      },
    ]);
    expect(plan.tables.map(({ logicalId, name, arn }) => ({ logicalId, name, arn }))).toEqual([
      { logicalId: 'RollupTable', name: 'streamlake-dev-RollupTable', arn: TABLE_ARN },
    ]);
    expect(plan.buckets).toEqual([
      {
        logicalId: 'FailedBatchesBucket',
        name: BUCKET_NAME,
        arn: `arn:aws:s3:::${BUCKET_NAME}`,
        metricsFilters: [],
      },
    ]);
    expect(plan.functions.map(({ logicalId, name, arn }) => ({ logicalId, name, arn }))).toEqual([
      { logicalId: 'AggregateFunction', name: FUNCTION_NAME, arn: FUNCTION_ARN },
    ]);
  });

  it('resolves Refs to names and Fn::GetAtt Arn to ARNs in function environments', () => {
    // Prepare
    const input = template();

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    const [fn] = plan.functions;
    expect(fn?.environment).toEqual({
      TABLE_NAME: 'streamlake-dev-RollupTable',
      TABLE_ARN,
      FAILURE_BUCKET: BUCKET_NAME,
      STREAM_ARN,
      REGION: 'eu-west-1',
      ALLOWED_LATENESS_SECONDS: '3600',
    });
    expect(fn?.roleArn).toBe('arn:aws:iam::000000000000:role/streamlake-dev-AggregateRole');
  });

  it('carries over the function’s runtime settings and bundle location', () => {
    // Prepare
    const input = template();

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.functions[0]).toMatchObject({
      handler: 'index.handler',
      runtime: 'nodejs20.x',
      timeoutSeconds: 30,
      memoryMb: 512,
      assetPath: 'asset.0123abcd',
      entry: 'processors/aggregate/handler.ts',
    });
  });

  it('resolves pseudo parameters inside table properties', () => {
    // Prepare
    const input = template();

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.tables[0]?.properties.Tags).toEqual([{ Key: 'stack', Value: 'streamlake-dev' }]);
    expect(plan.tables[0]?.properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('carries the mapping’s settings over, converting seconds to milliseconds', () => {
    // Prepare
    const input = template();

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.unsupportedMappings).toEqual([]);
    expect(plan.kinesisMappings).toEqual([
      {
        id: 'AggregateMapping',
        uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        functionName: FUNCTION_NAME,
        functionArn: FUNCTION_ARN,
        streamArn: STREAM_ARN,
        streamName: 'streamlake-dev-EventStream',
        batchSize: 500,
        maximumBatchingWindowMs: 2000,
        startingPosition: 'TRIM_HORIZON',
        reportBatchItemFailures: true,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 3,
        maximumRecordAgeMs: 3_600_000,
        parallelizationFactor: 2,
        onFailureBucket: BUCKET_NAME,
        onFailureDestinationArn: `arn:aws:s3:::${BUCKET_NAME}`,
        enabled: true,
        eventCountMetrics: false,
      },
    ]);
  });

  it('gives the same mapping the same uuid on every read of the template', () => {
    // Prepare
    const input = template();

    // Act
    const uuids = [planFromTemplate(input, account), planFromTemplate(input, account)].map(
      (plan) => plan.kinesisMappings[0]?.uuid,
    );

    // Assess
    expect(uuids[0]).toBeDefined();
    expect(uuids[0]).toBe(uuids[1]);
  });

  it('uses the AWS defaults for mapping properties the template leaves out', () => {
    // Prepare
    const input = template({
      EventSourceArn: { 'Fn::GetAtt': ['EventStream', 'Arn'] },
      FunctionName: { Ref: 'AggregateFunction' },
    });

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    const [mapping] = plan.kinesisMappings;
    expect(mapping).toMatchObject({
      batchSize: 100,
      maximumBatchingWindowMs: 0,
      reportBatchItemFailures: false,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: -1,
      parallelizationFactor: 1,
      enabled: true,
      eventCountMetrics: false,
    });
    expect(mapping?.batchSize).toBe(MAPPING_DEFAULTS.batchSize);
    expect(mapping).not.toHaveProperty('onFailureBucket');
    expect(mapping).not.toHaveProperty('onFailureDestinationArn');
  });

  it('accepts a mapping that names its function by ARN', () => {
    // Prepare
    const input = template({
      EventSourceArn: STREAM_ARN,
      FunctionName: { 'Fn::GetAtt': ['AggregateFunction', 'Arn'] },
    });

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.kinesisMappings[0]?.functionName).toBe(FUNCTION_NAME);
  });

  it('lists a mapping on a source that is not a declared Kinesis stream as unsupported', () => {
    // Prepare
    const input = template({
      EventSourceArn: { 'Fn::GetAtt': ['RollupTable', 'StreamArn'] },
      FunctionName: { Ref: 'AggregateFunction' },
    });

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.kinesisMappings).toEqual([]);
    expect(plan.unsupportedMappings).toEqual([`AggregateMapping (${TABLE_ARN}/stream/local)`]);
  });

  it('lists an on-failure destination it cannot deliver to as unsupported, but still runs the mapping', () => {
    // Prepare
    const queueArn = 'arn:aws:sqs:eu-west-1:000000000000:failures';
    const input = template({
      EventSourceArn: { 'Fn::GetAtt': ['EventStream', 'Arn'] },
      FunctionName: { Ref: 'AggregateFunction' },
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.kinesisMappings).toHaveLength(1);
    expect(plan.kinesisMappings[0]).not.toHaveProperty('onFailureBucket');
    expect(plan.unsupportedMappings).toEqual([`AggregateMapping on-failure destination ${queueArn}`]);
  });

  it('refuses a mapping to a function the template does not declare, naming it', () => {
    // Prepare
    const input = template({
      EventSourceArn: { 'Fn::GetAtt': ['EventStream', 'Arn'] },
      FunctionName: 'ghost-function',
    });

    // Act
    const act = () => planFromTemplate(input, account);

    // Assess
    expect(act).toThrow('ghost-function');
    expect(act).toThrow('AggregateMapping');
  });

  it('refuses a Ref to a resource the template does not declare, naming it', () => {
    // Prepare
    const input = template({
      EventSourceArn: { 'Fn::GetAtt': ['EventStream', 'Arn'] },
      FunctionName: { Ref: 'MissingFunction' },
    });

    // Act
    const act = () => planFromTemplate(input, account);

    // Assess
    expect(act).toThrow('MissingFunction');
  });

  it('keeps explicit physical names instead of deriving them', () => {
    // Prepare
    const input: Template = {
      Resources: {
        Stream: { Type: 'AWS::Kinesis::Stream', Properties: { StreamName: 'my-events' } },
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'my-bucket' } },
      },
    };

    // Act
    const plan = planFromTemplate(input, account);

    // Assess
    expect(plan.streams[0]?.name).toBe('my-events');
    expect(plan.streams[0]).not.toHaveProperty('shardCount');
    expect(plan.buckets[0]?.arn).toBe('arn:aws:s3:::my-bucket');
  });
});
