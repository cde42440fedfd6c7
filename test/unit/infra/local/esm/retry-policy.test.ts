import { describe, expect, it } from 'vitest';
import {
  defaultRetryDelayMs,
  nextStep,
  retriesExhausted,
} from '../../../../../infra/local/esm/retry-policy.ts';

const batch = ['r1', 'r2', 'r3', 'r4', 'r5'];

describe('nextStep', () => {
  it('checkpoints past a batch the function handled', () => {
    // Act
    const step = nextStep(batch, { kind: 'success' }, { bisectBatchOnFunctionError: true });

    // Assess
    expect(step).toEqual({ kind: 'checkpoint' });
  });

  it('after a partial failure, checkpoints what came before the lowest failed record and retries the rest', () => {
    // Act
    const step = nextStep(batch, { kind: 'partial', index: 2 }, { bisectBatchOnFunctionError: true });

    // Assess: a partial failure is never bisected.
    expect(step).toEqual({ kind: 'retry', handled: ['r1', 'r2'], failing: ['r3', 'r4', 'r5'] });
  });

  it('splits a failed batch in two, the larger half first, when bisection is on', () => {
    // Act
    const step = nextStep(batch, { kind: 'error', message: 'boom' }, { bisectBatchOnFunctionError: true });

    // Assess
    expect(step).toEqual({
      kind: 'bisect',
      halves: [
        ['r1', 'r2', 'r3'],
        ['r4', 'r5'],
      ],
    });
  });

  it.each([
    ['bisection is off', batch, false],
    ['the batch is a single record', ['r1'], true],
  ])('retries a failed batch whole when %s', (_, records, bisectBatchOnFunctionError) => {
    // Act
    const step = nextStep(records, { kind: 'error', message: 'boom' }, { bisectBatchOnFunctionError });

    // Assess
    expect(step).toEqual({ kind: 'retry', handled: [], failing: records });
  });
});

describe('retriesExhausted', () => {
  it.each([
    [1, 2, false],
    [2, 2, false],
    [3, 2, true],
    [1, 0, true],
    [1_000, -1, false],
  ])('after %i failed attempts with MaximumRetryAttempts %i: %s', (retries, maximum, exhausted) => {
    expect(retriesExhausted(retries, maximum)).toBe(exhausted);
  });
});

describe('defaultRetryDelayMs', () => {
  it('doubles from 200 ms and stops growing at 5 s', () => {
    expect([1, 2, 3, 5, 6, 20].map(defaultRetryDelayMs)).toEqual([200, 400, 800, 3_200, 5_000, 5_000]);
  });
});
