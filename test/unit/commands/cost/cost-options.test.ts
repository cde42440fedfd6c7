import { describe, expect, it } from 'vitest';
import { ratesOf } from '../../../../commands/cost/cost-options.ts';

describe('npm run cost options', () => {
  it('prices 100, 1,000 and 10,000 events/s unless told', () => {
    expect(ratesOf(undefined)).toEqual([100, 1000, 10_000]);
    expect(ratesOf('250, 5000')).toEqual([250, 5000]);
  });

  it('refuses a rate that is not a positive number, naming it', () => {
    expect(() => ratesOf('100,zero')).toThrow(
      '--rate must be events per second above 0, comma-separated, e.g. 100,1000 (given "zero")',
    );
    expect(() => ratesOf('0')).toThrow('(given "0")');
  });
});
