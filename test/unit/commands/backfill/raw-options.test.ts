import { describe, expect, it } from 'vitest';
import { parseBackfillArgs } from '../../../../commands/backfill/backfill-options.ts';

const HOURS = ['--from', '2026-12-01T05', '--to', '2026-12-01T06'];
const parse = (...argv: string[]) => parseBackfillArgs([...HOURS, ...argv]);

describe('npm run backfill --source', () => {
  it('recounts the lake as it is by default; --source raw rebuilds it first, --lake-only stops there', () => {
    expect(parse()).toMatchObject({ source: 'lake', lakeOnly: false });
    expect(parse('--source', 'raw')).toMatchObject({ source: 'raw', lakeOnly: false });
    expect(parse('--source', 'raw', '--lake-only')).toMatchObject({ source: 'raw', lakeOnly: true });
  });

  it('refuses an unknown source, naming it', () => {
    expect(() => parse('--source', 'stream')).toThrow('--source is lake or raw (given "stream")');
  });

  it('refuses --lake-only without --source raw, and beside --rollup', () => {
    expect(() => parse('--lake-only')).toThrow(/--lake-only applies with --source raw/);
    expect(() => parse('--source', 'raw', '--lake-only', '--rollup', 'purchases')).toThrow(
      '--lake-only recounts no rollup: drop --rollup or --lake-only',
    );
  });
});
