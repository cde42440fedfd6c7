import { describe, expect, it } from 'vitest';
import { FunctionFaults, functionFaultRequestOf } from '../../../../../infra/local/faults/function-faults.ts';

describe('FunctionFaults', () => {
  it('hands the faults to the next invocations in the order asked, and counts what is pending and done', () => {
    // Prepare
    const faults = new FunctionFaults();
    faults.inject('crash', 2);
    faults.inject('timeout', 1);

    // Act
    const taken = [faults.take(), faults.take()];
    faults.done('crash');
    faults.done('crash');

    // Assess
    expect(taken).toEqual(['crash', 'crash']);
    expect(faults.counts()).toEqual({
      pending: 1,
      done: 2,
      byEffect: { crash: { pending: 0, done: 2 }, timeout: { pending: 1, done: 0 } },
    });
    expect(faults.take()).toBe('timeout');
    expect(faults.take()).toBeUndefined();
  });

  it.each([
    [{ effect: 'hang', invocations: 1 }, /effect must be one of crash, timeout \(given "hang"\)/],
    [{ effect: 'crash', invocations: 0 }, /invocations must be a whole number from 1 to 1000 \(given 0\)/],
    [{ effect: 'crash', invocations: 1.5 }, /invocations must be .* \(given 1.5\)/],
    [{ effect: 'crash' }, /invocations must be .* \(given undefined\)/],
    [{ effect: 'crash', invocations: 1, times: 2 }, /unknown field times/],
  ])('refuses %j, naming the bad value', (body, message) => {
    expect(() => functionFaultRequestOf(body)).toThrow(message);
  });
});
