import { describe, expect, it } from 'vitest';
import { parseQueryArgs } from '../../../../commands/query/query-options.ts';
import { usageErrorOf } from '../support/usage-error.ts';

describe('npm run query command line', () => {
  it('defaults to the table format, the .streamlake state and the prompt', () => {
    expect(parseQueryArgs([])).toEqual({ sql: '', format: 'table', stateDir: '.streamlake' });
  });

  it('joins the SQL words and reads --format, --file and --state-dir', () => {
    expect(parseQueryArgs(['SELECT', '1', '--format', 'csv', '--state-dir', 's'])).toEqual({
      sql: 'SELECT 1',
      format: 'csv',
      stateDir: 's',
    });
    expect(parseQueryArgs(['-f', 'queries/x.sql', '--format=json'])).toEqual({
      sql: '',
      file: 'queries/x.sql',
      format: 'json',
      stateDir: '.streamlake',
    });
  });

  it('returns undefined for --help', () => {
    expect(parseQueryArgs(['--help'])).toBeUndefined();
  });

  it('refuses an unknown flag, an unknown format, and SQL together with --file', () => {
    expect(usageErrorOf(() => parseQueryArgs(['--bogus'])).message).toMatch(/Unknown option '--bogus'/);
    expect(usageErrorOf(() => parseQueryArgs(['--format', 'xml', 'SELECT 1'])).message).toBe(
      '--format must be one of table, csv, json (given "xml")',
    );
    expect(usageErrorOf(() => parseQueryArgs(['--file', 'a.sql', 'SELECT 1'])).message).toMatch(
      /either SQL or --file, not both/,
    );
  });
});
