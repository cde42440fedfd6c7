import { describe, expect, it } from 'vitest';
import { type LocalAccount, planFromTemplate, type Template } from '../../../../../infra/local/template.ts';

const account: LocalAccount = { region: 'eu-west-1', accountId: '000000000000', stackName: 'streamlake-dev' };
const api = { Ref: 'Api' };
const root = { 'Fn::GetAtt': ['Api', 'RootResourceId'] };

/** A hand-written template shaped as `cdk synth` writes a REST API with a Kinesis integration. */
const template: Template = {
  Resources: {
    Stream: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'collector' } },
    V1: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: api, ParentId: root, PathPart: 'v1' } },
    Events: {
      Type: 'AWS::ApiGateway::Resource',
      Properties: { RestApiId: api, ParentId: { Ref: 'V1' }, PathPart: 'events' },
    },
    Batch: {
      Type: 'AWS::ApiGateway::Model',
      Properties: {
        RestApiId: api,
        ContentType: 'application/json',
        Name: 'Batch',
        Schema: { type: 'array' },
      },
    },
    BodyValidator: {
      Type: 'AWS::ApiGateway::RequestValidator',
      Properties: { RestApiId: api, ValidateRequestBody: true },
    },
    RootGet: {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: api,
        ResourceId: root,
        HttpMethod: 'GET',
        AuthorizationType: 'NONE',
        Integration: { Type: 'MOCK' },
      },
    },
    PostEvents: {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: api,
        ResourceId: { Ref: 'Events' },
        HttpMethod: 'POST',
        AuthorizationType: 'NONE',
        ApiKeyRequired: true,
        RequestModels: { 'application/json': { Ref: 'Batch' }, 'text/plain': 'Empty' },
        RequestValidatorId: { Ref: 'BodyValidator' },
        Integration: {
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
          PassthroughBehavior: 'NEVER',
          RequestTemplates: {
            'application/json': { 'Fn::Join': ['', ['{"StreamName":"', { Ref: 'Stream' }, '"}']] },
          },
          IntegrationResponses: [
            { StatusCode: '200' },
            {
              StatusCode: '429',
              SelectionPattern: '4\\d{2}',
              ResponseTemplates: { 'application/json': '{}' },
            },
          ],
        },
      },
    },
    Deployment: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: api } },
    Stage: {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: api,
        DeploymentId: { Ref: 'Deployment' },
        StageName: 'prod',
        Variables: { stream: { Ref: 'Stream' } },
        MethodSettings: [
          { HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50 },
          {
            HttpMethod: 'POST',
            ResourcePath: '/~1v1~1events',
            ThrottlingRateLimit: 10,
            ThrottlingBurstLimit: 5,
          },
        ],
      },
    },
    Key: { Type: 'AWS::ApiGateway::ApiKey', Properties: { Enabled: true } },
    Plan: {
      Type: 'AWS::ApiGateway::UsagePlan',
      Properties: {
        ApiStages: [
          {
            ApiId: api,
            Stage: { Ref: 'Stage' },
            Throttle: { '/v1/events/POST': { RateLimit: 1, BurstLimit: 2 } },
          },
        ],
        Throttle: { RateLimit: 20, BurstLimit: 10 },
        Quota: { Limit: 1000, Period: 'DAY' },
      },
    },
    PlanKey: {
      Type: 'AWS::ApiGateway::UsagePlanKey',
      Properties: { KeyId: { Ref: 'Key' }, KeyType: 'API_KEY', UsagePlanId: { Ref: 'Plan' } },
    },
    BadBody: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        RestApiId: api,
        ResponseType: 'BAD_REQUEST_BODY',
        StatusCode: '400',
        ResponseTemplates: { 'application/json': '{}' },
      },
    },
  },
};

describe('restApis in the plan', () => {
  const [plan] = planFromTemplate(template, account).restApis;

  it('reads resource paths through parents and the root, with each method and its integration resolved', () => {
    // Act
    const post = plan?.methods.find((m) => m.logicalId === 'PostEvents');

    // Assess
    expect(plan?.methods.map((m) => `${m.httpMethod} ${m.resourcePath}`)).toEqual([
      'GET /',
      'POST /v1/events',
    ]);
    expect(post?.integration).toMatchObject({
      type: 'AWS',
      uri: 'arn:aws:apigateway:eu-west-1:kinesis:action/PutRecords',
      passthroughBehavior: 'NEVER',
      requestTemplates: { 'application/json': '{"StreamName":"streamlake-dev-Stream"}' },
      responses: [{ statusCode: '200' }, { statusCode: '429', selectionPattern: '4\\d{2}' }],
    });
    expect(post).toMatchObject({
      apiKeyRequired: true,
      validateRequestBody: true,
      validateRequestParameters: false,
    });
    expect(post?.requestModels['application/json']).toEqual({ name: 'Batch', schema: { type: 'array' } });
    expect(post?.requestModels['text/plain']?.name).toBe('Empty');
  });

  it('reads stages with their variables and method throttles, keyed as usage plans key methods', () => {
    // Assess
    expect(plan?.stages).toEqual([
      {
        stageName: 'prod',
        variables: { stream: 'streamlake-dev-Stream' },
        methodThrottles: {
          '*': { rateLimit: 100, burstLimit: 50 },
          '/v1/events/POST': { rateLimit: 10, burstLimit: 5 },
        },
      },
    ]);
  });

  it('reads usage plans with their stage, limits and keys (a key without a value gets a stable local one)', () => {
    // Act
    const again = planFromTemplate(template, account).restApis[0]?.usagePlans[0]?.keys[0]?.value;

    // Assess
    expect(plan?.usagePlans).toEqual([
      {
        logicalId: 'Plan',
        stages: { prod: { '/v1/events/POST': { rateLimit: 1, burstLimit: 2 } } },
        throttle: { rateLimit: 20, burstLimit: 10 },
        quota: { limit: 1000, period: 'DAY' },
        keys: [{ logicalId: 'Key', value: expect.stringMatching(/^[a-z0-9]{40}$/), enabled: true }],
      },
    ]);
    expect(again).toBe(plan?.usagePlans[0]?.keys[0]?.value);
  });

  it('reads gateway responses by type, and gives the API an id of API Gateway shape', () => {
    // Assess
    expect(plan?.gatewayResponses.BAD_REQUEST_BODY).toEqual({
      statusCode: '400',
      responseParameters: {},
      responseTemplates: { 'application/json': '{}' },
    });
    expect(plan?.apiId).toMatch(/^[a-z0-9]{10}$/);
  });

  it('fails naming the method when a template is not a string after resolving', () => {
    // Prepare
    const withSub = structuredClone(template);
    const post = withSub.Resources.PostEvents?.Properties as {
      Integration: { RequestTemplates: Record<string, unknown> };
    };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
    post.Integration.RequestTemplates['application/json'] = { 'Fn::Sub': '${Stream}' };

    // Act
    const act = () => planFromTemplate(withSub, account);

    // Assess
    expect(act).toThrow(/method PostEvents Integration\.RequestTemplates\.application\/json is/);
  });
});
