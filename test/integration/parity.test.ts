import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { createStreamlakeApp } from '../../infra/streamlake-app.ts';

type Resources = Record<string, { Properties: Record<string, unknown> }>;

describe('the local cloud provisions exactly what the synthesized template declares', () => {
  let cloud: LocalCloud;
  let template: Template;

  beforeAll(async () => {
    cloud = await LocalCloud.start();
    const { stack } = createStreamlakeApp({
      context: { 'streamlake:nag': false, 'aws:cdk:bundling-stacks': [] },
    });
    template = Template.fromStack(stack);
  });
  afterAll(async () => cloud?.stop());

  it('one stream per AWS::Kinesis::Stream, active', async () => {
    const declared = Object.keys(template.findResources('AWS::Kinesis::Stream'));
    const listed = (await cloud.clients.kinesis.send(new ListStreamsCommand({}))).StreamNames ?? [];
    expect(listed.sort()).toEqual(declared.map((id) => `streamlake-${id}`).sort());
    for (const name of listed) {
      const summary = await cloud.clients.kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: name }),
      );
      expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
    }
  });

  it('one table per AWS::DynamoDB::Table, with its keys, stream view type and TTL attribute', async () => {
    const declared = template.findResources('AWS::DynamoDB::Table') as Resources;
    const listed = (await cloud.clients.dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
    expect(listed.sort()).toEqual(
      Object.keys(declared)
        .map((id) => `streamlake-${id}`)
        .sort(),
    );
    for (const [id, { Properties: p }] of Object.entries(declared)) {
      const TableName = `streamlake-${id}`;
      const { Table } = await cloud.clients.dynamodb.send(new DescribeTableCommand({ TableName }));
      expect(Table?.KeySchema).toEqual(p.KeySchema);
      if (p.StreamSpecification) {
        expect(Table?.StreamSpecification).toEqual({
          StreamEnabled: true,
          ...(p.StreamSpecification as object),
        });
      } else {
        expect(Table?.StreamSpecification).toBeUndefined();
      }
      const indexes = (p.GlobalSecondaryIndexes as { IndexName: string }[] | undefined) ?? [];
      expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        indexes.map((i) => i.IndexName).sort(),
      );
      const ttl = await cloud.clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe(
        (p.TimeToLiveSpecification as { AttributeName?: string } | undefined)?.AttributeName,
      );
    }
  });

  it('one bucket per AWS::S3::Bucket', async () => {
    const declared = Object.keys(template.findResources('AWS::S3::Bucket'));
    const listed =
      (await cloud.clients.s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name) ?? [];
    expect(listed.sort()).toEqual(declared.map((id) => `streamlake-${id.toLowerCase()}`).sort());
  });

  it('runs every function the template declares but the custom resource providers, which CloudFormation alone invokes', () => {
    const declared = Object.keys(template.findResources('AWS::Lambda::Function'));
    const providers = Object.values(template.toJSON().Resources as Resources)
      .map((r) => r.Properties?.ServiceToken as { 'Fn::GetAtt'?: [string, string] } | undefined)
      .flatMap((token) => token?.['Fn::GetAtt']?.[0] ?? []);

    expect(providers.length).toBeGreaterThan(0);
    expect(cloud.plan.functionsNotRun.map((f) => f.logicalId).sort()).toEqual([...new Set(providers)].sort());
    expect([...cloud.plan.functions, ...cloud.plan.functionsNotRun].map((f) => f.logicalId).sort()).toEqual(
      declared.sort(),
    );
  });

  it('each function runs with the environment the template gives it, Refs resolved to local names', () => {
    const declared = template.findResources('AWS::Lambda::Function') as Resources;
    for (const fn of cloud.plan.functions) {
      const variables = (
        declared[fn.logicalId]?.Properties.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(Object.keys(fn.environment).sort()).toEqual(Object.keys(variables).sort());
      for (const [name, value] of Object.entries(variables)) {
        if (typeof value === 'string') expect(fn.environment[name]).toBe(value);
        // Refs and GetAtts resolve to the local resource's name, or its ARN (SNS topics).
        else expect(fn.environment[name]).toMatch(/^(arn:aws:[a-z0-9]+:[a-z0-9-]*:\d*:)?streamlake-/);
      }
    }
  });

  it('each event source mapping runs with every setting the template declares', () => {
    const declared = template.findResources('AWS::Lambda::EventSourceMapping') as Resources;
    const mappings = [...cloud.plan.kinesisMappings, ...cloud.plan.dynamoDbStreamMappings];
    expect(mappings.map((m) => m.id).sort()).toEqual(Object.keys(declared).sort());
    for (const mapping of mappings) {
      const p = declared[mapping.id]?.Properties ?? {};
      expect(mapping).toMatchObject({
        batchSize: p.BatchSize,
        maximumBatchingWindowMs: (p.MaximumBatchingWindowInSeconds as number) * 1000,
        startingPosition: p.StartingPosition,
        reportBatchItemFailures: (p.FunctionResponseTypes as string[]).includes('ReportBatchItemFailures'),
        bisectBatchOnFunctionError: p.BisectBatchOnFunctionError,
        maximumRetryAttempts: p.MaximumRetryAttempts,
        maximumRecordAgeMs: (p.MaximumRecordAgeInSeconds as number) * 1000,
        parallelizationFactor: p.ParallelizationFactor,
      });
      expect(mapping.onFailureBucket).toMatch(/^streamlake-lakebucket/);
    }
    for (const mapping of cloud.plan.dynamoDbStreamMappings) {
      const filters = (declared[mapping.id]?.Properties.FilterCriteria as { Filters: { Pattern: string }[] })
        .Filters;
      expect(mapping.filterPatterns).toEqual(filters.map((f) => f.Pattern));
    }
    expect(cloud.plan.unsupportedMappings).toEqual([]);
  });

  it('one topic per AWS::SNS::Topic on the local SNS server', async () => {
    const declared = Object.keys(template.findResources('AWS::SNS::Topic'));
    const listed =
      (await cloud.clients.sns?.send(new ListTopicsCommand({})))?.Topics?.map((t) => t.TopicArn) ?? [];
    expect(listed.sort()).toEqual(
      declared.map((id) => `arn:aws:sns:us-east-1:000000000000:streamlake-${id}`).sort(),
    );
  });

  it('one local schedule per scheduled AWS::Events::Rule, targeting the same function', () => {
    const declared = template.findResources('AWS::Events::Rule') as Resources;
    expect(cloud.schedules.map((s) => s.ruleId).sort()).toEqual(Object.keys(declared).sort());
    for (const schedule of cloud.schedules) {
      const targets = declared[schedule.ruleId]?.Properties.Targets as {
        Arn: { 'Fn::GetAtt': [string, string] };
      }[];
      expect(targets.map((t) => t.Arn['Fn::GetAtt'][0])).toContain(schedule.functionLogicalId);
    }
  });
});
