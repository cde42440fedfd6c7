import { type App, Duration, Stack } from 'aws-cdk-lib';
import {
  AwsIntegration,
  type IModel,
  type IRequestValidator,
  JsonSchemaType,
  JsonSchemaVersion,
  type Method,
  MockIntegration,
  PassthroughBehavior,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import {
  ALLOWED_ORIGINS,
  acceptedTemplate,
  putRecordsTemplate,
  refusedTemplate,
  unavailableTemplate,
} from './events-api-templates.ts';

/** The value of the server key (declared, so the test knows it without asking the local cloud). */
export const SERVER_KEY = 'local-test-server-key-0123456789abcdef';

/** The limited route's plan throttle: two requests, then one every 100 s. */
export const LIMITED_BURST = 2;

const eventBatchSchema = {
  schema: JsonSchemaVersion.DRAFT4,
  title: 'EventBatch',
  type: JsonSchemaType.ARRAY,
  minItems: 1,
  maxItems: 500,
  items: {
    type: JsonSchemaType.OBJECT,
    required: ['schema', 'version', 'eventId', 'eventTime'],
    properties: {
      schema: { type: JsonSchemaType.STRING },
      version: { type: JsonSchemaType.INTEGER },
      eventId: { type: JsonSchemaType.STRING },
      eventTime: { type: JsonSchemaType.STRING, format: 'date-time' },
    },
  },
};

/**
 * A REST API exercising what the local API Gateway emulates, independent of the collector construct:
 * POST /v1/events (Kinesis PutRecords, request model and validator, JSON and text/plain templates, integration
 * responses by selection pattern with `$context.responseOverride`), the same behind an API key, a MOCK health
 * check, path parameters with a required query string, a greedy `{proxy+}`, a usage plan with a per-method
 * throttle, gateway responses and CORS preflight.
 */
export class EventsApiStack extends Stack {
  readonly stream: Stream;
  readonly api: RestApi;

  constructor(scope: App, id: string) {
    super(scope, id);
    this.stream = new Stream(this, 'Events', { shardCount: 1 });
    const role = new Role(this, 'ApiRole', { assumedBy: new ServicePrincipal('apigateway.amazonaws.com') });
    this.stream.grantWrite(role);
    this.api = new RestApi(this, 'EventsApi', {
      deployOptions: { stageName: 'prod', throttlingRateLimit: 1000, throttlingBurstLimit: 500 },
      defaultCorsPreflightOptions: {
        allowOrigins: [...ALLOWED_ORIGINS],
        allowMethods: ['POST', 'OPTIONS'],
        allowHeaders: ['Content-Type', 'X-Api-Key'],
        maxAge: Duration.minutes(10),
      },
    });
    this.gatewayResponses();
    const model = this.api.addModel('EventBatch', {
      contentType: 'application/json',
      schema: eventBatchSchema,
    });
    const validator = this.api.addRequestValidator('BodyValidator', { validateRequestBody: true });
    const v1 = this.api.root.addResource('v1');
    const events = { model, validator };
    v1.addResource('events').addMethod('POST', this.putRecords(role), this.eventsOptions(events, false));
    v1.addResource('server-events').addMethod(
      'POST',
      this.putRecords(role),
      this.eventsOptions(events, true),
    );
    this.mockRoutes(v1);
  }

  private putRecords(role: Role) {
    const template = putRecordsTemplate(this.stream.streamName);
    return new AwsIntegration({
      service: 'kinesis',
      action: 'PutRecords',
      options: {
        credentialsRole: role,
        passthroughBehavior: PassthroughBehavior.NEVER,
        requestParameters: { 'integration.request.header.Content-Type': "'application/x-amz-json-1.1'" },
        requestTemplates: { 'application/json': template, 'text/plain': template },
        integrationResponses: [
          {
            statusCode: '200',
            responseTemplates: { 'application/json': acceptedTemplate },
            responseParameters: { 'method.response.header.Vary': "'Origin'" },
          },
          {
            statusCode: '400',
            selectionPattern: '4\\d{2}',
            responseTemplates: { 'application/json': refusedTemplate },
          },
          {
            statusCode: '503',
            selectionPattern: '5\\d{2}',
            responseTemplates: { 'application/json': unavailableTemplate },
            responseParameters: { 'method.response.header.Retry-After': "'2'" },
          },
        ],
      },
    });
  }

  private eventsOptions(
    { model, validator }: { model: IModel; validator: IRequestValidator },
    apiKeyRequired: boolean,
  ) {
    const headers = (names: string[]) =>
      Object.fromEntries(names.map((n) => [`method.response.header.${n}`, true]));
    return {
      apiKeyRequired,
      requestModels: { 'application/json': model, 'text/plain': model },
      requestValidator: validator,
      methodResponses: ['200', '207', '400', '429']
        .map((statusCode) => ({
          statusCode,
          responseParameters: headers(['Access-Control-Allow-Origin', 'Vary', 'Retry-After']),
        }))
        .concat([
          { statusCode: '503', responseParameters: headers(['Access-Control-Allow-Origin', 'Retry-After']) },
        ]),
    };
  }

  private mockRoutes(v1: RestApi['root']) {
    const mock = (responseTemplate: string) =>
      new MockIntegration({
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        integrationResponses: [
          { statusCode: '200', responseTemplates: { 'application/json': responseTemplate } },
        ],
      });
    const ok = { methodResponses: [{ statusCode: '200' }] };
    v1.addResource('health').addMethod(
      'GET',
      mock('{"ok":true,"stage":"$context.stage","path":"$context.path"}'),
      ok,
    );
    const paramsOnly = this.api.addRequestValidator('ParamsValidator', { validateRequestParameters: true });
    v1.addResource('things')
      .addResource('{thingId}')
      .addMethod('GET', mock(`{"thing":"$input.params('thingId')","q":"$input.params('q')"}`), {
        ...ok,
        requestParameters: { 'method.request.querystring.q': true },
        requestValidator: paramsOnly,
      });
    v1.addResource('files')
      .addResource('{proxy+}')
      .addMethod('ANY', mock(`{"file":"$input.params('proxy')","method":"$context.httpMethod"}`), ok);
    const limited = v1
      .addResource('limited')
      .addMethod('GET', mock('{"limited":true}'), { ...ok, apiKeyRequired: true });
    this.usagePlan(limited);
  }

  private usagePlan(limited: Method) {
    const key = this.api.addApiKey('ServerKey', { apiKeyName: 'server', value: SERVER_KEY });
    const plan = this.api.addUsagePlan('ServerPlan', {
      throttle: { rateLimit: 100, burstLimit: 50 },
      apiStages: [
        {
          stage: this.api.deploymentStage,
          throttle: [{ method: limited, throttle: { rateLimit: 0.01, burstLimit: LIMITED_BURST } }],
        },
      ],
    });
    plan.addApiKey(key);
  }

  private gatewayResponses() {
    const cors = { 'Access-Control-Allow-Origin': `'${ALLOWED_ORIGINS[0]}'` };
    this.api.addGatewayResponse('BadBody', {
      type: ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      responseHeaders: cors,
      templates: { 'application/json': '{"message":"$context.error.validationErrorString"}' },
    });
    this.api.addGatewayResponse('Default4xx', { type: ResponseType.DEFAULT_4XX, responseHeaders: cors });
  }
}
