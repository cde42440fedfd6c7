import type { GatewayResponsePlan, StringMap } from './api-plan.ts';
import { responseTemplate } from './template-selection.ts';

/** The errors API Gateway raises itself, each with its gateway response type. */
export type GatewayErrorType =
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'INVALID_API_KEY'
  | 'THROTTLED'
  | 'QUOTA_EXCEEDED'
  | 'BAD_REQUEST_PARAMETERS'
  | 'BAD_REQUEST_BODY'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'REQUEST_TOO_LARGE'
  | 'ACCESS_DENIED'
  | 'INTEGRATION_FAILURE'
  | 'INTEGRATION_TIMEOUT'
  | 'API_CONFIGURATION_ERROR';

export interface GatewayError {
  readonly type: GatewayErrorType;
  /** `$context.error.message`; the type's own when unset. */
  readonly message?: string;
  readonly validationErrorString?: string;
}

/** Status, message and `x-amzn-ErrorType` of each type when the API does not customise it. */
const DEFAULTS: Record<GatewayErrorType, { status: number; message: string; errorType: string }> = {
  MISSING_AUTHENTICATION_TOKEN: {
    status: 403,
    message: 'Missing Authentication Token',
    errorType: 'MissingAuthenticationTokenException',
  },
  INVALID_API_KEY: { status: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  ACCESS_DENIED: { status: 403, message: 'Forbidden', errorType: 'AccessDeniedException' },
  THROTTLED: { status: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException' },
  QUOTA_EXCEEDED: { status: 429, message: 'Limit Exceeded', errorType: 'LimitExceededException' },
  BAD_REQUEST_PARAMETERS: {
    status: 400,
    message: 'Bad request parameters',
    errorType: 'BadRequestException',
  },
  BAD_REQUEST_BODY: { status: 400, message: 'Invalid request body', errorType: 'BadRequestException' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'Unsupported Media Type',
    errorType: 'UnsupportedMediaTypeException',
  },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long', errorType: 'RequestTooLargeException' },
  INTEGRATION_FAILURE: {
    status: 504,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
  },
  INTEGRATION_TIMEOUT: {
    status: 504,
    message: 'Endpoint request timed out',
    errorType: 'InternalServerErrorException',
  },
  API_CONFIGURATION_ERROR: {
    status: 500,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
  },
};

const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What a gateway response's parameters and templates may read of the request. */
export interface ErrorRequest {
  readonly context: Record<string, unknown>;
  readonly stageVariables: StringMap;
  readonly params: { path: StringMap; querystring: StringMap; header: StringMap };
  readonly accept?: string;
}

const lookup = (root: unknown, path: string[]): unknown =>
  path.reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], root);

const headerValue = (headers: StringMap, name: string) =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

/** A gateway response parameter's value: `'static'`, `method.request.{header|path|querystring}.X`, `context.X`, `stageVariables.X`. */
const parameterValue = (expression: string, request: ErrorRequest): string | undefined => {
  if (/^'.*'$/s.test(expression)) return expression.slice(1, -1);
  const [source, ...rest] = expression.split('.');
  if (source === 'method' && rest[0] === 'request') {
    const [, where, ...name] = rest;
    const values = request.params[where as 'path' | 'querystring' | 'header'] ?? {};
    return where === 'header' ? headerValue(values, name.join('.')) : values[name.join('.')];
  }
  if (source === 'context') return stringOrUndefined(lookup(request.context, rest));
  if (source === 'stageVariables') return request.stageVariables[rest.join('.')];
  return undefined;
};

const stringOrUndefined = (value: unknown) =>
  value === null || value === undefined ? undefined : String(value);

/** A gateway response template: simple `$context.…` / `$stageVariables.…` substitution, no VTL. */
const substitute = (template: string, request: ErrorRequest): string =>
  template.replace(
    /\$\{(context|stageVariables)((?:\.[\w-]+)+)\}|\$(context|stageVariables)((?:\.[\w-]+)+)/g,
    (_, bracedRoot?: string, bracedPath?: string, bareRoot?: string, barePath?: string) => {
      const root = bracedRoot ?? bareRoot;
      const keys = (bracedPath ?? barePath ?? '').slice(1).split('.');
      const value =
        root === 'context' ? lookup(request.context, keys) : request.stageVariables[keys.join('.')];
      return stringOrUndefined(value) ?? '';
    },
  );

/**
 * The response API Gateway gives for `error`: the API's GatewayResponse of that type, else its DEFAULT_4XX /
 * DEFAULT_5XX, else the built-in one (`{"message":"…"}`); the status a customisation sets, else the type's.
 */
export const gatewayErrorResponse = (
  responses: Readonly<Record<string, GatewayResponsePlan>>,
  error: GatewayError,
  request: ErrorRequest,
): HttpAnswer => {
  const defaults = DEFAULTS[error.type];
  const family = defaults.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const declared = responses[error.type] ?? responses[family];
  const status = Number(
    responses[error.type]?.statusCode ?? responses[family]?.statusCode ?? defaults.status,
  );
  const message = error.message ?? defaults.message;
  const context = {
    ...request.context,
    error: {
      message,
      messageString: JSON.stringify(message),
      responseType: error.type,
      // Quotes escaped, so a template can put it between quotes in JSON.
      validationErrorString: (error.validationErrorString ?? '').replace(/["\\]/g, (c) => `\\${c}`),
    },
  };
  const withError = { ...request, context };
  const chosen = responseTemplate(declared?.responseTemplates ?? {}, request.accept);
  const headers: Record<string, string> = {
    'Content-Type': chosen?.contentType ?? 'application/json',
    'x-amzn-ErrorType': defaults.errorType,
  };
  for (const [name, expression] of Object.entries(declared?.responseParameters ?? {})) {
    const header = /^gatewayresponse\.header\.(.+)$/.exec(name)?.[1];
    const value = header && parameterValue(expression, withError);
    if (header && value !== undefined) headers[header] = value;
  }
  return { status, headers, body: substitute(chosen?.template ?? DEFAULT_TEMPLATE, withError) };
};
