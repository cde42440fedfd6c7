import { describe, expect, it } from 'vitest';
import type { IntegrationResponsePlan } from '../../../../../infra/local/apigateway/api-plan.ts';
import { contextVariable } from '../../../../../infra/local/apigateway/context-variable.ts';
import { inputVariable } from '../../../../../infra/local/apigateway/input-variable.ts';
import {
  methodResponse,
  selectIntegrationResponse,
} from '../../../../../infra/local/apigateway/method-response.ts';
import { mockResult } from '../../../../../infra/local/apigateway/mock-integration.ts';
import { utilVariable } from '../../../../../infra/local/apigateway/util-variable.ts';
import { compileTemplate } from '../../../../../infra/local/apigateway/vtl.ts';

const response = (
  statusCode: string,
  selectionPattern?: string,
  extra: Partial<IntegrationResponsePlan> = {},
) => ({
  statusCode,
  ...(selectionPattern ? { selectionPattern } : {}),
  responseTemplates: {},
  responseParameters: {},
  ...extra,
});

const variablesOver = (body: string) => ({
  input: inputVariable(body, { path: {}, querystring: {}, header: {} }),
  context: contextVariable({
    accountId: '000000000000',
    apiId: 'abcdefghij',
    stage: 'prod',
    requestId: 'req-1',
    extendedRequestId: 'ext-1',
    receivedAtMs: 0,
    httpMethod: 'POST',
    path: '/prod/x',
    sourceIp: '127.0.0.1',
  }),
  util: utilVariable(),
  stageVariables: { tier: 'gold' },
});

describe('selectIntegrationResponse', () => {
  const responses = [response('200'), response('429', '4\\d{2}'), response('503', '5\\d{2}')];

  it('takes the response whose pattern matches the whole status, else the default', () => {
    // Assess
    expect(selectIntegrationResponse(responses, 400)?.statusCode).toBe('429');
    expect(selectIntegrationResponse(responses, 500)?.statusCode).toBe('503');
    expect(selectIntegrationResponse(responses, 200)?.statusCode).toBe('200');
    expect(selectIntegrationResponse([response('201', '20')], 201)).toBeUndefined();
  });
});

describe('methodResponse', () => {
  it('maps static, integration header and body-path headers, then lets the template override status and headers', () => {
    // Prepare
    const chosen = response('200', undefined, {
      responseTemplates: {
        'application/json':
          '#set($context.responseOverride.status = 207)#set($context.responseOverride.header.X-Static = "overridden")$input.json("$.n")',
      },
      responseParameters: {
        'method.response.header.X-Static': "'static'",
        'method.response.header.X-Request': 'integration.response.header.x-amzn-RequestId',
        'method.response.header.X-Count': 'integration.response.body.n',
        'method.response.header.X-Tier': 'stageVariables.tier',
      },
    });
    const result = { status: 200, headers: { 'x-amzn-requestid': 'kinesis-1' }, body: '{"n":3}' };

    // Act
    const answer = methodResponse({
      chosen,
      result,
      variables: variablesOver(result.body),
      compile: (text) => compileTemplate(text, 'test'),
    });

    // Assess
    expect(answer).toEqual({
      status: 207,
      headers: {
        'Content-Type': 'application/json',
        'X-Static': 'overridden',
        'X-Request': 'kinesis-1',
        'X-Count': '3',
        'X-Tier': 'gold',
      },
      body: '3',
    });
  });

  it('passes the integration body through when no template is declared', () => {
    // Act
    const answer = methodResponse({
      chosen: response('200'),
      result: { status: 200, headers: {}, body: 'as is' },
      variables: variablesOver('as is'),
      compile: (text) => compileTemplate(text, 'test'),
    });

    // Assess
    expect(answer.body).toBe('as is');
  });
});

describe('mockResult', () => {
  it('answers the status the request template names, quoted or not, else 200', () => {
    // Assess
    expect(mockResult('{ statusCode: 204 }').status).toBe(204);
    expect(mockResult('{"statusCode": "404"}').status).toBe(404);
    expect(mockResult('').status).toBe(200);
  });
});
