import { Match, Template } from 'aws-cdk-lib/assertions';
import { Stream, StreamEncryption } from 'aws-cdk-lib/aws-kinesis';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { WebCollector } from '../../infra/constructs/web-collector.ts';
import { logicalIdOf, opsAlarmOf, templateOf } from './ops-template.ts';
import { emptyStack, streamlakeStackWith, webCollectorStack } from './stacks.ts';

const SHOP = 'https://shop.example';
const LOCAL = 'http://127.0.0.1:8080';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation properties are untyped JSON.
type Resource = { Type: string; Properties: Record<string, any> };

const resourcesOf = (stack: Parameters<typeof templateOf>[0], type: string): Resource[] =>
  Object.values(templateOf(stack).Resources as Record<string, Resource>).filter((r) => r.Type === type);

/** The POST method on `/v1/<…>/events` whose path ends with `pathPart` under its parent. */
function postMethodOf(stack: Parameters<typeof templateOf>[0], parentPathPart: 'v1' | 'server'): Resource {
  const template = templateOf(stack);
  const resources = template.Resources as Record<string, Resource>;
  const [eventsId] = Object.entries(resources).find(
    ([, r]) =>
      r.Type === 'AWS::ApiGateway::Resource' &&
      r.Properties.PathPart === 'events' &&
      resources[r.Properties.ParentId.Ref]?.Properties.PathPart === parentPathPart,
  ) ?? [undefined];
  const method = Object.values(resources).find(
    (r) =>
      r.Type === 'AWS::ApiGateway::Method' &&
      r.Properties.HttpMethod === 'POST' &&
      r.Properties.ResourceId?.Ref === eventsId,
  );
  if (!method) throw new Error(`no POST method under /${parentPathPart}/events`);
  return method;
}

/** A template string as one text, references spelled `<Ref X>`. */
const text = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
        .map((part) => (typeof part === 'string' ? part : `<Ref ${(part as { Ref: string }).Ref}>`))
        .join('');

describe('WebCollector', () => {
  const { stack, collector, stream } = webCollectorStack({ allowedOrigins: [SHOP, LOCAL] });
  const template = Template.fromStack(stack);
  const streamRef = `<Ref ${logicalIdOf(stack, stream)}>`;
  const browser = postMethodOf(stack, 'v1');
  const server = postMethodOf(stack, 'server');

  it('is a regional REST API', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'Test-collector',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it.each([
    ['browsers', browser],
    ['server-side sources', server],
  ])('writes the batch of %s as one record with one Kinesis PutRecords, as the collector role', (_, method) => {
    expect(method.Properties.Integration).toMatchObject({
      Type: 'AWS',
      IntegrationHttpMethod: 'POST',
      Uri: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':apigateway:',
            { Ref: 'AWS::Region' },
            ':kinesis:action/PutRecords',
          ],
        ],
      },
      Credentials: { 'Fn::GetAtt': [logicalIdOf(stack, collector.role), 'Arn'] },
      RequestParameters: { 'integration.request.header.Content-Type': "'application/x-amz-json-1.1'" },
      PassthroughBehavior: 'NEVER',
    });
  });

  it('takes JSON sent as application/json or text/plain, with one request template for both', () => {
    const templates = browser.Properties.Integration.RequestTemplates;

    expect(Object.keys(templates).sort()).toEqual(['application/json', 'text/plain']);
    expect(templates['text/plain']).toEqual(templates['application/json']);
  });

  it("renders the stack's stream, the allow-list and whether an origin is required into each template", () => {
    const browserTemplate = text(browser.Properties.Integration.RequestTemplates['application/json']);
    const serverTemplate = text(server.Properties.Integration.RequestTemplates['application/json']);

    expect(browserTemplate).toContain(`#set($streamName = '${streamRef}')`);
    expect(browserTemplate).toContain(`#set($allowedOrigins = ['${SHOP}', '${LOCAL}'])`);
    expect(browserTemplate).toContain('#set($originRequired = true)');
    expect(serverTemplate).toContain('#set($originRequired = false)');
    expect(browserTemplate).toContain('{"StreamName":"$streamName","Records":[');
  });

  it('requires an API key on the server route only', () => {
    expect(browser.Properties.ApiKeyRequired).toBe(false);
    expect(server.Properties.ApiKeyRequired).toBe(true);
  });

  it('checks every body against the event-batch model, whichever content type it came as', () => {
    const models = resourcesOf(stack, 'AWS::ApiGateway::Model');
    const validators = resourcesOf(stack, 'AWS::ApiGateway::RequestValidator');

    expect(models).toHaveLength(1);
    expect(models[0]?.Properties.Schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: ['array', 'object'],
      minItems: 1,
      maxItems: 500,
      required: ['events'],
      properties: { events: { type: 'array', minItems: 1, maxItems: 500 } },
    });
    expect(models[0]?.Properties.Schema.items.required).toEqual([
      'schema',
      'version',
      'eventId',
      'eventTime',
    ]);
    expect(validators.map((v) => v.Properties.ValidateRequestBody)).toEqual([true]);
    for (const method of [browser, server]) {
      expect(Object.keys(method.Properties.RequestModels).sort()).toEqual(['application/json', 'text/plain']);
      expect(method.Properties.RequestValidatorId).toBeDefined();
    }
  });

  it("maps Kinesis's answer: 200 to the one entry's result, 4xx to a refusal, 5xx to 503", () => {
    const responses = browser.Properties.Integration.IntegrationResponses as Record<string, unknown>[];

    expect(responses.map((r) => ({ pattern: r.SelectionPattern, status: r.StatusCode }))).toEqual([
      { pattern: undefined, status: '200' },
      { pattern: '4\\d{2}', status: '400' },
      { pattern: '5\\d{2}', status: '503' },
    ]);
    const [result, refusal, unavailable] = responses.map((r) =>
      text((r.ResponseTemplates as Record<string, unknown>)['application/json']),
    );
    expect(result).toContain('{"refused":[]}');
    expect(result).toContain('#set($context.responseOverride.status = $status)');
    expect(refusal).toContain('#set($status = 413)');
    expect(unavailable).toContain(
      '#set($context.responseOverride.header.Retry-After = $retryAfterUnavailable)',
    );
  });

  it('declares every status it answers with, each able to carry CORS headers and an exposed Retry-After', () => {
    const statuses = (
      browser.Properties.MethodResponses as { StatusCode: string; ResponseParameters: object }[]
    ).map((r) => r.StatusCode);

    expect(statuses).toEqual(['200', '400', '403', '413', '429', '503']);
    for (const response of browser.Properties.MethodResponses) {
      expect(Object.keys(response.ResponseParameters)).toEqual([
        'method.response.header.Access-Control-Allow-Origin',
        'method.response.header.Access-Control-Expose-Headers',
        'method.response.header.Vary',
        'method.response.header.Retry-After',
      ]);
    }
  });

  it('lets API Gateway put records into the event stream, and nothing else', () => {
    const role = templateOf(stack).Resources[logicalIdOf(stack, collector.role)];
    const policies = resourcesOf(stack, 'AWS::IAM::Policy').filter((p) =>
      p.Properties.Roles.some((r: { Ref: string }) => r.Ref === logicalIdOf(stack, collector.role)),
    );

    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
    ]);
    expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      {
        Action: 'kinesis:PutRecords',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalIdOf(stack, stream), 'Arn'] },
      },
    ]);
  });

  it('answers a CORS preflight for the allow-listed origins: POST, Content-Type and X-Api-Key, two hours', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'OPTIONS',
      Integration: {
        Type: 'MOCK',
        IntegrationResponses: [
          Match.objectLike({
            StatusCode: '204',
            ResponseParameters: {
              'method.response.header.Access-Control-Allow-Origin': `'${SHOP}'`,
              'method.response.header.Access-Control-Allow-Methods': "'POST'",
              'method.response.header.Access-Control-Allow-Headers': "'Content-Type,X-Api-Key'",
              'method.response.header.Access-Control-Max-Age': "'7200'",
              'method.response.header.Vary': "'Origin'",
            },
            ResponseTemplates: { 'application/json': Match.stringLikeRegexp(`\\$origin == "${LOCAL}"`) },
          }),
        ],
      },
    });
  });

  it.each([
    ['BAD_REQUEST_BODY', '400', '{"message":"$context.error.validationErrorString"}'],
    ['UNSUPPORTED_MEDIA_TYPE', '415', Match.stringLikeRegexp('application/json or text/plain')],
    ['REQUEST_TOO_LARGE', '413', Match.anyValue()],
    ['INVALID_API_KEY', '403', Match.stringLikeRegexp('X-Api-Key')],
    ['ACCESS_DENIED', '403', Match.anyValue()],
  ])('answers %s with %s, its reason, and the CORS headers', (type, status, body) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: status,
      ResponseParameters: {
        'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
        'gatewayresponse.header.Vary': "'Origin'",
      },
      ResponseTemplates: { 'application/json': body },
    });
  });

  it.each([
    ['THROTTLED', '429', "'1'"],
    ['INTEGRATION_TIMEOUT', '503', "'5'"],
    ['INTEGRATION_FAILURE', '503', "'5'"],
  ])('answers %s with %s and Retry-After %s', (type, status, retryAfter) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: status,
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': retryAfter }),
    });
  });

  it('logs one JSON line per request, without addresses or user agents, kept a month', () => {
    const [stage] = resourcesOf(stack, 'AWS::ApiGateway::Stage');
    const fields = JSON.parse(stage?.Properties.AccessLogSetting.Format);

    expect(Object.keys(fields)).toEqual([
      'requestId',
      'time',
      'apiName',
      'method',
      'route',
      'status',
      'error',
      'kinesisStatus',
      'kinesisLatencyMs',
      'latencyMs',
      'responseBytes',
      'apiKeyId',
    ]);
    expect(JSON.stringify(fields)).not.toMatch(/sourceIp|userAgent/);
    expect(stage?.Properties.AccessLogSetting.DestinationArn).toEqual({
      'Fn::GetAtt': [logicalIdOf(stack, collector.accessLog), 'Arn'],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('publishes metrics, logs failures only, traces nothing and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: false,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          MetricsEnabled: true,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 500,
          ThrottlingBurstLimit: 1000,
        },
      ],
    });
  });

  it('throttles each server-side key by the usage plan, and has one key in it', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 200, BurstLimit: 400 },
      ApiStages: [Match.objectLike({ ApiId: { Ref: logicalIdOf(stack, collector.api) } })],
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyId: { Ref: logicalIdOf(stack, collector.apiKey) },
      KeyType: 'API_KEY',
    });
  });

  it('counts responses by status from the access log, per API', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalIdOf(stack, collector.accessLog) },
      MetricTransformations: [
        {
          MetricNamespace: 'Streamlake',
          MetricName: 'CollectorResponses',
          MetricValue: '1',
          Dimensions: [
            { Key: 'ApiName', Value: '$.apiName' },
            { Key: 'status', Value: '$.status' },
          ],
        },
      ],
    });
  });

  it("adds no output of its own: the stack names the collector's URLs", () => {
    expect(Object.keys(templateOf(stack).Outputs ?? {})).toEqual([]);
  });
});

describe('WebCollector settings', () => {
  it('answers no preflight, and writes for no browser, while no origin is allowed', () => {
    const { stack } = webCollectorStack();

    Template.fromStack(stack).resourcePropertiesCountIs(
      'AWS::ApiGateway::Method',
      { HttpMethod: 'OPTIONS' },
      0,
    );
    expect(text(postMethodOf(stack, 'v1').Properties.Integration.RequestTemplates['text/plain'])).toContain(
      '#set($allowedOrigins = [])',
    );
  });

  it('takes the stage and key throttles from its props', () => {
    const { stack } = webCollectorStack({ rateLimit: 50, burstLimit: 60, keyRateLimit: 5, keyBurstLimit: 6 });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 60 })],
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 5, BurstLimit: 6 },
    });
  });

  it("grants kms:GenerateDataKey on a stream's customer-managed key", () => {
    const stack = emptyStack();
    const key = new Key(stack, 'Key');
    const events = new Stream(stack, 'Events', { encryption: StreamEncryption.KMS, encryptionKey: key });
    new WebCollector(stack, 'Collector', { events });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'kms:GenerateDataKey',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [logicalIdOf(stack, key), 'Arn'] },
          },
        ]),
      },
    });
  });

  it.each([
    [
      ['https://shop.example/'],
      'collector allowed origin must be scheme://host[:port] with no path or trailing slash, as browsers send Origin, at most 256 characters (given "https://shop.example/")',
    ],
    [['shop.example'], '(given "shop.example")'],
    [["https://it's.example"], `(given "https://it's.example")`],
    [['*'], 'collector allowed origins may not be "*"'],
  ])('fails on the allowed origins %j, naming the bad one', (allowedOrigins, message) => {
    expect(() => webCollectorStack({ allowedOrigins })).toThrow(message);
  });

  it.each([
    [{ rateLimit: 0 }, 'collector rateLimit must be between 1 and 10000 inclusive (given 0)'],
    [{ burstLimit: 5001 }, 'collector burstLimit must be between 1 and 5000 inclusive (given 5001)'],
    [{ keyRateLimit: 1.5 }, 'collector keyRateLimit must be a whole number (given 1.5)'],
  ])('fails on the throttle %j, naming it', (settings, message) => {
    expect(() => webCollectorStack(settings)).toThrow(message);
  });
});

describe('the web collector in the Streamlake stack', () => {
  const stack = streamlakeStackWith({ 'streamlake:collectorAllowedOrigins': `${SHOP}, ${LOCAL}` });
  const outputs = templateOf(stack).Outputs;
  const apiId = logicalIdOf(stack, stack.collector.api);

  it('outputs the browser and server URLs, and the API by id for the local cloud', () => {
    expect(text(outputs.CollectorUrl.Value)).toMatch(
      new RegExp(`^https://<Ref ${apiId}>\\.execute-api\\..*/v1/events$`),
    );
    expect(text(outputs.CollectorServerUrl.Value)).toMatch(/\/v1\/server\/events$/);
    expect(outputs.CollectorApiId.Value).toEqual({ Ref: apiId });
    expect(outputs.CollectorApiKeyId.Value).toEqual({ Ref: logicalIdOf(stack, stack.collector.apiKey) });
  });

  it('takes the allowed origins from context, comma-separated as on the command line', () => {
    expect(stack.collector.allowedOrigins).toEqual([SHOP, LOCAL]);
  });

  it('takes them as a list too, as cdk.json gives it, and refuses anything else', () => {
    expect(
      streamlakeStackWith({ 'streamlake:collectorAllowedOrigins': [LOCAL] }).collector.allowedOrigins,
    ).toEqual([LOCAL]);
    expect(() => streamlakeStackWith({ 'streamlake:collectorAllowedOrigins': 42 })).toThrow(
      'context streamlake:collectorAllowedOrigins must be a list of strings or comma-separated text (given 42)',
    );
  });

  it('lets props win over context', () => {
    const withProps = streamlakeStackWith(
      { 'streamlake:collectorAllowedOrigins': SHOP, 'streamlake:collectorRateLimit': 7 },
      { collector: { allowedOrigins: [LOCAL] } },
    );

    expect(withProps.collector.allowedOrigins).toEqual([LOCAL]);
    Template.fromStack(withProps).hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 7 })],
    });
  });

  it('puts the collector on the ops view by the names its metrics carry', () => {
    expect(stack.ops.resources.collector).toEqual({ apiName: 'Streamlake-collector', stage: 'prod' });
  });

  it('alarms on the 5xx rate and on throttled requests, to the ops topic', () => {
    const errorRate = opsAlarmOf(stack, 'CollectorErrorRate');
    const throttled = opsAlarmOf(stack, 'CollectorThrottled');

    expect(
      errorRate.Metrics.map(
        (m: { MetricStat?: { Metric: { MetricName: string } } }) => m.MetricStat?.Metric.MetricName,
      ),
    ).toEqual([undefined, '5XXError', 'Count']);
    expect(throttled.Metrics[0].MetricStat.Metric).toEqual({
      MetricName: 'CollectorResponses',
      Namespace: 'Streamlake',
      Dimensions: [
        { Name: 'ApiName', Value: 'Streamlake-collector' },
        { Name: 'status', Value: '429' },
      ],
    });
    expect(throttled.AlarmActions).toEqual([{ Ref: logicalIdOf(stack, stack.ops.topic) }]);
  });
});
