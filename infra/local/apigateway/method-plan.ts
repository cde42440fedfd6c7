import type {
  IntegrationPlan,
  IntegrationResponsePlan,
  IntegrationType,
  MethodPlan,
  PassthroughBehavior,
  RequestModelPlan,
} from './api-plan.ts';
import { referencedId, stringMap } from './template-refs.ts';

type Props = Record<string, unknown>;

/** The models every REST API has without declaring them. */
const BUILT_IN_MODELS: Record<string, RequestModelPlan> = {
  Empty: { name: 'Empty', schema: {} },
  Error: {
    name: 'Error',
    schema: { type: 'object', properties: { message: { type: 'string' } }, title: 'Error Schema' },
  },
};

/** What a method's declaration refers to, already read from the template. */
export interface MethodContext {
  readonly resourcePath: string;
  readonly resourceId: string;
  /** Models by logical id and by name. */
  readonly models: ReadonlyMap<string, RequestModelPlan>;
  readonly validators: ReadonlyMap<string, { body: boolean; parameters: boolean }>;
  readonly resolve: (value: unknown) => unknown;
}

const INTEGRATION_TYPES: readonly IntegrationType[] = ['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'];
const PASSTHROUGH: readonly PassthroughBehavior[] = ['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'];
/** API Gateway's default (and, unless a quota is raised, maximum) integration timeout. */
const DEFAULT_TIMEOUT_MS = 29_000;

const oneOf = <T extends string>(allowed: readonly T[], value: unknown, fallback: T, where: string): T => {
  if (value === undefined) return fallback;
  if (allowed.includes(value as T)) return value as T;
  throw new Error(`${where} is ${JSON.stringify(value)}; API Gateway accepts ${allowed.join(', ')}`);
};

const integrationResponse = (declared: Props, where: string): IntegrationResponsePlan => ({
  statusCode: String(declared.StatusCode),
  // An empty pattern is no pattern: the response is the default one.
  ...(typeof declared.SelectionPattern === 'string' && declared.SelectionPattern !== ''
    ? { selectionPattern: declared.SelectionPattern }
    : {}),
  responseTemplates: stringMap(declared.ResponseTemplates, `${where}.ResponseTemplates`),
  responseParameters: stringMap(declared.ResponseParameters, `${where}.ResponseParameters`),
});

const integrationPlan = (declared: Props, where: string): IntegrationPlan => ({
  type: oneOf(INTEGRATION_TYPES, declared.Type, 'MOCK', `${where}.Type`),
  ...(typeof declared.Uri === 'string' ? { uri: declared.Uri } : {}),
  requestTemplates: stringMap(declared.RequestTemplates, `${where}.RequestTemplates`),
  requestParameters: stringMap(declared.RequestParameters, `${where}.RequestParameters`),
  passthroughBehavior: oneOf(
    PASSTHROUGH,
    declared.PassthroughBehavior,
    'WHEN_NO_MATCH',
    `${where}.PassthroughBehavior`,
  ),
  timeoutMs: typeof declared.TimeoutInMillis === 'number' ? declared.TimeoutInMillis : DEFAULT_TIMEOUT_MS,
  responses: ((declared.IntegrationResponses as Props[] | undefined) ?? []).map((response, i) =>
    integrationResponse(response, `${where}.IntegrationResponses[${i}]`),
  ),
});

const requestModels = (declared: unknown, context: MethodContext, where: string) =>
  Object.fromEntries(
    Object.entries((declared as Props | undefined) ?? {}).map(([contentType, model]) => {
      const key = referencedId(model) ?? String(model);
      const plan = context.models.get(key) ?? BUILT_IN_MODELS[key];
      if (!plan)
        throw new Error(
          `${where}.RequestModels.${contentType} names ${key}, which the template does not declare`,
        );
      return [contentType, plan];
    }),
  );

/** An AWS::ApiGateway::Method, with its integration's intrinsics resolved. */
export const methodPlan = (logicalId: string, props: Props, context: MethodContext): MethodPlan => {
  const where = `method ${logicalId}`;
  const validatorId = referencedId(props.RequestValidatorId);
  const validator = validatorId ? context.validators.get(validatorId) : undefined;
  if (validatorId && !validator)
    throw new Error(`${where} names validator ${validatorId}, which the template does not declare`);
  const required = (props.RequestParameters as Record<string, unknown> | undefined) ?? {};
  return {
    logicalId,
    resourcePath: context.resourcePath,
    resourceId: context.resourceId,
    httpMethod: String(props.HttpMethod).toUpperCase(),
    authorizationType: String(props.AuthorizationType ?? 'NONE'),
    apiKeyRequired: props.ApiKeyRequired === true,
    requestParameters: Object.fromEntries(Object.entries(required).map(([name, is]) => [name, is === true])),
    requestModels: requestModels(props.RequestModels, context, where),
    validateRequestBody: validator?.body ?? false,
    validateRequestParameters: validator?.parameters ?? false,
    integration: integrationPlan(
      (context.resolve(props.Integration ?? {}) as Props) ?? {},
      `${where} Integration`,
    ),
  };
};
