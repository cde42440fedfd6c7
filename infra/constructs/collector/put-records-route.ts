import {
  AwsIntegration,
  type IResource,
  type Method,
  type MethodResponse,
  type Model,
  PassthroughBehavior,
  type RequestValidator,
} from 'aws-cdk-lib/aws-apigateway';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import {
  kinesisRefusal,
  kinesisUnavailable,
  putRecordsRequest,
  putRecordsResult,
  type TemplateSettings,
} from './templates.ts';

export interface PutRecordsRouteOptions {
  /** What the templates are told: stream, allow-list, whether an origin is required, Retry-After. */
  readonly templates: TemplateSettings;
  /** The role API Gateway assumes to call Kinesis. */
  readonly role: IRole;
  readonly model: Model;
  readonly validator: RequestValidator;
  readonly apiKeyRequired: boolean;
}

/** Statuses a collector route answers with; each may carry the CORS headers and Retry-After. */
export const ROUTE_STATUSES = ['200', '400', '403', '413', '429', '503'];
const RESPONSE_HEADERS = [
  'Access-Control-Allow-Origin',
  'Access-Control-Expose-Headers',
  'Vary',
  'Retry-After',
];

/**
 * `POST` on `resource`: the body checked against the event-batch model, then written as one Kinesis record
 * (a PutRecords call of one entry) through an AWS service integration, and Kinesis's answer mapped back by status.
 */
export function addPutRecordsRoute(resource: IResource, options: PutRecordsRouteOptions): Method {
  const request = putRecordsRequest(options.templates);
  // Retry-After must be exposed, or a page on another origin cannot read it and backs off blind.
  const vary = {
    'method.response.header.Vary': "'Origin'",
    'method.response.header.Access-Control-Expose-Headers': "'Retry-After'",
  };
  const integration = new AwsIntegration({
    service: 'kinesis',
    action: 'PutRecords',
    integrationHttpMethod: 'POST',
    options: {
      credentialsRole: options.role,
      // Any other Content-Type is answered 415 by API Gateway, before the model or Kinesis.
      passthroughBehavior: PassthroughBehavior.NEVER,
      requestParameters: { 'integration.request.header.Content-Type': "'application/x-amz-json-1.1'" },
      // text/plain is what sendBeacon and CORS-simple fetches send; the body is JSON all the same.
      requestTemplates: { 'application/json': request, 'text/plain': request },
      integrationResponses: [
        {
          statusCode: '200',
          responseParameters: vary,
          responseTemplates: { 'application/json': putRecordsResult(options.templates) },
        },
        {
          // AWS integrations select by Kinesis's HTTP status.
          selectionPattern: '4\\d{2}',
          statusCode: '400',
          responseParameters: vary,
          responseTemplates: { 'application/json': kinesisRefusal(options.templates) },
        },
        {
          selectionPattern: '5\\d{2}',
          statusCode: '503',
          responseParameters: vary,
          responseTemplates: { 'application/json': kinesisUnavailable(options.templates) },
        },
      ],
    },
  });
  return resource.addMethod('POST', integration, {
    apiKeyRequired: options.apiKeyRequired,
    requestValidator: options.validator,
    requestModels: { 'application/json': options.model, 'text/plain': options.model },
    methodResponses: ROUTE_STATUSES.map(
      (statusCode): MethodResponse => ({
        statusCode,
        responseParameters: Object.fromEntries(
          RESPONSE_HEADERS.map((header) => [`method.response.header.${header}`, false]),
        ),
      }),
    ),
  });
}
