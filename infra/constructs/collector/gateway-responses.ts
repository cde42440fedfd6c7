import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';

/**
 * Responses API Gateway itself gives before (or instead of) the Kinesis integration. Their templates are
 * not VTL, only `$context` substitution. Each echoes the request's Origin: a gateway response cannot
 * choose by origin, it carries only the reason, and nothing was written; the page can read why and stop.
 */
export interface GatewayResponseSpec {
  readonly id: string;
  readonly type: ResponseType;
  /** @default - the type's own status */
  readonly statusCode?: string;
  /** The body, a JSON text. @default - the type's own message */
  readonly message?: string;
  readonly retryAfter?: 'throttled' | 'unavailable';
}

/** Headers every collector response carries across origins; values are gateway-response mapping expressions. */
export const CORS_RESPONSE_HEADERS = {
  'Access-Control-Allow-Origin': 'method.request.header.Origin',
  'Access-Control-Expose-Headers': "'Retry-After'",
  Vary: "'Origin'",
} as const;

const json = (message: string) => JSON.stringify({ message });

/** `routes` are the resource paths, e.g. `/v1/events`. */
export const gatewayResponses = (routes: { browser: string; server: string }): GatewayResponseSpec[] => [
  {
    id: 'BadRequestBody',
    type: ResponseType.BAD_REQUEST_BODY,
    statusCode: '400',
    // validationErrorString names the failing rule, e.g. [object has missing required properties ([\"eventId\"])],
    // its quotes escaped (unlike messageString it is not quoted itself).
    message: '{"message":"$context.error.validationErrorString"}',
  },
  {
    id: 'UnsupportedMediaType',
    type: ResponseType.UNSUPPORTED_MEDIA_TYPE,
    statusCode: '415',
    message: json('Content-Type must be application/json or text/plain; the body is JSON either way'),
  },
  {
    id: 'RequestTooLarge',
    type: ResponseType.REQUEST_TOO_LARGE,
    statusCode: '413',
    message: json('the body is over the 10 MB API Gateway accepts; send at most 5 MiB of events per request'),
  },
  {
    id: 'InvalidApiKey',
    type: ResponseType.INVALID_API_KEY,
    statusCode: '403',
    message: json(
      `POST ${routes.server} needs the X-Api-Key header of a key in the collector's usage plan; browsers POST to ${routes.browser} with no key`,
    ),
  },
  {
    id: 'AccessDenied',
    type: ResponseType.ACCESS_DENIED,
    statusCode: '403',
    message: json('access denied by the API'),
  },
  {
    id: 'Throttled',
    type: ResponseType.THROTTLED,
    statusCode: '429',
    message: json('too many requests: resend after Retry-After seconds'),
    retryAfter: 'throttled',
  },
  {
    // A timed-out PutRecords may have been written: resending is safe, the consumers count an eventId once.
    id: 'IntegrationTimeout',
    type: ResponseType.INTEGRATION_TIMEOUT,
    statusCode: '503',
    message: json('Kinesis did not answer in time: resend the batch after Retry-After seconds'),
    retryAfter: 'unavailable',
  },
  {
    id: 'IntegrationFailure',
    type: ResponseType.INTEGRATION_FAILURE,
    statusCode: '503',
    message: json('Kinesis could not be reached: resend the batch after Retry-After seconds'),
    retryAfter: 'unavailable',
  },
  // Whatever else API Gateway answers keeps its status and message, and gets the CORS headers.
  { id: 'Default4xx', type: ResponseType.DEFAULT_4XX },
  { id: 'Default5xx', type: ResponseType.DEFAULT_5XX },
];

/** Adds every gateway response of `gatewayResponses` to `api`, with the CORS headers and Retry-After. */
export function addGatewayResponses(
  api: RestApi,
  routes: { browser: string; server: string },
  retryAfterSeconds: { throttled: number; unavailable: number },
): void {
  for (const spec of gatewayResponses(routes)) {
    api.addGatewayResponse(spec.id, {
      type: spec.type,
      statusCode: spec.statusCode,
      responseHeaders: {
        ...CORS_RESPONSE_HEADERS,
        ...(spec.retryAfter ? { 'Retry-After': `'${retryAfterSeconds[spec.retryAfter]}'` } : {}),
      },
      templates: spec.message ? { 'application/json': spec.message } : undefined,
    });
  }
}
