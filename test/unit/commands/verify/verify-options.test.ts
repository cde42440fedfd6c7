import { describe, expect, it } from 'vitest';
import { parseVerifyArgs } from '../../../../commands/verify/verify-options.ts';
import { usageErrorOf } from '../support/usage-error.ts';

describe('npm run verify command line', () => {
  it('reads --state-dir, .streamlake by default', () => {
    expect(parseVerifyArgs([])).toEqual({ stateDir: '.streamlake' });
    expect(parseVerifyArgs(['--state-dir', '/tmp/s'])).toEqual({ stateDir: '/tmp/s' });
    expect(parseVerifyArgs(['--help'])).toBeUndefined();
  });

  it('refuses an unknown option and a positional', () => {
    expect(usageErrorOf(() => parseVerifyArgs(['--bogus'])).message).toMatch(/Unknown option '--bogus'/);
    expect(usageErrorOf(() => parseVerifyArgs(['/tmp/s'])).message).toMatch(/Unexpected argument/);
  });
});
