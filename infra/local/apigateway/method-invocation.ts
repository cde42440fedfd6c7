import { errorMessage } from '../../../processors/shared/errors.ts';
import { usageFor } from './api-keys.ts';
import type { MethodPlan, StagePlan } from './api-plan.ts';
import { type ApiAnswer, type ApiRequest, headerOf, type ServedApi } from './api-request.ts';
import { IntegrationFailure, type IntegrationResult } from './aws-integration.ts';
import { contextVariable, type RequestFacts } from './context-variable.ts';
import { type GatewayError, gatewayErrorResponse, type HttpAnswer } from './gateway-responses.ts';
import { inputVariable, PayloadError, type RequestParameters } from './input-variable.ts';
import { methodResponse, selectIntegrationResponse } from './method-response.ts';
import { mockResult } from './mock-integration.ts';
import { validateRequest } from './request-validation.ts';
import type { RouteMatch } from './routes.ts';
import { requestMapping } from './template-selection.ts';
import { utilVariable } from './util-variable.ts';

/** The local cloud cannot do this (API Gateway could): said plainly, with 501. */
const notEmulated = (message: string): HttpAnswer => ({
  status: 501,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ message: `the local API Gateway ${message}` }),
});

/**
 * One request to a method, through API Gateway's steps in order: authorization it can emulate, API key and
 * throttles, request validation, request mapping, the integration, then the integration response mapped to
 * the method response. Each refusal is the gateway response of its type.
 */
export class MethodInvocation {
  private readonly method: MethodPlan;
  private readonly params: RequestParameters;
  private readonly facts: RequestFacts;

  constructor(
    private readonly api: ServedApi,
    private readonly stage: StagePlan,
    private readonly request: ApiRequest,
    route: RouteMatch,
  ) {
    this.method = route.method;
    this.params = { path: route.pathParameters, querystring: request.query, header: request.headers };
    const usage = this.usage();
    this.facts = {
      accountId: api.accountId,
      apiId: api.plan.apiId,
      stage: stage.stageName,
      requestId: request.requestId,
      receivedAtMs: request.receivedAtMs,
      httpMethod: request.httpMethod,
      path: `/${stage.stageName}${request.path}`,
      resourcePath: this.method.resourcePath,
      resourceId: this.method.resourceId,
      extendedRequestId: request.extendedRequestId,
      sourceIp: request.sourceIp,
      userAgent: headerOf(request.headers, 'user-agent'),
      host: headerOf(request.headers, 'host'),
      ...(usage && this.method.apiKeyRequired
        ? { apiKey: { id: usage.key.logicalId, value: usage.key.value } }
        : {}),
    };
  }

  async run(): Promise<ApiAnswer> {
    const unsupported = this.notEmulatedHere();
    if (unsupported) return this.answer(unsupported);
    const refusal = this.admission() ?? this.validation();
    if (refusal) return this.error(refusal);
    const mapping = requestMapping(
      this.method.integration.requestTemplates,
      headerOf(this.request.headers, 'content-type'),
      this.method.integration.passthroughBehavior,
    );
    if (mapping.kind === 'unsupported') return this.error({ type: 'UNSUPPORTED_MEDIA_TYPE' });
    let integrationBody: string;
    try {
      integrationBody =
        mapping.kind === 'template'
          ? this.api.template(mapping.template).render(this.variables(this.request.body))
          : this.request.body;
    } catch (error) {
      return this.templateError(error);
    }
    return this.integrate(integrationBody);
  }

  /** What the integration answered; undefined for an integration the local cloud does not run. */
  private async integrationResult(body: string): Promise<IntegrationResult | undefined> {
    const { type, uri, timeoutMs } = this.method.integration;
    if (type === 'MOCK') return mockResult(body);
    if (type === 'AWS' && this.api.aws.supports(uri)) return this.api.aws.call(uri, body, timeoutMs);
    return undefined;
  }

  private async integrate(body: string): Promise<ApiAnswer> {
    const startedAt = performance.now();
    let result: IntegrationResult | undefined;
    try {
      result = await this.integrationResult(body);
    } catch (error) {
      if (!(error instanceof IntegrationFailure)) throw error;
      return this.error(
        { type: error.timedOut ? 'INTEGRATION_TIMEOUT' : 'INTEGRATION_FAILURE' },
        error.message,
      );
    }
    if (!result) {
      const { type, uri } = this.method.integration;
      return this.answer(
        notEmulated(
          `does not run ${type} integrations like ${this.method.logicalId}'s (${uri ?? 'no uri'}): it runs MOCK, and AWS integrations calling a kinesis or dynamodb action`,
        ),
      );
    }
    const integrationLatencyMs = performance.now() - startedAt;
    const chosen = selectIntegrationResponse(this.method.integration.responses, result.status);
    if (!chosen) {
      return this.error(
        { type: 'API_CONFIGURATION_ERROR' },
        `no integration response selects status ${result.status} and none is the default`,
      );
    }
    try {
      // A fresh $context: what the request template set is not seen here, as on AWS.
      const answer = methodResponse({
        chosen,
        result,
        variables: this.variables(result.body),
        accept: headerOf(this.request.headers, 'accept'),
        compile: this.api.template,
      });
      return { ...this.answer(answer), integrationLatencyMs };
    } catch (error) {
      return this.error({ type: 'API_CONFIGURATION_ERROR' }, `response template: ${errorMessage(error)}`);
    }
  }

  private variables(body: string) {
    return {
      input: inputVariable(body, this.params),
      context: contextVariable(this.facts),
      util: utilVariable(),
      stageVariables: { ...this.stage.variables },
    };
  }

  private usage() {
    return usageFor(this.api.plan, this.stage.stageName, headerOf(this.request.headers, 'x-api-key'));
  }

  private notEmulatedHere(): HttpAnswer | undefined {
    if (this.method.authorizationType !== 'NONE') {
      return notEmulated(
        `does not run ${this.method.authorizationType} authorization (method ${this.method.logicalId})`,
      );
    }
    if (this.method.apiKeyRequired && this.api.plan.apiKeySource === 'AUTHORIZER') {
      return notEmulated(`does not take API keys from authorizers (API ${this.api.plan.logicalId})`);
    }
    return undefined;
  }

  /** The API key a method requires, then every throttle and quota. */
  private admission(): GatewayError | undefined {
    const usage = this.method.apiKeyRequired ? this.usage() : undefined;
    if (this.method.apiKeyRequired && !usage) return { type: 'INVALID_API_KEY' };
    const limited = this.api.throttles.admit({
      apiLogicalId: this.api.plan.logicalId,
      stage: this.stage,
      method: this.method,
      ...(usage ? { usage } : {}),
    });
    return limited ? { type: limited } : undefined;
  }

  private validation(): GatewayError | undefined {
    return validateRequest(this.method, {
      params: this.params,
      body: this.request.body,
      contentType: headerOf(this.request.headers, 'content-type'),
    });
  }

  private templateError(error: unknown): ApiAnswer {
    if (error instanceof PayloadError)
      return this.error({ type: 'BAD_REQUEST_BODY', message: error.message });
    return this.error({ type: 'API_CONFIGURATION_ERROR' }, `request template: ${errorMessage(error)}`);
  }

  private error(error: GatewayError, cause?: string): ApiAnswer {
    const answer = gatewayErrorResponse(this.api.plan.gatewayResponses, error, {
      context: contextVariable(this.facts),
      stageVariables: this.stage.variables,
      params: this.params,
      accept: headerOf(this.request.headers, 'accept'),
    });
    return { ...this.answer(answer), errorType: error.type, ...(cause === undefined ? {} : { cause }) };
  }

  private answer(answer: HttpAnswer): ApiAnswer {
    return {
      ...answer,
      headers: {
        ...answer.headers,
        'x-amzn-RequestId': this.request.requestId,
        'x-amz-apigw-id': this.request.extendedRequestId,
      },
      stage: this.stage.stageName,
      resourcePath: this.method.resourcePath,
    };
  }
}
