import { describe, expect, it } from 'vitest';
import type { MethodPlan } from '../../../../../infra/local/apigateway/api-plan.ts';
import { validateRequest } from '../../../../../infra/local/apigateway/request-validation.ts';

const batchModel = {
  name: 'EventBatch',
  schema: {
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'array',
    minItems: 1,
    maxItems: 2,
    items: {
      type: 'object',
      required: ['eventId', 'eventTime', 'version'],
      properties: {
        eventId: { type: 'string' },
        version: { type: 'integer', minimum: 1 },
        kind: { enum: ['view', 'click'] },
        eventTime: { type: 'string', format: 'date-time' },
        name: { type: 'string', minLength: 2, pattern: '^[a-z]+$' },
      },
      additionalProperties: false,
    },
  },
};

const method = (overrides: Partial<MethodPlan> = {}): MethodPlan => ({
  logicalId: 'PostEvents',
  resourcePath: '/v1/events',
  resourceId: 'abc123',
  httpMethod: 'POST',
  authorizationType: 'NONE',
  apiKeyRequired: false,
  requestParameters: {},
  requestModels: { 'application/json': batchModel },
  validateRequestBody: true,
  validateRequestParameters: false,
  integration: {
    type: 'MOCK',
    requestTemplates: {},
    requestParameters: {},
    passthroughBehavior: 'WHEN_NO_MATCH',
    timeoutMs: 29_000,
    responses: [],
  },
  ...overrides,
});

const params = { path: {}, querystring: {}, header: {} };
const validEvent = { eventId: 'e1', eventTime: '2024-03-05T10:11:12.345Z', version: 1 };

const errorStringOf = (body: unknown, contentType = 'application/json') => {
  const failure = validateRequest(method(), { params, contentType, body: JSON.stringify(body) });
  return failure?.type === 'BAD_REQUEST_BODY' ? failure.validationErrorString : failure;
};

describe('validateRequest: the body against its model, with API Gateway validator messages', () => {
  it('passes a body the model accepts', () => {
    // Assess
    expect(errorStringOf([validEvent])).toBeUndefined();
  });

  it('lists the missing required properties of an object in one message', () => {
    // Assess
    expect(errorStringOf([{ version: 1 }])).toBe(
      '[object has missing required properties (["eventId","eventTime"])]',
    );
  });

  it.each<[string, unknown, string]>([
    [
      'an array too long',
      [validEvent, validEvent, validEvent],
      'array is too long: must have at most 2 elements but instance has 3 elements',
    ],
    [
      'an array too short',
      [],
      'array is too short: must have at least 1 elements but instance has 0 elements',
    ],
    [
      'a wrong type',
      [{ ...validEvent, version: '1' }],
      'instance type (string) does not match any allowed primitive type (allowed: ["integer"])',
    ],
    [
      'a number below the minimum',
      [{ ...validEvent, version: 0 }],
      'numeric instance is lower than the required minimum (minimum: 1, found: 0)',
    ],
    [
      'a value not in the enum',
      [{ ...validEvent, kind: 'buy' }],
      'instance value ("buy") not found in enum (possible values: ["view","click"])',
    ],
    [
      'a bad date-time',
      [{ ...validEvent, eventTime: 'yesterday' }],
      `string "yesterday" is invalid against requested date format(s) [yyyy-MM-dd'T'HH:mm:ssZ, yyyy-MM-dd'T'HH:mm:ss.[0-9]{1,12}Z]`,
    ],
    [
      'an extra property',
      [{ ...validEvent, extra: 1 }],
      'object instance has properties which are not allowed by the schema: ["extra"]',
    ],
    [
      'a string too short',
      [{ ...validEvent, name: 'a' }],
      'string "a" is too short (length: 1, required minimum: 2)',
    ],
    [
      'a pattern mismatch',
      [{ ...validEvent, name: 'AB' }],
      'ECMA 262 regex "^[a-z]+$" does not match input string "AB"',
    ],
  ])('words %s as the validator does', (_, body, message) => {
    // Assess
    expect(errorStringOf(body)).toBe(`[${message}]`);
  });

  it('joins several errors as a Java list', () => {
    // Assess
    expect(
      errorStringOf([
        { ...validEvent, version: 0 },
        { version: 1, eventTime: 'x', eventId: 'e' },
      ]),
    ).toBe(
      `[numeric instance is lower than the required minimum (minimum: 1, found: 0), string "x" is invalid against requested date format(s) [yyyy-MM-dd'T'HH:mm:ssZ, yyyy-MM-dd'T'HH:mm:ss.[0-9]{1,12}Z]]`,
    );
  });

  it("validates only the content types that have a model (or $default's)", () => {
    // Act
    const unmodelled = validateRequest(method(), { params, contentType: 'text/plain', body: '[]' });
    const byDefault = validateRequest(method({ requestModels: { $default: batchModel } }), {
      params,
      contentType: 'text/plain',
      body: '[]',
    });

    // Assess
    expect(unmodelled).toBeUndefined();
    expect(byDefault?.type).toBe('BAD_REQUEST_BODY');
  });
});

describe('validateRequest: required parameters', () => {
  it('names every required parameter that is absent or blank', () => {
    // Prepare
    const withParameters = method({
      validateRequestBody: false,
      validateRequestParameters: true,
      requestParameters: {
        'method.request.querystring.q1': true,
        'method.request.header.h1': true,
        'method.request.querystring.optional': false,
      },
    });

    // Act
    const failure = validateRequest(withParameters, {
      params: { ...params, querystring: { q1: ' ' } },
      body: '',
    });
    const passed = validateRequest(withParameters, {
      params: { ...params, querystring: { q1: 'x' }, header: { H1: 'v' } },
      body: '',
    });

    // Assess
    expect(failure).toEqual({
      type: 'BAD_REQUEST_PARAMETERS',
      message: 'Missing required request parameters: [q1, h1]',
    });
    expect(passed).toBeUndefined();
  });
});
