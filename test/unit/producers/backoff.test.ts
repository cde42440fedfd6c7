import { describe, expect, it } from 'vitest';
import { backoffDelayMs, mayRetry } from '../../../producers/backoff.ts';

const policy = { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 4 };

describe('backoff with full jitter', () => {
  it('the ceiling doubles each retry until the maximum delay', () => {
    // Prepare
    const almostOne = () => 0.999999;
    // Act
    const ceilings = [1, 2, 3, 4, 5, 10].map((retry) => backoffDelayMs(retry, policy, almostOne));
    // Assess
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('delays are spread uniformly from zero up to the ceiling', () => {
    // Act
    const lowest = backoffDelayMs(3, policy, () => 0);
    const middle = backoffDelayMs(3, policy, () => 0.5);
    // Assess
    expect(lowest).toBe(0);
    expect(middle).toBe(200);
  });

  it('attempts are bounded, the first one included', () => {
    // Act
    const allowed = [1, 2, 3, 4].map((attemptsMade) => mayRetry(attemptsMade, policy));
    // Assess
    expect(allowed).toEqual([true, true, true, false]);
  });
});
