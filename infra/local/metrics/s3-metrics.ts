import type { ObjectCreated } from '../servers/s3-server.ts';
import type { BucketPlan } from '../template.ts';
import type { MetricStore } from './metric-store.ts';

export const S3_NAMESPACE = 'AWS/S3';

/**
 * AWS/S3 request metrics, dimensions `{BucketName, FilterId}`, for each request-metrics filter the
 * template declares on a bucket (`MetricsConfigurations`): PutRequests (PUT and copy) and BytesUploaded
 * (bytes of PUT and POST bodies). Objects are matched by key prefix; a filter by tags or access point
 * cannot be matched locally (the server does not report them) and gets no datapoints.
 */
export const s3RequestMetrics = (store: MetricStore, buckets: readonly BucketPlan[]) => {
  const filtersByBucket = new Map(
    buckets.map((bucket) => [
      bucket.name,
      bucket.metricsFilters.filter((filter) => !filter.tagFilters && !filter.accessPointArn),
    ]),
  );
  return (object: ObjectCreated): void => {
    const filters = filtersByBucket.get(object.bucket);
    if (!filters) return;
    const at = Date.now();
    for (const filter of filters) {
      if (filter.prefix && !object.key.startsWith(filter.prefix)) continue;
      const dimensions = { BucketName: object.bucket, FilterId: filter.id };
      if (object.method !== 'Post')
        store.put({ namespace: S3_NAMESPACE, name: 'PutRequests', dimensions }, 1, at);
      if (object.method !== 'Copy') {
        store.put({ namespace: S3_NAMESPACE, name: 'BytesUploaded', dimensions }, object.size, at);
      }
    }
  };
};
