import type { LocalEndpoints } from '../clients.ts';
import { LOCAL_ACCOUNT_ID } from '../clients.ts';
import { freePort } from '../servers/ports.ts';
import type { RestApiPlan } from './api-plan.ts';
import type { ServedApi } from './api-request.ts';
import { type ApiAccessEntry, ApiServer } from './api-server.ts';
import { AwsIntegrations } from './aws-integration.ts';
import { RequestThrottles } from './request-throttles.ts';
import { compileModels } from './request-validation.ts';
import { type CompiledTemplate, compileTemplate } from './vtl.ts';

export type { ApiAccessEntry } from './api-server.ts';

export interface RestApiOptions {
  /** Where AWS integrations find the services: the local servers, or the fault proxies in front of them. */
  readonly endpoints: Pick<LocalEndpoints, 'kinesis' | 'dynamodb'>;
  /** A fixed loopback port per API logical id; a free one for the others. */
  readonly ports?: Readonly<Record<string, number>>;
  /** Told of every request answered (access log, edge figures). */
  readonly onAnswer?: (entry: ApiAccessEntry) => void;
  /** The throttles' and quotas' clock. @default Date.now */
  readonly now?: () => number;
}

export interface LocalRestApis {
  /**
   * Each deployed API's invoke URL for its first stage, by logical id, shaped as CDK's `api.url`:
   * `http://127.0.0.1:<port>/<stage>/`.
   */
  readonly urls: ReadonlyMap<string, string>;
  /** The value of every API key of the usage plans, by the key's logical id (send it as `x-api-key`). */
  readonly apiKeys: ReadonlyMap<string, string>;
  /** APIs the template declares without a stage: API Gateway would not serve them either. */
  readonly undeployed: readonly string[];
  stop(): Promise<void>;
}

/** Every mapping template of an API compiled now, so that one velocityjs cannot parse stops the start. */
const compiledTemplates = (api: RestApiPlan): Map<string, CompiledTemplate> => {
  const compiled = new Map<string, CompiledTemplate>();
  for (const method of api.methods) {
    const where = (what: string) => `${api.logicalId} ${method.httpMethod} ${method.resourcePath} ${what}`;
    const { requestTemplates, responses } = method.integration;
    const templates = [
      ...Object.entries(requestTemplates).map(([type, text]) => [where(`request ${type}`), text] as const),
      ...responses.flatMap((response) =>
        Object.entries(response.responseTemplates).map(
          ([type, text]) => [where(`response ${response.statusCode} ${type}`), text] as const,
        ),
      ),
    ];
    for (const [label, text] of templates)
      if (!compiled.has(text)) compiled.set(text, compileTemplate(text, label));
  }
  compileModels(api.methods);
  return compiled;
};

const servedApi = (plan: RestApiPlan, throttles: RequestThrottles, aws: AwsIntegrations): ServedApi => {
  const templates = compiledTemplates(plan);
  return {
    plan,
    accountId: LOCAL_ACCOUNT_ID,
    throttles,
    aws,
    template: (text) => {
      const known = templates.get(text);
      if (!known)
        throw new Error(`template not compiled at start (a plan changed after it): ${text.slice(0, 80)}`);
      return known;
    },
  };
};

/**
 * Serves every deployed REST API of the plan on 127.0.0.1, one server per API with its stages as path
 * prefixes (as `https://<id>.execute-api.<region>.amazonaws.com/<stage>/…`): routes, API keys and usage plans,
 * throttles, request validation, mapping templates (velocityjs), MOCK and AWS (Kinesis, DynamoDB)
 * integrations, integration and gateway responses. Throttles and quotas are shared by every API, as a
 * usage plan's are.
 */
export const startRestApis = async (
  apis: readonly RestApiPlan[],
  options: RestApiOptions,
): Promise<LocalRestApis> => {
  const throttles = new RequestThrottles(options.now);
  const aws = new AwsIntegrations(options.endpoints);
  const deployed = apis.filter((api) => api.stages.length > 0);
  const served = deployed.map((plan) => servedApi(plan, throttles, aws));
  const servers: ApiServer[] = [];
  try {
    for (const api of served) {
      servers.push(
        await ApiServer.start(
          api,
          options.ports?.[api.plan.logicalId] ?? (await freePort()),
          options.onAnswer,
        ),
      );
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    aws.destroy();
    throw error;
  }
  return {
    urls: new Map(
      served.map((api, i) => [api.plan.logicalId, `${servers[i]?.url}${api.plan.stages[0]?.stageName}/`]),
    ),
    apiKeys: new Map(
      apis.flatMap((api) =>
        api.usagePlans.flatMap((plan) => plan.keys.map((key) => [key.logicalId, key.value])),
      ),
    ),
    undeployed: apis.filter((api) => api.stages.length === 0).map((api) => api.logicalId),
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
      aws.destroy();
    },
  };
};
