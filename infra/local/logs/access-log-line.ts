import { clfTime } from '../apigateway/context-variable.ts';
import type { ApiAccessEntry } from '../apigateway/start-rest-apis.ts';

/** The access-log `$context` variables the local API Gateway knows, for one answered request. */
const variablesOf = (entry: ApiAccessEntry, apiId: string): Record<string, string | number | undefined> => {
  const { request, answer } = entry;
  const header = (name: string) =>
    Object.entries(request.headers).findLast(([key]) => key.toLowerCase() === name)?.[1];
  return {
    apiId,
    stage: answer.stage,
    requestId: request.requestId,
    extendedRequestId: request.extendedRequestId,
    requestTime: clfTime(request.receivedAtMs),
    requestTimeEpoch: request.receivedAtMs,
    httpMethod: request.httpMethod,
    path: `/${answer.stage}${request.path}`,
    protocol: 'HTTP/1.1',
    resourcePath: answer.resourcePath,
    status: answer.status,
    'error.responseType': answer.errorType,
    'error.message': answer.errorType ? answer.cause : undefined,
    'integration.latency': answer.integrationLatencyMs,
    integrationLatency: answer.integrationLatencyMs,
    responseLatency: Math.round(entry.latencyMs),
    responseLength: Buffer.byteLength(answer.body),
    'identity.sourceIp': request.sourceIp,
    'identity.userAgent': header('user-agent'),
  };
};

/** Characters that would break a JSON access-log line, escaped (a user agent may hold quotes). */
const escaped = (text: string) => JSON.stringify(text).slice(1, -1);

/**
 * The access log line API Gateway writes for a request: the stage's format with each `$context.x` replaced by its
 * value, `-` where the request has none (as on AWS) or the local cloud does not know it
 * (`$context.integration.status`, `$context.identity.apiKeyId`: docs/decisions.md D20).
 */
export const accessLogLine = (format: string, entry: ApiAccessEntry, apiId: string): string => {
  const variables = variablesOf(entry, apiId);
  return format.replace(/\$context\.([A-Za-z0-9_.]*[A-Za-z0-9_])/g, (_, name: string) => {
    const value = variables[name];
    return value === undefined || value === '' ? '-' : escaped(String(value));
  });
};
