import { describe, expect, it } from 'vitest';
import { gatewayErrorResponse } from '../../../../../infra/local/apigateway/gateway-responses.ts';

const request = {
  context: { requestId: 'req-1', stage: 'prod' },
  stageVariables: { tier: 'gold' },
  params: { path: {}, querystring: {}, header: { Origin: 'http://shop.test' } },
};

/** A custom template using both forms of a variable, `$context.x` and `${context.x}`. */
const CUSTOM_TEMPLATE = `{"message":"$context.error.validationErrorString","type":"$context.error.responseType","id":"\${context.requestId}"}`;

describe('gatewayErrorResponse', () => {
  it("answers with the type's own status and message when the API does not customise it", () => {
    // Act
    const answer = gatewayErrorResponse({}, { type: 'MISSING_AUTHENTICATION_TOKEN' }, request);

    // Assess
    expect(answer).toEqual({
      status: 403,
      headers: {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': 'MissingAuthenticationTokenException',
      },
      body: '{"message":"Missing Authentication Token"}',
    });
  });

  it("substitutes $context variables (no VTL) into the API's template, with the validation string quoted safely", () => {
    // Prepare
    const responses = {
      BAD_REQUEST_BODY: {
        statusCode: '422',
        responseParameters: {
          'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.origin',
        },
        responseTemplates: {
          'application/json': CUSTOM_TEMPLATE,
        },
      },
    };

    // Act
    const answer = gatewayErrorResponse(
      responses,
      {
        type: 'BAD_REQUEST_BODY',
        validationErrorString: '[object has missing required properties (["eventId"])]',
      },
      request,
    );

    // Assess
    expect(answer.status).toBe(422);
    expect(answer.headers['Access-Control-Allow-Origin']).toBe('http://shop.test');
    expect(JSON.parse(answer.body)).toEqual({
      message: '[object has missing required properties (["eventId"])]',
      type: 'BAD_REQUEST_BODY',
      id: 'req-1',
    });
  });

  it("falls back on DEFAULT_4XX for a 4XX type the API does not customise, its status replacing the type's", () => {
    // Prepare
    const responses = {
      DEFAULT_4XX: {
        statusCode: '400',
        responseParameters: { 'gatewayresponse.header.X-Tier': 'stageVariables.tier' },
        responseTemplates: {},
      },
    };

    // Act
    const throttled = gatewayErrorResponse(responses, { type: 'THROTTLED' }, request);
    const failed = gatewayErrorResponse(responses, { type: 'INTEGRATION_FAILURE' }, request);

    // Assess
    expect([throttled.status, throttled.headers['X-Tier'], throttled.body]).toEqual([
      400,
      'gold',
      '{"message":"Too Many Requests"}',
    ]);
    expect([failed.status, failed.headers['X-Tier']]).toEqual([504, undefined]);
  });
});
