import { PublishCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineStats } from '../../commands/start/pipeline-stats.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import type { MetricId, Statistic } from '../../infra/local/metrics/metric-store.ts';
import { createKinesisClient } from '../../producers/kinesis-client.ts';
import { type ProducerSummary, runProducers } from '../../producers/run-producers.ts';
import { eventually, lakeBucketOf, readShards, streamOf } from './support/local-cloud-fixture.ts';

const FAST = {
  'streamlake:aggregateBatchingWindowSeconds': 1,
  'streamlake:archiveBatchingWindowSeconds': 1,
};

describe('the local cloud collects the metrics CloudWatch would have', () => {
  let cloud: LocalCloud;
  let summary: ProducerSummary;
  let stats: PipelineStats;
  const startedAt = Date.now();

  const id = (namespace: string, name: string, dimensions: Record<string, string>): MetricId => ({
    namespace,
    name,
    dimensions,
  });
  const total = (metric: MetricId) => cloud.metricStore.total(metric);
  /** The statistic over the whole run, in one-minute periods, non-null datapoints only. */
  const datapoints = (metric: MetricId, statistic: Statistic) =>
    cloud.metricStore
      .series(metric, statistic, 60_000, startedAt, Date.now() + 1)
      .values.filter((v): v is number => v !== null);

  beforeAll(async () => {
    // Prepare: every mapping running while the simulators write a few hundred records, some poison.
    cloud = await LocalCloud.start({ context: FAST });
    stats = new PipelineStats();
    const mappings = new AbortController();
    const running = cloud.runMappings(mappings.signal, { observer: stats });
    try {
      summary = await runProducers({
        client: createKinesisClient({ endpoint: cloud.endpoints.kinesis }),
        streamName: streamOf(cloud).name,
        rate: 400,
        durationSeconds: 2,
        maxEvents: 400,
        seed: 11,
        devices: 10,
        poisonRate: 0.03,
      });
      // Act: both Kinesis consumers drain the stream.
      const drained = (consumer: 'aggregate' | 'archive') =>
        stats.mapping(cloud.resources.mappings[consumer].id).processed >= summary.sent;
      await eventually(() => drained('aggregate') && drained('archive'), 20_000, 'both consumers to drain');
    } finally {
      mappings.abort();
      await running;
    }
  });
  afterAll(async () => cloud?.stop());

  it('AWS/Kinesis: incoming records equal what the producers got accepted, bytes equal the data stored', async () => {
    const stream = { StreamName: streamOf(cloud).name };
    expect(summary.sent).toBeGreaterThanOrEqual(390);
    expect(summary.poisonSent).toBeGreaterThan(0);
    // The kinesalite thread hands its counts over about twice a second.
    await eventually(
      () => total(id('AWS/Kinesis', 'IncomingRecords', stream)) === summary.sent,
      5_000,
      `IncomingRecords to reach ${summary.sent} (at ${total(id('AWS/Kinesis', 'IncomingRecords', stream))})`,
    );
    const stored = [...(await readShards(cloud)).values()]
      .flat()
      .reduce((sum, record) => sum + Buffer.from(record.data, 'base64').length, 0);
    expect(total(id('AWS/Kinesis', 'IncomingBytes', stream))).toBe(stored);
    expect(total(id('AWS/Kinesis', 'WriteProvisionedThroughputExceeded', stream))).toBe(0);
    expect(
      datapoints(id('AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds', stream), 'Maximum').length,
    ).toBeGreaterThan(0);
  });

  it('AWS/Lambda: every invocation of the aggregator with its duration, no errors or throttles, its iterator age', () => {
    const aggregate = { FunctionName: cloud.resources.functions.aggregate.name };
    const invocations = total(id('AWS/Lambda', 'Invocations', aggregate));
    expect(invocations).toBe(stats.mapping(cloud.resources.mappings.aggregate.id).invocations);
    expect(invocations).toBeGreaterThan(0);
    const durations = datapoints(id('AWS/Lambda', 'Duration', aggregate), 'SampleCount');
    expect(durations.reduce((sum, count) => sum + count, 0)).toBe(invocations);
    expect(datapoints(id('AWS/Lambda', 'Duration', aggregate), 'Average')[0]).toBeGreaterThan(0);
    expect(total(id('AWS/Lambda', 'Errors', aggregate))).toBe(0);
    expect(total(id('AWS/Lambda', 'Throttles', aggregate))).toBe(0);
    const concurrency = datapoints(id('AWS/Lambda', 'ConcurrentExecutions', aggregate), 'Maximum');
    expect(Math.max(...concurrency)).toBeGreaterThanOrEqual(1);
    expect(datapoints(id('AWS/Lambda', 'IteratorAge', aggregate), 'Maximum').length).toBeGreaterThan(0);
  });

  it('Streamlake (EMF): the aggregator counted every record it processed, and quarantined the poison by reason', () => {
    const service = { service: 'streamlake-aggregate' };
    expect(total(id('Streamlake', 'RecordsIn', service))).toBe(
      stats.mapping(cloud.resources.mappings.aggregate.id).processed,
    );
    expect(total(id('Streamlake', 'RecordsIn', service))).toBe(summary.sent);
    const byReason = cloud.metricStore.find('Streamlake', 'QuarantinedByReason', service);
    expect(byReason.map((metric) => metric.dimensions.reason).sort()).toEqual(
      Object.keys(summary.poisonByKind).sort(),
    );
    expect(byReason.reduce((sum, metric) => sum + total(metric), 0)).toBe(summary.poisonSent);
    // The existing counters read the same data.
    expect(cloud.metrics.get('RecordsIn', 'streamlake-aggregate')).toBe(summary.sent);
  });

  it('AWS/S3: lake puts per request-metrics filter the template declares', async () => {
    const filters = cloud.resources.lakeBucket.metricsFilters.map((filter) => filter.id);
    expect(filters).toEqual(expect.arrayContaining(['LakeOutput', 'Quarantine', 'OnFailureRecords']));
    const filter = (filterId: string) => ({ BucketName: lakeBucketOf(cloud), FilterId: filterId });
    await eventually(
      () => total(id('AWS/S3', 'PutRequests', filter('LakeOutput'))) > 0,
      10_000,
      'the archiver to write Parquet under lake/',
    );
    expect(total(id('AWS/S3', 'BytesUploaded', filter('LakeOutput')))).toBeGreaterThan(0);
    expect(total(id('AWS/S3', 'PutRequests', filter('Quarantine')))).toBeGreaterThan(0);
    expect(total(id('AWS/S3', 'PutRequests', filter('OnFailureRecords')))).toBe(0);
  });

  it('AWS/SNS: every message published to the alerts topic', async () => {
    const topic = cloud.resources.alertsTopic;
    const { sns } = cloud.clients;
    if (!sns) throw new Error('the cloud has no SNS client');
    await sns.send(new PublishCommand({ TopicArn: topic.arn, Message: 'metrics check' }));
    const published = cloud.sns.published().filter((message) => message.topicArn === topic.arn).length;
    expect(published).toBeGreaterThan(0);
    expect(total(id('AWS/SNS', 'NumberOfMessagesPublished', { TopicName: topic.name }))).toBe(published);
  });
});
