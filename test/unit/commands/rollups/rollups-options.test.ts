import { describe, expect, it } from 'vitest';
import {
  countOption,
  parseRollupsArgs,
  ROLLUPS_USAGE,
} from '../../../../commands/rollups/rollups-options.ts';
import { ROLLUPS } from '../../../../processors/rollups/rollups.ts';
import { usageErrorOf } from '../support/usage-error.ts';

describe('npm run rollups command line', () => {
  it('defaults to every rollup, 20 items, the .streamlake state', () => {
    expect(parseRollupsArgs([])).toEqual({ limit: 20, stateDir: '.streamlake' });
  });

  it('reads a declared rollup, --limit and --state-dir in either spelling', () => {
    expect(parseRollupsArgs(['device_readings', '--limit', '50', '--state-dir=/tmp/s'])).toEqual({
      rollup: 'device_readings',
      limit: 50,
      stateDir: '/tmp/s',
    });
    expect(parseRollupsArgs(['--limit=1', 'purchases'])).toMatchObject({ rollup: 'purchases', limit: 1 });
  });

  it('accepts every rollup ROLLUPS declares', () => {
    for (const { name } of ROLLUPS) expect(parseRollupsArgs([name])?.rollup).toBe(name);
  });

  it('returns undefined for --help and -h, and the help names the rollups', () => {
    expect(parseRollupsArgs(['--help'])).toBeUndefined();
    expect(parseRollupsArgs(['purchases', '-h'])).toBeUndefined();
    for (const { name } of ROLLUPS) expect(ROLLUPS_USAGE).toContain(name);
  });

  it('refuses an unknown flag with a UsageError naming it', () => {
    expect(usageErrorOf(() => parseRollupsArgs(['--bogus'])).message).toMatch(/Unknown option '--bogus'/);
  });

  it.each([
    ['abc'],
    ['-3'],
    ['0'],
    ['2.5'],
    ['1e3'],
    ['+5'],
    [' 7'],
    [''],
    ['99999999999999999999'],
  ])('refuses --limit=%j, naming the value', (text) => {
    expect(usageErrorOf(() => parseRollupsArgs([`--limit=${text}`])).message).toBe(
      `--limit must be a whole number ≥ 1 (given "${text}")`,
    );
  });

  it('refuses --limit with no value, or with a negative number as a separate argument', () => {
    expect(usageErrorOf(() => parseRollupsArgs(['--limit'])).message).toMatch(/--limit/);
    expect(usageErrorOf(() => parseRollupsArgs(['--limit', '-3'])).message).toMatch(/--limit/);
  });

  it('refuses an unknown rollup, naming it and listing the declared ones', () => {
    const { message } = usageErrorOf(() => parseRollupsArgs(['nosuchrollup']));
    expect(message).toBe(
      'unknown rollup "nosuchrollup"; the declared rollups are ' +
        'page_views, events_by_type, purchases, client_errors, device_readings',
    );
    expect(message).toContain(ROLLUPS.map((r) => r.name).join(', '));
  });

  it('refuses a rollup item key or a second rollup name', () => {
    expect(usageErrorOf(() => parseRollupsArgs(['page_views#/'])).message).toMatch(/unknown rollup/);
    expect(usageErrorOf(() => parseRollupsArgs(['purchases', 'page_views'])).message).toBe(
      'name at most one rollup (given "purchases", "page_views")',
    );
  });

  it('refuses an empty --state-dir', () => {
    expect(usageErrorOf(() => parseRollupsArgs(['--state-dir='])).message).toMatch(/--state-dir/);
  });
});

describe('count options', () => {
  it('keep the fallback when absent and read whole numbers written in digits', () => {
    expect(countOption('--limit', undefined, 20)).toBe(20);
    expect(countOption('--limit', '1', 20)).toBe(1);
    expect(countOption('--limit', '007', 20)).toBe(7);
    expect(countOption('--limit', '47337', 20)).toBe(47_337);
  });
});
