import { describe, expect, it } from 'vitest';
import type { MethodPlan } from '../../../../../infra/local/apigateway/api-plan.ts';
import { matchRoute } from '../../../../../infra/local/apigateway/routes.ts';

const at = (resourcePath: string, httpMethod: string) =>
  ({ resourcePath, httpMethod, logicalId: `${httpMethod} ${resourcePath}` }) as MethodPlan;

const methods = [
  at('/', 'GET'),
  at('/v1/things/{id}', 'GET'),
  at('/v1/things/special', 'GET'),
  at('/v1/{proxy+}', 'ANY'),
  at('/v1/things/{id}', 'ANY'),
];

const route = (httpMethod: string, path: string) => {
  const match = matchRoute(methods, httpMethod, path);
  return match && [match.method.logicalId, match.pathParameters];
};

describe('matchRoute', () => {
  it('prefers a literal part over a {param} over a greedy {proxy+}', () => {
    // Assess
    expect(route('GET', '/v1/things/special')).toEqual(['GET /v1/things/special', {}]);
    expect(route('GET', '/v1/things/a%20b')).toEqual(['GET /v1/things/{id}', { id: 'a b' }]);
    expect(route('GET', '/v1/other/x/y')).toEqual(['ANY /v1/{proxy+}', { proxy: 'other/x/y' }]);
  });

  it('prefers the exact method over ANY on the same resource', () => {
    // Assess
    expect(route('GET', '/v1/things/1')?.[0]).toBe('GET /v1/things/{id}');
    expect(route('DELETE', '/v1/things/1')?.[0]).toBe('ANY /v1/things/{id}');
  });

  it('matches the root, and nothing for a path no resource has', () => {
    // Assess
    expect(route('GET', '/')?.[0]).toBe('GET /');
    expect(route('POST', '/')).toBeUndefined();
    expect(route('GET', '/v2')).toBeUndefined();
  });
});
