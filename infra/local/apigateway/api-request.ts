import type { RestApiPlan, StagePlan } from './api-plan.ts';
import type { AwsIntegrations } from './aws-integration.ts';
import type { GatewayErrorType, HttpAnswer } from './gateway-responses.ts';
import type { RequestThrottles } from './request-throttles.ts';
import type { CompiledTemplate } from './vtl.ts';

/** A request to a stage of an API, as the HTTP server read it. */
export interface ApiRequest {
  readonly httpMethod: string;
  /** The path after the stage: `/v1/events`. */
  readonly path: string;
  /** The last value of each query string parameter. */
  readonly query: Readonly<Record<string, string>>;
  /** Header names as the client sent them; the last value of a repeated header. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly sourceIp: string;
  readonly receivedAtMs: number;
  readonly requestId: string;
  /** API Gateway's other id of a request (`x-amz-apigw-id`, `$context.extendedRequestId`). */
  readonly extendedRequestId: string;
}

/** An API being served, with what its requests share: throttles, integrations, compiled templates. */
export interface ServedApi {
  readonly plan: RestApiPlan;
  readonly accountId: string;
  readonly throttles: RequestThrottles;
  readonly aws: AwsIntegrations;
  /** The compiled mapping template of this text (every template of the plan is compiled at start). */
  readonly template: (text: string) => CompiledTemplate;
}

/** The answer, and what an access log line says of it. */
export interface ApiAnswer extends HttpAnswer {
  readonly stage: StagePlan['stageName'];
  /** The matched resource path, when a method was found. */
  readonly resourcePath?: string;
  /** The gateway response type, when API Gateway answered itself. */
  readonly errorType?: GatewayErrorType;
  readonly integrationLatencyMs?: number;
  /** Why API Gateway failed the request, as its execution log would say (a template error, a lost integration). */
  readonly cause?: string;
}

/** A header's value by name in any case; the last one sent wins. */
export const headerOf = (headers: Readonly<Record<string, string>>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  const key = Object.keys(headers).findLast((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : headers[key];
};
