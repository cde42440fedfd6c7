import { LOCAL_ACCOUNT_ID } from '../clients.ts';
import { contextVariable, type RequestFacts } from './context-variable.ts';
import { inputVariable, type RequestParameters } from './input-variable.ts';
import { utilVariable } from './util-variable.ts';
import { compileTemplate } from './vtl.ts';

/** What a template is rendered against: the payload, the method request's parameters, and `$context` facts. */
export interface TemplateRequest {
  /** `$input.body`: the method request's body (a request template) or the integration's (a response template). */
  readonly body: string;
  readonly params?: Partial<RequestParameters>;
  /** `$context` facts; a plausible request to `POST /prod/` from 127.0.0.1 for the rest. */
  readonly context?: Partial<RequestFacts>;
  readonly stageVariables?: Readonly<Record<string, string>>;
}

export interface RenderedTemplate {
  readonly output: string;
  /** `$context.responseOverride.status`, when the template set it. */
  readonly status?: number;
  /** `$context.responseOverride.header.*` the template set. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Renders one mapping template as the local API Gateway does for a request, without a server: for unit tests
 * of a construct's templates, so they are checked by the same engine the local cloud serves them with.
 */
export const renderMappingTemplate = (template: string, request: TemplateRequest): RenderedTemplate => {
  const params = { path: {}, querystring: {}, header: {}, ...request.params };
  const context = contextVariable({
    accountId: LOCAL_ACCOUNT_ID,
    apiId: 'localapi01',
    stage: 'prod',
    requestId: '00000000-0000-4000-8000-000000000000',
    extendedRequestId: 'LocalExtendedId0',
    receivedAtMs: Date.now(),
    httpMethod: 'POST',
    path: '/prod/',
    sourceIp: '127.0.0.1',
    ...request.context,
  });
  const output = compileTemplate(template, 'the template rendered').render({
    input: inputVariable(request.body, params),
    context,
    util: utilVariable(),
    stageVariables: { ...request.stageVariables },
  });
  const { status, header } = context.responseOverride;
  return {
    output,
    ...(status === undefined ? {} : { status: Number(status) }),
    headers: Object.fromEntries(Object.entries(header).map(([name, value]) => [name, String(value)])),
  };
};
