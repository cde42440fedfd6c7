import type { AlarmSpec } from './alarms.ts';
import { metric } from './metrics.ts';
import type { CollectorResource } from './resources.ts';
import type { MetricSpec, SearchSpec, Statistic, Unit } from './series.ts';
import type { DashboardRow } from './widgets.ts';

/**
 * The web collector's responses counted by status from its access log (a CloudWatch metric filter on the
 * stage's JSON lines): API Gateway's own metrics count 4XX and 5XX only, so a throttle (429), a refused
 * origin (403) or a refused batch (413, 503) is told apart only here.
 */
export const COLLECTOR_RESPONSES_METRIC = {
  namespace: 'Streamlake',
  name: 'CollectorResponses',
  /** Dimension → the access-log field the metric filter reads it from. */
  dimensions: { ApiName: '$.apiName', status: '$.status' },
} as const;

/** API Gateway's stage metrics (namespace AWS/ApiGateway, by API name and stage). */
export const collectorMetrics = (collector: CollectorResource) => {
  const of = (name: string, statistic: Statistic, label: string, unit: Unit) =>
    metric(
      'AWS/ApiGateway',
      name,
      { ApiName: collector.apiName, Stage: collector.stage },
      statistic,
      label,
      unit,
    );
  return {
    requests: of('Count', 'Sum', 'requests', 'Count'),
    clientErrors: of('4XXError', 'Sum', '4xx', 'Count'),
    serverErrors: of('5XXError', 'Sum', '5xx', 'Count'),
    latencyAverage: of('Latency', 'Average', 'latency avg', 'Milliseconds'),
    latencyP99: of('Latency', 'p99', 'latency p99', 'Milliseconds'),
    latencyMaximum: of('Latency', 'Maximum', 'latency max', 'Milliseconds'),
    kinesisLatency: of('IntegrationLatency', 'Average', 'Kinesis latency avg', 'Milliseconds'),
    throttled: metric(
      COLLECTOR_RESPONSES_METRIC.namespace,
      COLLECTOR_RESPONSES_METRIC.name,
      { ApiName: collector.apiName, status: '429' },
      'Sum',
      '429 throttled',
      'Count',
    ),
  };
};

/** The collector's responses, one line per status. */
export const collectorResponsesByStatus = (collector: CollectorResource): SearchSpec => ({
  kind: 'search',
  namespace: COLLECTOR_RESPONSES_METRIC.namespace,
  name: COLLECTOR_RESPONSES_METRIC.name,
  dimensions: { ApiName: collector.apiName },
  groupBy: 'status',
  statistic: 'Sum',
  label: 'responses',
  unit: 'Count',
});

/**
 * Records Kinesis accepted and refused in PutRecords calls (stream-level metrics, free). They count every
 * PutRecords caller of the stream: the collector — one record a request, holding its batch of events (D36) —
 * and any producer with credentials; devices' topic rule writes with PutRecord and is not among them. The
 * access log cannot carry the counts: no access-log variable holds the integration's response body.
 */
export const putRecordsMetrics = (streamName: string) => {
  const of = (name: string, label: string) =>
    metric('AWS/Kinesis', `PutRecords.${name}`, { StreamName: streamName }, 'Sum', label, 'Count');
  return {
    accepted: of('SuccessfulRecords', 'records accepted'),
    refused: of('FailedRecords', 'records refused'),
    throttled: of('ThrottledRecords', 'records refused for throughput'),
  };
};

/** The Edge row: requests and their outcome, latency, and what Kinesis accepted. */
export const edgeRow = (collector: CollectorResource, streamName: string): DashboardRow => {
  const api = collectorMetrics(collector);
  const records = putRecordsMetrics(streamName);
  const graph = (title: string, left: readonly (MetricSpec | SearchSpec)[]) => ({
    kind: 'graph' as const,
    title,
    left,
    width: 6,
  });
  return {
    title: `Edge: web collector ${collector.apiName} (${collector.stage})`,
    widgets: [
      graph('Requests, 4xx and 5xx', [api.requests, api.clientErrors, api.serverErrors]),
      graph('Responses by status (access log)', [collectorResponsesByStatus(collector)]),
      graph('Latency: whole request and Kinesis', [
        api.latencyAverage,
        api.latencyP99,
        api.latencyMaximum,
        api.kinesisLatency,
      ]),
      graph('Records accepted and refused by Kinesis (all PutRecords callers; a request is one record)', [
        records.accepted,
        records.refused,
        records.throttled,
      ]),
    ],
  };
};

export interface EdgeThresholds {
  /** 5xx responses as a share of requests, in 3 of 5 minutes. */
  readonly collectorErrorRatePercent: number;
  /** Throttled (429) responses per minute, two minutes in a row. */
  readonly collectorThrottlesPerMinute: number;
}

const MINUTE = 60;

/** The collector's alarms: a 5xx rate (Kinesis or the integration failing) and throttling (429s). */
export const edgeAlarms = (collector: CollectorResource, thresholds: EdgeThresholds): AlarmSpec[] => {
  const api = collectorMetrics(collector);
  return [
    {
      id: 'CollectorErrorRate',
      title: `web collector 5xx rate above ${thresholds.collectorErrorRatePercent}%`,
      series: { kind: 'percent', part: api.serverErrors, whole: api.requests, label: 'collector 5xx rate' },
      comparison: 'GreaterThanThreshold',
      threshold: thresholds.collectorErrorRatePercent,
      periodSeconds: MINUTE,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      description:
        `More than ${thresholds.collectorErrorRatePercent}% of the web collector's requests (${collector.apiName}) fail with 5xx. ` +
        'Clients resend after Retry-After, so nothing is lost yet; the access log says which: kinesisStatus 5xx is Kinesis failing, ' +
        'IntegrationTimeout or IntegrationFailure is the integration, a Kinesis 4xx answered 503 is a permission or a missing stream (read the message).',
    },
    {
      id: 'CollectorThrottled',
      title: 'web collector throttling requests',
      series: api.throttled,
      comparison: 'GreaterThanThreshold',
      threshold: thresholds.collectorThrottlesPerMinute,
      periodSeconds: MINUTE,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: 'notBreaching',
      description:
        `The web collector (${collector.apiName}) answered 429 more than ${thresholds.collectorThrottlesPerMinute} times a minute for two minutes. ` +
        "Clients back off and resend, so events arrive late rather than not at all. Kinesis refusing for throughput shows on the Edge row's 'refused for throughput' line " +
        "and the stream's write throttles; otherwise the stage or a key's usage-plan throttle is the limit (streamlake:collectorRateLimit, streamlake:collectorKeyRateLimit).",
    },
  ];
};
