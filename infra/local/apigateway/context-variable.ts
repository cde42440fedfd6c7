/** What `$context` is made of for one request. */
export interface RequestFacts {
  readonly accountId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly receivedAtMs: number;
  readonly httpMethod: string;
  /** The request path with the stage in front: `/prod/v1/events`. */
  readonly path: string;
  /** The matched resource's path and id; unset when no method matched. */
  readonly resourcePath?: string;
  readonly resourceId?: string;
  readonly sourceIp: string;
  readonly userAgent?: string;
  readonly host?: string;
  /** The API key, when the method requires one. */
  readonly apiKey?: { readonly id: string; readonly value: string };
}

/** What a template may override: `#set($context.responseOverride.status = 429)`. */
export interface Overrides {
  readonly requestOverride: {
    header: Record<string, unknown>;
    path: Record<string, unknown>;
    querystring: Record<string, unknown>;
  };
  readonly responseOverride: { status?: unknown; header: Record<string, unknown> };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `$context.requestTime`: the Common Log Format time, `dd/MMM/yyyy:HH:mm:ss +0000`. */
export const clfTime = (epochMs: number): string => {
  const at = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`;
};

/**
 * `$context` for the request: the variables API Gateway documents for mapping templates, with null where the
 * local cloud has no such thing (Cognito, IAM callers, authorizers), and fresh override maps.
 */
export const contextVariable = (facts: RequestFacts): Record<string, unknown> & Overrides => ({
  accountId: facts.accountId,
  apiId: facts.apiId,
  domainName: facts.host ?? null,
  domainPrefix: facts.host?.split('.')[0] ?? null,
  extendedRequestId: facts.extendedRequestId,
  httpMethod: facts.httpMethod,
  path: facts.path,
  protocol: 'HTTP/1.1',
  requestId: facts.requestId,
  requestTime: clfTime(facts.receivedAtMs),
  requestTimeEpoch: facts.receivedAtMs,
  resourceId: facts.resourceId ?? null,
  resourcePath: facts.resourcePath ?? null,
  stage: facts.stage,
  identity: {
    sourceIp: facts.sourceIp,
    userAgent: facts.userAgent ?? null,
    apiKey: facts.apiKey?.value ?? null,
    apiKeyId: facts.apiKey?.id ?? null,
    accountId: null,
    caller: null,
    user: null,
    userArn: null,
    principalOrgId: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
  },
  authorizer: {},
  requestOverride: { header: {}, path: {}, querystring: {} },
  responseOverride: { header: {} },
});
