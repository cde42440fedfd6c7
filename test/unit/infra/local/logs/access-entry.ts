import type { ApiAccessEntry } from '../../../../../infra/local/apigateway/start-rest-apis.ts';

/** An answered request to the collector, as the local API Gateway reports it. */
export const accessEntry = (
  answer: { status: number; body?: string; errorType?: string; integrationLatencyMs?: number },
  request: { method?: string; body?: string; userAgent?: string } = {},
  apiLogicalId = 'CollectorApi',
): ApiAccessEntry => ({
  apiLogicalId,
  latencyMs: 12.4,
  request: {
    httpMethod: request.method ?? 'POST',
    path: '/v1/events',
    query: {},
    headers: { 'User-Agent': request.userAgent ?? 'test-agent/1.0' },
    body: request.body ?? '[]',
    sourceIp: '127.0.0.1',
    receivedAtMs: Date.UTC(2026, 11, 2, 14, 0, 0),
    requestId: 'r-1',
    extendedRequestId: 'e-1',
  },
  answer: {
    status: answer.status,
    headers: {},
    body: answer.body ?? '{}',
    stage: 'prod',
    resourcePath: '/v1/events',
    ...(answer.errorType ? { errorType: answer.errorType as never } : {}),
    ...(answer.integrationLatencyMs === undefined
      ? {}
      : { integrationLatencyMs: answer.integrationLatencyMs }),
  },
});
