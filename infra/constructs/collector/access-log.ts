import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';

/**
 * One JSON line per request in the stage's access log: what an operator needs to follow a request and what
 * the metric filter counts by. No source IP or user agent: the records keep those (the IP truncated); the
 * log would keep them whole. `apiName` is written as text so the metric filter can dimension by it.
 */
export const accessLogFields = (apiName: string) => ({
  requestId: '$context.requestId',
  time: '$context.requestTimeEpoch',
  apiName,
  method: '$context.httpMethod',
  route: '$context.resourcePath',
  status: '$context.status',
  error: '$context.error.responseType',
  kinesisStatus: '$context.integration.status',
  kinesisLatencyMs: '$context.integration.latency',
  latencyMs: '$context.responseLatency',
  responseBytes: '$context.responseLength',
  apiKeyId: '$context.identity.apiKeyId',
});

export const accessLogFormat = (apiName: string): AccessLogFormat =>
  AccessLogFormat.custom(JSON.stringify(accessLogFields(apiName)));
