import type { IntegrationResponsePlan, StringMap } from './api-plan.ts';
import type { IntegrationResult } from './aws-integration.ts';
import type { Overrides } from './context-variable.ts';
import type { HttpAnswer } from './gateway-responses.ts';
import { selectPath } from './json-path.ts';
import { responseTemplate } from './template-selection.ts';
import type { CompiledTemplate, TemplateVariables } from './vtl.ts';

/** A Java regex matched against the whole value, as API Gateway matches selection patterns. */
const matchesWhole = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);

/**
 * The integration response that maps `status`: the first whose selection pattern matches it whole, else the
 * default one (no pattern). Undefined when neither exists: API Gateway answers 500.
 */
export const selectIntegrationResponse = (
  responses: readonly IntegrationResponsePlan[],
  status: number,
): IntegrationResponsePlan | undefined =>
  responses.find(
    (r) => r.selectionPattern !== undefined && matchesWhole(r.selectionPattern, String(status)),
  ) ?? responses.find((r) => r.selectionPattern === undefined);

const headerOf = (headers: StringMap, name: string) =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

const asText = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
};

const bodyField = (body: string, path: string): string | undefined => {
  try {
    const result = selectPath(JSON.parse(body), `$.${path}`);
    return result.found ? asText(result.value) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A method response header's value from its mapping expression: `'static'`, `integration.response.header.X`,
 * `integration.response.body[.json.path]`, `context.X`, `stageVariables.X`.
 */
const mappedValue = (
  expression: string,
  result: IntegrationResult,
  variables: TemplateVariables,
): string | undefined => {
  if (/^'.*'$/s.test(expression)) return expression.slice(1, -1);
  const header = /^integration\.response\.header\.(.+)$/.exec(expression)?.[1];
  if (header) return headerOf(result.headers, header);
  if (expression === 'integration.response.body') return result.body;
  const field = /^integration\.response\.body\.(.+)$/.exec(expression)?.[1];
  if (field) return bodyField(result.body, field);
  const [root, ...path] = expression.split('.');
  if (root === 'context' || root === 'stageVariables') {
    return asText(
      path.reduce<unknown>(
        (value, key) => (value as Record<string, unknown> | undefined)?.[key],
        variables[root === 'context' ? 'context' : 'stageVariables'],
      ),
    );
  }
  return undefined;
};

export interface MethodResponseInput {
  readonly chosen: IntegrationResponsePlan;
  readonly result: IntegrationResult;
  /** `$input` (over the integration's body), `$context` (with fresh overrides), `$util`, `$stageVariables`. */
  readonly variables: TemplateVariables & { context: Overrides };
  readonly accept?: string;
  readonly compile: (template: string) => CompiledTemplate;
}

/**
 * The method response: the chosen integration response's status, its template rendered over the integration's
 * body (or the body passed through), its header mappings, then the template's `$context.responseOverride`
 * status and headers, which are final.
 */
export const methodResponse = ({
  chosen,
  result,
  variables,
  accept,
  compile,
}: MethodResponseInput): HttpAnswer => {
  const selected = responseTemplate(chosen.responseTemplates, accept);
  const body = selected ? compile(selected.template).render(variables) : result.body;
  const headers: Record<string, string> = { 'Content-Type': selected?.contentType ?? 'application/json' };
  for (const [name, expression] of Object.entries(chosen.responseParameters)) {
    const header = /^method\.response\.header\.(.+)$/.exec(name)?.[1];
    const value = header ? mappedValue(expression, result, variables) : undefined;
    if (header && value !== undefined) headers[header] = value;
  }
  const { status, header: overridden } = variables.context.responseOverride;
  for (const [name, value] of Object.entries(overridden)) {
    if (value !== null && value !== undefined) headers[name] = String(value);
  }
  const overriddenStatus = Number(status);
  return {
    status:
      Number.isInteger(overriddenStatus) && overriddenStatus >= 100 && overriddenStatus <= 599
        ? overriddenStatus
        : Number(chosen.statusCode),
    headers,
    body,
  };
};
