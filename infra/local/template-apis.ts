import type {
  AccessLogPlan,
  ApiKeyPlan,
  GatewayResponsePlan,
  RequestModelPlan,
  RestApiPlan,
  StagePlan,
  ThrottlePlan,
  UsagePlanPlan,
} from './apigateway/api-plan.ts';
import { methodPlan } from './apigateway/method-plan.ts';
import { isRootOf, localId, referencedId, stringMap } from './apigateway/template-refs.ts';
import { refsIn } from './logs/metric-filter-plan.ts';
import type { Template } from './template.ts';

type Props = Record<string, unknown>;
type Resolve = (value: unknown) => unknown;

/** The template's resources of one type, as [logical id, properties]. */
const resourcesOf = (template: Template, type: string): [string, Props][] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);

const belongsTo = (props: Props, apiId: string, key = 'RestApiId') => referencedId(props[key]) === apiId;

/** Every resource path of an API by the resource's logical id; the root is `/`. */
const resourcePaths = (template: Template, apiId: string): Map<string, string> => {
  const declared = new Map(
    resourcesOf(template, 'AWS::ApiGateway::Resource').filter(([, p]) => belongsTo(p, apiId)),
  );
  const paths = new Map<string, string>();
  const pathOf = (id: string, depth: number): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const props = declared.get(id);
    if (!props || depth > declared.size)
      throw new Error(`resource ${id} of API ${apiId} has no path to the API's root`);
    const parent = isRootOf(props.ParentId, apiId)
      ? '/'
      : pathOf(referencedId(props.ParentId) ?? '', depth + 1);
    const path = `${parent === '/' ? '' : parent}/${String(props.PathPart)}`;
    paths.set(id, path);
    return path;
  };
  for (const id of declared.keys()) pathOf(id, 0);
  return paths;
};

const throttleOf = (rate: unknown, burst: unknown): ThrottlePlan | undefined =>
  typeof rate === 'number' || typeof burst === 'number'
    ? { rateLimit: Number(rate ?? 10_000), burstLimit: Number(burst ?? 5_000) }
    : undefined;

/** MethodSettings keyed as usage plans key methods: `/v1/events/POST`; `*` for the stage-wide `/*` + `*`. */
const methodThrottles = (settings: unknown): Record<string, ThrottlePlan> => {
  const throttles: Record<string, ThrottlePlan> = {};
  for (const setting of (settings as Props[] | undefined) ?? []) {
    const throttle = throttleOf(setting.ThrottlingRateLimit, setting.ThrottlingBurstLimit);
    if (!throttle) continue;
    // MethodSettings write a resource path as `/` then the path with its slashes escaped: `/~1v1~1events`.
    const declared = String(setting.ResourcePath ?? '/*');
    const path = declared === '/*' ? declared : declared.slice(1).replaceAll('~1', '/');
    const method = String(setting.HttpMethod ?? '*');
    throttles[path === '/*' && method === '*' ? '*' : `${path}/${method}`] = throttle;
  }
  return throttles;
};

/** A stage's AccessLogSetting: the format, and the template's log group its destination ARN names. */
const accessLogOf = (template: Template, declared: unknown): { accessLog?: AccessLogPlan } => {
  const setting = declared as { Format?: unknown; DestinationArn?: unknown } | undefined;
  if (typeof setting?.Format !== 'string') return {};
  const logGroup = refsIn(setting.DestinationArn).find(
    (ref) => template.Resources[ref]?.Type === 'AWS::Logs::LogGroup',
  );
  return { accessLog: { format: setting.Format, ...(logGroup ? { logGroupLogicalId: logGroup } : {}) } };
};

/** The API's stages: AWS::ApiGateway::Stage, or a Deployment's own StageName. */
const stagesOf = (template: Template, apiId: string, resolve: Resolve): Map<string, StagePlan> => {
  const stages = new Map<string, StagePlan>();
  for (const [id, props] of resourcesOf(template, 'AWS::ApiGateway::Stage').filter(([, p]) =>
    belongsTo(p, apiId),
  )) {
    stages.set(id, {
      stageName: String(props.StageName),
      variables: stringMap(resolve(props.Variables), `stage ${id}.Variables`),
      methodThrottles: methodThrottles(props.MethodSettings),
      ...accessLogOf(template, props.AccessLogSetting),
    });
  }
  for (const [id, props] of resourcesOf(template, 'AWS::ApiGateway::Deployment').filter(([, p]) =>
    belongsTo(p, apiId),
  )) {
    if (typeof props.StageName !== 'string') continue;
    const description = (props.StageDescription as Props | undefined) ?? {};
    stages.set(id, {
      stageName: props.StageName,
      variables: stringMap(resolve(description.Variables), `deployment ${id}.StageDescription.Variables`),
      methodThrottles: methodThrottles(description.MethodSettings),
      ...accessLogOf(template, description.AccessLogSetting),
    });
  }
  return stages;
};

/** AWS generates a key's value when none is declared; locally it is derived from the logical id, the same on every start. */
const apiKeysOf = (template: Template, resolve: Resolve): Map<string, ApiKeyPlan> =>
  new Map(
    resourcesOf(template, 'AWS::ApiGateway::ApiKey').map(([id, props]) => {
      const value = resolve(props.Value);
      return [
        id,
        {
          logicalId: id,
          value: typeof value === 'string' ? value : localId(`api-key:${id}`, 40),
          // CloudFormation's default: a key is disabled unless it says otherwise.
          enabled: props.Enabled === true,
        },
      ];
    }),
  );

const usagePlansOf = (
  template: Template,
  apiId: string,
  stages: Map<string, StagePlan>,
  keys: Map<string, ApiKeyPlan>,
): UsagePlanPlan[] => {
  const planKeys = resourcesOf(template, 'AWS::ApiGateway::UsagePlanKey');
  return resourcesOf(template, 'AWS::ApiGateway::UsagePlan').flatMap(([id, props]): UsagePlanPlan[] => {
    const apiStages = ((props.ApiStages as Props[] | undefined) ?? []).filter((s) =>
      belongsTo(s, apiId, 'ApiId'),
    );
    if (apiStages.length === 0) return [];
    const covered = Object.fromEntries(
      apiStages.map((stage) => {
        const name = stages.get(referencedId(stage.Stage) ?? '')?.stageName ?? String(stage.Stage);
        const throttles = Object.entries((stage.Throttle as Record<string, Props> | undefined) ?? {}).flatMap(
          ([method, t]) => {
            const throttle = throttleOf(t.RateLimit, t.BurstLimit);
            return throttle ? [[method, throttle] as const] : [];
          },
        );
        return [name, Object.fromEntries(throttles)];
      }),
    );
    const throttle = props.Throttle as Props | undefined;
    const quota = props.Quota as Props | undefined;
    const plannedThrottle = throttle && throttleOf(throttle.RateLimit, throttle.BurstLimit);
    return [
      {
        logicalId: id,
        stages: covered,
        ...(plannedThrottle ? { throttle: plannedThrottle } : {}),
        ...(quota && typeof quota.Limit === 'number'
          ? {
              quota: {
                limit: quota.Limit,
                period: String(quota.Period ?? 'DAY') as 'DAY' | 'WEEK' | 'MONTH',
              },
            }
          : {}),
        keys: planKeys
          .filter(([, key]) => referencedId(key.UsagePlanId) === id)
          .flatMap(([, key]) => {
            const apiKey = keys.get(referencedId(key.KeyId) ?? '');
            return apiKey ? [apiKey] : [];
          }),
      },
    ];
  });
};

const gatewayResponsesOf = (template: Template, apiId: string, resolve: Resolve) =>
  Object.fromEntries(
    resourcesOf(template, 'AWS::ApiGateway::GatewayResponse')
      .filter(([, p]) => belongsTo(p, apiId))
      .map(([id, p]): [string, GatewayResponsePlan] => [
        String(p.ResponseType),
        {
          ...(p.StatusCode === undefined ? {} : { statusCode: String(p.StatusCode) }),
          responseParameters: stringMap(
            resolve(p.ResponseParameters),
            `gateway response ${id}.ResponseParameters`,
          ),
          responseTemplates: stringMap(
            resolve(p.ResponseTemplates),
            `gateway response ${id}.ResponseTemplates`,
          ),
        },
      ]),
  );

const modelsOf = (template: Template, apiId: string): Map<string, RequestModelPlan> => {
  const models = new Map<string, RequestModelPlan>();
  for (const [id, props] of resourcesOf(template, 'AWS::ApiGateway::Model').filter(([, p]) =>
    belongsTo(p, apiId),
  )) {
    const model = { name: String(props.Name ?? id), schema: (props.Schema as Props | undefined) ?? {} };
    // A method names a model by Ref (its logical id) or by its name.
    models.set(id, model);
    models.set(model.name, model);
  }
  return models;
};

const validatorsOf = (template: Template, apiId: string) =>
  new Map(
    resourcesOf(template, 'AWS::ApiGateway::RequestValidator')
      .filter(([, p]) => belongsTo(p, apiId))
      .map(([id, p]) => [
        id,
        { body: p.ValidateRequestBody === true, parameters: p.ValidateRequestParameters === true },
      ]),
  );

const restApiPlan = (template: Template, id: string, props: Props, resolve: Resolve): RestApiPlan => {
  const paths = resourcePaths(template, id);
  const context = { models: modelsOf(template, id), validators: validatorsOf(template, id), resolve };
  const stages = stagesOf(template, id, resolve);
  const methods = resourcesOf(template, 'AWS::ApiGateway::Method')
    .filter(([, p]) => belongsTo(p, id))
    .map(([methodId, p]) => {
      const resource = referencedId(p.ResourceId) ?? '';
      const root = isRootOf(p.ResourceId, id);
      const resourcePath = root ? '/' : paths.get(resource);
      if (resourcePath === undefined)
        throw new Error(`method ${methodId} is on ${resource}, not a resource of API ${id}`);
      return methodPlan(methodId, p, {
        ...context,
        resourcePath,
        resourceId: localId(root ? `${id}/` : resource, 10).slice(0, 6),
      });
    });
  return {
    logicalId: id,
    name: String(props.Name ?? id),
    apiId: localId(id, 10),
    apiKeySource: props.ApiKeySourceType === 'AUTHORIZER' ? 'AUTHORIZER' : 'HEADER',
    methods,
    gatewayResponses: gatewayResponsesOf(template, id, resolve),
    stages: [...stages.values()],
    usagePlans: usagePlansOf(template, id, stages, apiKeysOf(template, resolve)),
  };
};

/**
 * The REST APIs a template declares (AWS::ApiGateway::RestApi and the resources that hang off it), for the
 * local API Gateway to serve. `resolve` resolves intrinsics in integrations, stage variables and responses.
 */
export const restApisFromTemplate = (template: Template, resolve: Resolve): RestApiPlan[] =>
  resourcesOf(template, 'AWS::ApiGateway::RestApi').map(([id, props]) =>
    restApiPlan(template, id, props, resolve),
  );
