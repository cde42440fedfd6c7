import { describe, expect, it } from 'vitest';
import type { PollerObserver } from '../../../../../infra/local/esm/batch-delivery.ts';
import { kinesisPutMetrics } from '../../../../../infra/local/metrics/kinesis-metrics.ts';
import { lambdaInvocationMetrics } from '../../../../../infra/local/metrics/lambda-metrics.ts';
import {
  givenUpMetrics,
  iteratorAgeMetrics,
  observeAll,
} from '../../../../../infra/local/metrics/mapping-metrics.ts';
import { type MetricId, MetricStore } from '../../../../../infra/local/metrics/metric-store.ts';
import { s3RequestMetrics } from '../../../../../infra/local/metrics/s3-metrics.ts';
import { snsPublishMetrics } from '../../../../../infra/local/metrics/sns-metrics.ts';
import { type LocalAccount, planFromTemplate, type Template } from '../../../../../infra/local/template.ts';

const account: LocalAccount = { region: 'us-east-1', accountId: '000000000000', stackName: 'streamlake' };
const STREAM = 'streamlake-Events';
const AGGREGATE = 'streamlake-AggregateFunction';
const FANOUT = 'streamlake-FanoutFunction';
const LAKE = 'streamlake-lakebucket';

const fn = { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler' } };
/** A small template shaped like the synthesized stack: a stream, a table with a stream, a lake bucket. */
const template: Template = {
  Resources: {
    Events: { Type: 'AWS::Kinesis::Stream', Properties: {} },
    Rollups: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } },
    },
    LakeBucket: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        MetricsConfigurations: [
          { Id: 'LakeOutput', Prefix: 'lake/' },
          { Id: 'Quarantine', Prefix: 'quarantine/' },
          { Id: 'EntireBucket' },
          { Id: 'Tagged', TagFilters: [{ Key: 'team', Value: 'data' }] },
        ],
      },
    },
    AggregateFunction: fn,
    FanoutFunction: fn,
    AggregateMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': ['Events', 'Arn'] },
        FunctionName: { Ref: 'AggregateFunction' },
        StartingPosition: 'TRIM_HORIZON',
        MetricsConfig: { Metrics: ['EventCount'] },
      },
    },
    FanoutMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': ['Rollups', 'StreamArn'] },
        FunctionName: { Ref: 'FanoutFunction' },
        StartingPosition: 'TRIM_HORIZON',
      },
    },
  },
};
const plan = planFromTemplate(template, account);

const id = (namespace: string, name: string, dimensions: Record<string, string>): MetricId => ({
  namespace,
  name,
  dimensions,
});
const lambda = (name: string, functionName = AGGREGATE) =>
  id('AWS/Lambda', name, { FunctionName: functionName });
const stat = (store: MetricStore, metric: MetricId, statistic: 'Sum' | 'Maximum' | 'SampleCount') =>
  store.series(metric, statistic, 60_000, Date.now() - 60_000, Date.now() + 1).values.find((v) => v !== null);

describe('the AWS metrics of the local cloud', () => {
  it('reads each bucket’s request-metrics filters from the template', () => {
    expect(plan.buckets.find((b) => b.logicalId === 'LakeBucket')?.metricsFilters).toEqual([
      { id: 'LakeOutput', prefix: 'lake/' },
      { id: 'Quarantine', prefix: 'quarantine/' },
      { id: 'EntireBucket' },
      { id: 'Tagged', tagFilters: [{ key: 'team', value: 'data' }] },
    ]);
  });

  it('AWS/Lambda: one invocation each, errors as 0 or 1, duration, no throttles, concurrency', () => {
    // Prepare
    const store = new MetricStore();
    const record = lambdaInvocationMetrics(store);
    const now = Date.now();
    // Act
    record({ functionName: AGGREGATE, startedAtMs: now, durationMs: 120, failed: false, concurrent: 1 });
    record({ functionName: AGGREGATE, startedAtMs: now, durationMs: 80, failed: true, concurrent: 2 });
    // Assess
    expect(store.total(lambda('Invocations'))).toBe(2);
    expect(store.total(lambda('Errors'))).toBe(1);
    expect(stat(store, lambda('Errors'), 'SampleCount')).toBe(2);
    expect(store.total(lambda('Duration'))).toBe(200);
    expect(store.total(lambda('Throttles'))).toBe(0);
    expect(stat(store, lambda('ConcurrentExecutions'), 'Maximum')).toBe(2);
  });

  it('iterator ages per function of every stream mapping, and per Kinesis stream', () => {
    // Prepare
    const store = new MetricStore();
    const observer = iteratorAgeMetrics(store, plan);
    const checkpoint = { shardId: 'shardId-000000000000', sequenceNumber: '1', records: 10 };
    // Act
    observer.onCheckpoint?.({ ...checkpoint, mappingId: 'AggregateMapping', iteratorAgeMs: 1500 });
    observer.onCheckpoint?.({ ...checkpoint, mappingId: 'AggregateMapping', iteratorAgeMs: 700 });
    observer.onCheckpoint?.({ ...checkpoint, mappingId: 'FanoutMapping', iteratorAgeMs: 300 });
    // Assess
    expect(stat(store, lambda('IteratorAge'), 'Maximum')).toBe(1500);
    expect(stat(store, lambda('IteratorAge', FANOUT), 'Maximum')).toBe(300);
    expect(
      stat(store, id('AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds', { StreamName: STREAM }), 'Maximum'),
    ).toBe(1500);
    expect(store.find('AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds')).toHaveLength(1);
  });

  it('records given up on per mapping UUID, only for mappings whose MetricsConfig asks for EventCount', () => {
    // Prepare
    const store = new MetricStore();
    const observer = givenUpMetrics(store, plan);
    const uuid = plan.kinesisMappings[0]?.uuid ?? '';
    const discard = { shardId: 'shardId-000000000000', condition: 'RetryAttemptsExhausted' };
    // Act
    observer.onDiscard?.({ ...discard, mappingId: 'AggregateMapping', records: 40, key: 'aws/lambda/x' });
    observer.onDiscard?.({ ...discard, mappingId: 'AggregateMapping', records: 2 });
    observer.onDiscard?.({ ...discard, mappingId: 'FanoutMapping', records: 7, key: 'aws/lambda/y' });
    // Assess
    const mapping = (name: string) => id('AWS/Lambda', name, { EventSourceMappingUUID: uuid });
    expect(stat(store, mapping('DroppedEventCount'), 'Sum')).toBe(42);
    expect(stat(store, mapping('OnFailureDestinationDeliveredEventCount'), 'Sum')).toBe(40);
    expect(store.find('AWS/Lambda', 'DroppedEventCount')).toHaveLength(1);
  });

  it('one observer tells the caller’s observer and the metrics everything', () => {
    // Prepare
    const seen: string[] = [];
    const caller: PollerObserver = {
      onInvoke: (info) => seen.push(`invoke ${info.records}`),
      onCheckpoint: (info) => seen.push(`checkpoint ${info.records}`),
    };
    const metrics: PollerObserver = { onCheckpoint: () => seen.push('metrics') };
    const both = observeAll(caller, undefined, metrics);
    // Act
    both.onInvoke?.({ mappingId: 'm', shardId: 's', records: 3, outcome: 'success' });
    both.onCheckpoint?.({ mappingId: 'm', shardId: 's', sequenceNumber: '1', iteratorAgeMs: 0, records: 3 });
    both.onDiscard?.({ mappingId: 'm', shardId: 's', records: 1, condition: 'RecordAgeExceeded' });
    // Assess
    expect(seen).toEqual(['invoke 3', 'checkpoint 3', 'metrics']);
  });

  it('AWS/Kinesis: incoming records, bytes and write throttles per stream', () => {
    // Prepare
    const store = new MetricStore();
    const now = Math.floor(Date.now() / 1000) * 1000;
    // Act
    kinesisPutMetrics(store)([
      { streamName: STREAM, timestampMs: now, records: 500, bytes: 146_500, throttled: 0 },
      { streamName: STREAM, timestampMs: now, records: 20, bytes: 5_860, throttled: 2 },
    ]);
    // Assess
    const of = (name: string) => id('AWS/Kinesis', name, { StreamName: STREAM });
    expect(store.total(of('IncomingRecords'))).toBe(520);
    expect(store.total(of('IncomingBytes'))).toBe(152_360);
    expect(store.total(of('WriteProvisionedThroughputExceeded'))).toBe(2);
  });

  it('AWS/S3: puts and uploaded bytes per declared filter that the key matches', () => {
    // Prepare
    const store = new MetricStore();
    const created = s3RequestMetrics(store, plan.buckets);
    const filter = (name: string, filterId: string) =>
      id('AWS/S3', name, { BucketName: LAKE, FilterId: filterId });
    // Act
    created({
      bucket: LAKE,
      key: 'lake/clickstream/dt=2026-11-22/hour=10/a.parquet',
      size: 1000,
      method: 'Put',
    });
    created({
      bucket: LAKE,
      key: 'lake/telemetry/dt=2026-11-22/hour=10/b.parquet',
      size: 500,
      method: 'Put',
    });
    created({
      bucket: LAKE,
      key: 'quarantine/dt=2026-11-22/shardId-000000000000/x.jsonl',
      size: 70,
      method: 'Put',
    });
    created({ bucket: LAKE, key: 'lake/copied.parquet', size: 1000, method: 'Copy' });
    created({ bucket: 'another-bucket', key: 'lake/x', size: 1, method: 'Put' });
    // Assess
    expect(store.total(filter('PutRequests', 'LakeOutput'))).toBe(3);
    expect(store.total(filter('BytesUploaded', 'LakeOutput'))).toBe(1500);
    expect(store.total(filter('PutRequests', 'Quarantine'))).toBe(1);
    expect(store.total(filter('PutRequests', 'EntireBucket'))).toBe(4);
    expect(store.find('AWS/S3', 'PutRequests', { FilterId: 'Tagged' })).toEqual([]);
    expect(store.find('AWS/S3', 'PutRequests', { BucketName: 'another-bucket' })).toEqual([]);
  });

  it('AWS/SNS: one published message per publish, by topic name', () => {
    // Prepare
    const store = new MetricStore();
    const published = snsPublishMetrics(store);
    const message = {
      messageId: 'm-1',
      topicArn: 'arn:aws:sns:us-east-1:000000000000:streamlake-AlertsTopic',
      message: '{}',
      messageAttributes: {},
      timestamp: new Date().toISOString(),
    };
    // Act
    published(message);
    published({ ...message, messageId: 'm-2' });
    // Assess
    expect(
      store.total(id('AWS/SNS', 'NumberOfMessagesPublished', { TopicName: 'streamlake-AlertsTopic' })),
    ).toBe(2);
  });
});
