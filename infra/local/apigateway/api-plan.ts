/** What the local API Gateway serves, read from the template's AWS::ApiGateway::* resources (template-apis.ts). */

/** Maps of a declaration: content type → mapping template, parameter → expression, and so on. */
export type StringMap = Readonly<Record<string, string>>;

export type IntegrationType = 'AWS' | 'AWS_PROXY' | 'HTTP' | 'HTTP_PROXY' | 'MOCK';
export type PassthroughBehavior = 'WHEN_NO_MATCH' | 'WHEN_NO_TEMPLATES' | 'NEVER';

export interface IntegrationResponsePlan {
  readonly statusCode: string;
  /** A Java regex matched against the whole integration status (AWS, HTTP) or error message (Lambda); unset: the default response. */
  readonly selectionPattern?: string;
  readonly responseTemplates: StringMap;
  /** `method.response.header.X` → `'static'`, `integration.response.header.Y`, `integration.response.body[.path]`, `context.Z`… */
  readonly responseParameters: StringMap;
}

export interface IntegrationPlan {
  readonly type: IntegrationType;
  /** E.g. `arn:aws:apigateway:us-east-1:kinesis:action/PutRecords`. */
  readonly uri?: string;
  readonly requestTemplates: StringMap;
  readonly requestParameters: StringMap;
  readonly passthroughBehavior: PassthroughBehavior;
  /** API Gateway's limit for a REST integration: 29 s unless raised. */
  readonly timeoutMs: number;
  readonly responses: readonly IntegrationResponsePlan[];
}

export interface RequestModelPlan {
  readonly name: string;
  /** A JSON Schema draft 4 document, as the Model declares it. */
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface MethodPlan {
  readonly logicalId: string;
  /** The resource's path template, e.g. `/v1/things/{thingId}`. */
  readonly resourcePath: string;
  /** Its logical id: what `$context.resourceId` stands for locally. */
  readonly resourceId: string;
  /** GET, POST, … or ANY. */
  readonly httpMethod: string;
  readonly authorizationType: string;
  readonly apiKeyRequired: boolean;
  /** `method.request.{path|querystring|header}.X` → whether it is required. */
  readonly requestParameters: Readonly<Record<string, boolean>>;
  /** Content type (or `$default`) → the model a validator checks the body against. */
  readonly requestModels: Readonly<Record<string, RequestModelPlan>>;
  readonly validateRequestBody: boolean;
  readonly validateRequestParameters: boolean;
  readonly integration: IntegrationPlan;
}

/** A GatewayResponse: how API Gateway answers an error it raises itself (a 403 for a bad key, a 429, …). */
export interface GatewayResponsePlan {
  readonly statusCode?: string;
  /** `gatewayresponse.header.X` → `'static'` or `method.request.{header|path|querystring}.Y`. */
  readonly responseParameters: StringMap;
  readonly responseTemplates: StringMap;
}

export interface ThrottlePlan {
  /** Steady requests per second. */
  readonly rateLimit: number;
  /** Requests allowed at once before the rate applies. */
  readonly burstLimit: number;
}

export interface StagePlan {
  readonly stageName: string;
  readonly variables: StringMap;
  /**
   * MethodSettings throttles by `<resource path>/<HTTP method>` (`/v1/events/POST`); the key `*` holds the
   * stage-wide default (a `/*` path with a `*` method).
   */
  readonly methodThrottles: Readonly<Record<string, ThrottlePlan>>;
  /** The stage's access log: its line format (`$context` variables) and the log group it goes to. */
  readonly accessLog?: AccessLogPlan;
}

export interface AccessLogPlan {
  readonly format: string;
  /** The AWS::Logs::LogGroup of the destination ARN, when the template declares it (its metric filters apply). */
  readonly logGroupLogicalId?: string;
}

export interface ApiKeyPlan {
  readonly logicalId: string;
  /** The declared value, or one the local cloud derives from the logical id (AWS would generate one). */
  readonly value: string;
  readonly enabled: boolean;
}

export interface QuotaPlan {
  readonly limit: number;
  readonly period: 'DAY' | 'WEEK' | 'MONTH';
}

/** A usage plan as it applies to one API: its stages, limits and keys. */
export interface UsagePlanPlan {
  readonly logicalId: string;
  /** The stages of this API the plan covers, with per-method throttles (`/path/METHOD`). */
  readonly stages: Readonly<Record<string, Readonly<Record<string, ThrottlePlan>>>>;
  readonly throttle?: ThrottlePlan;
  readonly quota?: QuotaPlan;
  readonly keys: readonly ApiKeyPlan[];
}

export interface RestApiPlan {
  readonly logicalId: string;
  readonly name: string;
  /** An id in API Gateway's form (10 lower-case letters and digits), stable for the logical id: `$context.apiId`. */
  readonly apiId: string;
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  readonly methods: readonly MethodPlan[];
  /** By response type (BAD_REQUEST_BODY, DEFAULT_4XX, …). */
  readonly gatewayResponses: Readonly<Record<string, GatewayResponsePlan>>;
  readonly stages: readonly StagePlan[];
  readonly usagePlans: readonly UsagePlanPlan[];
}
