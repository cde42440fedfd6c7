import { describe, expect, it } from 'vitest';
import type { MethodPlan, StagePlan, UsagePlanPlan } from '../../../../../infra/local/apigateway/api-plan.ts';
import { RequestThrottles } from '../../../../../infra/local/apigateway/request-throttles.ts';
import { TokenBucket } from '../../../../../infra/local/apigateway/token-bucket.ts';

describe('TokenBucket', () => {
  it('lets a burst through, then one request per 1/rate seconds', () => {
    // Prepare
    const bucket = new TokenBucket({ rateLimit: 2, burstLimit: 3 }, 0);
    const admitted = (at: number) => {
      if (!bucket.hasToken(at)) return false;
      bucket.take(at);
      return true;
    };

    // Act
    const burst = [admitted(0), admitted(0), admitted(0), admitted(0)];
    const later = [admitted(499), admitted(500), admitted(500)];

    // Assess
    expect(burst).toEqual([true, true, true, false]);
    expect(later).toEqual([false, true, false]);
  });
});

const method = { resourcePath: '/v1/events', httpMethod: 'POST' } as MethodPlan;
const stage: StagePlan = { stageName: 'prod', variables: {}, methodThrottles: {} };
const key = { logicalId: 'ServerKey', value: 'k', enabled: true };
const plan = (overrides: Partial<UsagePlanPlan>): UsagePlanPlan => ({
  logicalId: 'Plan',
  stages: { prod: {} },
  keys: [key],
  ...overrides,
});

describe('RequestThrottles', () => {
  it("throttles a key at its usage plan's method limit and refills on the plan's rate", () => {
    // Prepare
    let now = 0;
    const throttles = new RequestThrottles(() => now);
    const usage = {
      plan: plan({ stages: { prod: { '/v1/events/POST': { rateLimit: 1, burstLimit: 1 } } } }),
      key,
    };
    const request = { apiLogicalId: 'Api', stage, method, usage };

    // Act
    const first = throttles.admit(request);
    const second = throttles.admit(request);
    now = 1_000;
    const afterASecond = throttles.admit(request);

    // Assess
    expect([first, second, afterASecond]).toEqual([undefined, 'THROTTLED', undefined]);
  });

  it('throttles every caller of a method at the stage limit, the stage-wide default when no method setting', () => {
    // Prepare
    const throttles = new RequestThrottles(() => 0);
    const limited = { ...stage, methodThrottles: { '*': { rateLimit: 1, burstLimit: 2 } } };

    // Act
    const outcomes = [1, 2, 3].map(() => throttles.admit({ apiLogicalId: 'Api', stage: limited, method }));

    // Assess
    expect(outcomes).toEqual([undefined, undefined, 'THROTTLED']);
  });

  it("refuses a key past its plan's quota until the next period", () => {
    // Prepare
    let now = Date.UTC(2024, 0, 1, 23, 59);
    const throttles = new RequestThrottles(() => now);
    const request = {
      apiLogicalId: 'Api',
      stage,
      method,
      usage: { plan: plan({ quota: { limit: 1, period: 'DAY' } }), key },
    };

    // Act
    const first = throttles.admit(request);
    const second = throttles.admit(request);
    now = Date.UTC(2024, 0, 2, 0, 1);
    const nextDay = throttles.admit(request);

    // Assess
    expect([first, second, nextDay]).toEqual([undefined, 'QUOTA_EXCEEDED', undefined]);
  });
});
