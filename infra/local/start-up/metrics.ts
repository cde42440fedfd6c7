import { kinesisPutMetrics } from '../metrics/kinesis-metrics.ts';
import { lambdaInvocationMetrics } from '../metrics/lambda-metrics.ts';
import { givenUpMetrics, iteratorAgeMetrics, observeAll } from '../metrics/mapping-metrics.ts';
import { MetricStore } from '../metrics/metric-store.ts';
import { s3RequestMetrics } from '../metrics/s3-metrics.ts';
import { snsPublishMetrics } from '../metrics/sns-metrics.ts';
import type { CloudPlan } from '../template.ts';

/**
 * What CloudWatch would hold for the local cloud, in one store, and the hooks that feed it: the
 * AWS/Kinesis, AWS/S3 and AWS/SNS metrics the servers measure, the AWS/Lambda metrics of each
 * invocation and the iterator ages and given-up records of the event source mappings. (The functions'
 * own EMF metrics reach the store through their log, MetricsSink.)
 */
export const cloudMetrics = (plan: CloudPlan) => {
  const store = new MetricStore();
  return {
    store,
    kinesisPuts: kinesisPutMetrics(store),
    s3Requests: s3RequestMetrics(store, plan.buckets),
    snsPublishes: snsPublishMetrics(store),
    invocations: lambdaInvocationMetrics(store),
    mappings: observeAll(iteratorAgeMetrics(store, plan), givenUpMetrics(store, plan)),
  };
};

export type CloudMetrics = ReturnType<typeof cloudMetrics>;
