import type { StagePlan } from './api-plan.ts';
import { type ApiAnswer, type ApiRequest, headerOf, type ServedApi } from './api-request.ts';
import { contextVariable } from './context-variable.ts';
import { type GatewayError, gatewayErrorResponse } from './gateway-responses.ts';
import { MethodInvocation } from './method-invocation.ts';
import { matchRoute } from './routes.ts';

/** A gateway response for a request that reached a stage but no method (an unknown path, a body too large). */
export const stageError = (
  api: ServedApi,
  stage: StagePlan,
  request: ApiRequest,
  error: GatewayError,
): ApiAnswer => {
  const context = contextVariable({
    accountId: api.accountId,
    apiId: api.plan.apiId,
    stage: stage.stageName,
    requestId: request.requestId,
    extendedRequestId: request.extendedRequestId,
    receivedAtMs: request.receivedAtMs,
    httpMethod: request.httpMethod,
    path: `/${stage.stageName}${request.path}`,
    sourceIp: request.sourceIp,
    userAgent: headerOf(request.headers, 'user-agent'),
    host: headerOf(request.headers, 'host'),
  });
  const answer = gatewayErrorResponse(api.plan.gatewayResponses, error, {
    context,
    stageVariables: stage.variables,
    params: { path: {}, querystring: request.query, header: request.headers },
    accept: headerOf(request.headers, 'accept'),
  });
  return {
    ...answer,
    headers: {
      ...answer.headers,
      'x-amzn-RequestId': request.requestId,
      'x-amz-apigw-id': request.extendedRequestId,
    },
    stage: stage.stageName,
    errorType: error.type,
  };
};

/**
 * Answers a request to `stage` of an API: the method its path and HTTP method select, or API Gateway's
 * 403 Missing Authentication Token when none does (REST APIs answer an unknown path so, not with a 404).
 */
export const answerRequest = (api: ServedApi, stage: StagePlan, request: ApiRequest): Promise<ApiAnswer> => {
  const route = matchRoute(api.plan.methods, request.httpMethod, request.path);
  if (!route)
    return Promise.resolve(stageError(api, stage, request, { type: 'MISSING_AUTHENTICATION_TOKEN' }));
  return new MethodInvocation(api, stage, request, route).run();
};
