import { describe, expect, it } from 'vitest';
import { parseReplayArgs } from '../../../../commands/replay/replay-options.ts';
import { usageErrorOf } from '../support/usage-error.ts';

describe('npm run replay command line', () => {
  it('reads --dry-run and --state-dir', () => {
    expect(parseReplayArgs([])).toEqual({ dryRun: false, stateDir: '.streamlake' });
    expect(parseReplayArgs(['--dry-run', '--state-dir=/tmp/s'])).toEqual({
      dryRun: true,
      stateDir: '/tmp/s',
    });
    expect(parseReplayArgs(['-h'])).toBeUndefined();
  });

  it('refuses an unknown option', () => {
    expect(usageErrorOf(() => parseReplayArgs(['--bogus'])).message).toMatch(/Unknown option '--bogus'/);
  });
});
