import { LAKE_METRIC_FILTERS, type TableResource } from './resources.ts';
import type { MetricSpec, SearchSpec, Statistic, Unit } from './series.ts';

/**
 * Metric definitions, apart from any layout (the MetricFactory of cdk-monitoring-constructs):
 * one function per source, named as CloudWatch names the metric.
 */
/** One CloudWatch metric as a series of the dashboard model. */
export const metric = (
  namespace: string,
  name: string,
  dimensions: Record<string, string>,
  statistic: Statistic,
  label: string,
  unit: Unit,
): MetricSpec => ({ kind: 'metric', namespace, name, dimensions, statistic, label, unit });

export const PIPELINE_NAMESPACE = 'Streamlake';

export const kinesisMetrics = (streamName: string) => {
  const of = (name: string, statistic: Statistic, label: string, unit: Unit) =>
    metric('AWS/Kinesis', name, { StreamName: streamName }, statistic, label, unit);
  return {
    incomingRecords: of('IncomingRecords', 'Sum', 'incoming records', 'Count'),
    incomingBytes: of('IncomingBytes', 'Sum', 'incoming bytes', 'Bytes'),
    iteratorAge: of(
      'GetRecords.IteratorAgeMilliseconds',
      'Maximum',
      'GetRecords iterator age',
      'Milliseconds',
    ),
    writeThrottles: of('WriteProvisionedThroughputExceeded', 'Sum', 'write throttles', 'Count'),
  };
};

export const lambdaMetrics = (functionName: string, title: string) => {
  const of = (name: string, statistic: Statistic, label: string, unit: Unit) =>
    metric('AWS/Lambda', name, { FunctionName: functionName }, statistic, `${title} ${label}`, unit);
  return {
    invocations: of('Invocations', 'Sum', 'invocations', 'Count'),
    errors: of('Errors', 'Sum', 'errors', 'Count'),
    durationAverage: of('Duration', 'Average', 'duration avg', 'Milliseconds'),
    durationMaximum: of('Duration', 'Maximum', 'duration max', 'Milliseconds'),
    throttles: of('Throttles', 'Sum', 'throttles', 'Count'),
    concurrency: of('ConcurrentExecutions', 'Maximum', 'concurrency', 'Count'),
    iteratorAge: of('IteratorAge', 'Maximum', 'iterator age', 'Milliseconds'),
  };
};

/** A mapping's EventCount metrics (published when its MetricsConfig asks for them), per mapping UUID. */
export const mappingMetrics = (mappingUuid: string, title: string) => ({
  droppedEvents: metric(
    'AWS/Lambda',
    'DroppedEventCount',
    { EventSourceMappingUUID: mappingUuid },
    'Sum',
    `${title} given up`,
    'Count',
  ),
});

/** A table's metrics, or one of its global secondary indexes' (which carry the index name as a dimension too). */
export const tableMetrics = (tableName: string, title: string, indexName?: string) => {
  const dimensions: Record<string, string> = indexName
    ? { TableName: tableName, GlobalSecondaryIndexName: indexName }
    : { TableName: tableName };
  const named = indexName ? `${title} ${indexName}` : title;
  const of = (name: string, statistic: Statistic, label: string, unit: Unit) =>
    metric('AWS/DynamoDB', name, dimensions, statistic, `${named} ${label}`, unit);
  return {
    consumedWrites: of('ConsumedWriteCapacityUnits', 'Sum', 'write units', 'Count'),
    consumedReads: of('ConsumedReadCapacityUnits', 'Sum', 'read units', 'Count'),
    /** Units per second a provisioned table or index has now (auto scaling moves it); absent on demand. */
    provisionedWrites: of('ProvisionedWriteCapacityUnits', 'Average', 'provisioned write units/s', 'Count'),
    writeThrottles: of('WriteThrottleEvents', 'Sum', 'write throttles', 'Count'),
    readThrottles: of('ReadThrottleEvents', 'Sum', 'read throttles', 'Count'),
    conditionalCheckFailures: of(
      'ConditionalCheckFailedRequests',
      'Sum',
      'conditional check failures',
      'Count',
    ),
  };
};

/** The metrics of a table and of each of its global secondary indexes, the table's first. */
export const tableAndIndexMetrics = (table: TableResource) =>
  [undefined, ...(table.indexes ?? [])].map((index) => tableMetrics(table.tableName, table.title, index));

export const lakeMetrics = (bucketName: string) => {
  const of = (filterId: string, name: string, label: string, unit: Unit) =>
    metric('AWS/S3', name, { BucketName: bucketName, FilterId: filterId }, 'Sum', label, unit);
  const { lakeOutput, quarantine, onFailure, deviceErrors } = LAKE_METRIC_FILTERS;
  return {
    lakePuts: of(lakeOutput.id, 'PutRequests', 'lake objects written', 'Count'),
    lakeBytes: of(lakeOutput.id, 'BytesUploaded', 'lake bytes written', 'Bytes'),
    quarantinePuts: of(quarantine.id, 'PutRequests', 'quarantine objects written', 'Count'),
    onFailurePuts: of(onFailure.id, 'PutRequests', 'on-failure records written', 'Count'),
    deviceErrorPuts: of(deviceErrors.id, 'PutRequests', 'kept under errors/iot/', 'Count'),
  };
};

export const topicMetrics = (topicName: string) => ({
  published: metric(
    'AWS/SNS',
    'NumberOfMessagesPublished',
    { TopicName: topicName },
    'Sum',
    'alert messages published',
    'Count',
  ),
});

/** The processors' own metrics (Powertools EMF, namespace Streamlake, dimension `service`). */
export const pipelineMetric = (
  service: string,
  name: string,
  label: string,
  statistic: Statistic = 'Sum',
  unit: Unit = 'Count',
): MetricSpec => metric(PIPELINE_NAMESPACE, name, { service }, statistic, label, unit);

export const quarantinedByReason = (service: string, title: string): SearchSpec => ({
  kind: 'search',
  namespace: PIPELINE_NAMESPACE,
  name: 'QuarantinedByReason',
  dimensions: { service },
  groupBy: 'reason',
  statistic: 'Sum',
  label: `${title} quarantined`,
  unit: 'Count',
});
