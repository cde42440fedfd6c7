import { describe, expect, it } from 'vitest';
import { parseBackfillArgs, rollupsOption } from '../../../../commands/backfill/backfill-options.ts';
import { hourOption } from '../../../../commands/backfill/backfill-range.ts';
import { ROLLUPS } from '../../../../processors/rollups/rollups.ts';

const parse = (...argv: string[]) => parseBackfillArgs(argv);

describe('npm run backfill options', () => {
  it('reads hours as UTC, --to exclusive, every rollup by default, locally', () => {
    expect(parse('--from', '2026-12-01T05', '--to', '2026-12-01T07')).toMatchObject({
      range: { fromMs: Date.UTC(2026, 11, 1, 5), toMs: Date.UTC(2026, 11, 1, 7) },
      rollups: ROLLUPS,
      dryRun: false,
      clamp: false,
      aws: false,
      stateDir: '.streamlake',
    });
  });

  it('names rollups by their declared names, comma-separated', () => {
    const options = parse(
      '--from',
      '2026-12-01T05',
      '--to',
      '2026-12-01T06',
      '--rollup',
      'purchases,page_views',
    );
    expect(options?.rollups.map((r) => r.name)).toEqual(['purchases', 'page_views']);
  });

  it('refuses an unknown rollup, listing the declared ones', () => {
    expect(() => rollupsOption('purchase')).toThrow(
      `unknown rollup "purchase"; the declared rollups are ${ROLLUPS.map((r) => r.name).join(', ')}`,
    );
  });

  it.each([
    ['2026-12-01', 'not an hour'],
    ['2026-12-01T5', 'one digit'],
    ['2026-12-01T24', 'hour 24'],
    ['2026-02-30T05', 'no such day'],
    ['2026-12-01T05:00', 'minutes'],
  ])('refuses --from %s (%s), naming the value and the form', (text) => {
    expect(() => hourOption('--from', text)).toThrow(
      `--from must be an hour, UTC, as YYYY-MM-DDTHH, e.g. 2026-12-01T05 (given "${text}")`,
    );
  });

  it('requires both hours and --to after --from', () => {
    expect(() => parse('--to', '2026-12-01T05')).toThrow(
      '--from is required: an hour, UTC, as 2026-12-01T05',
    );
    expect(() => parse('--from', '2026-12-01T05', '--to', '2026-12-01T05')).toThrow(
      '--to is exclusive and must be a later hour than --from (given --from 2026-12-01T05 --to 2026-12-01T05); for one hour give --to 2026-12-01T06',
    );
  });

  it('keeps local and AWS options apart', () => {
    const hours = ['--from', '2026-12-01T05', '--to', '2026-12-01T06'];
    expect(() => parse(...hours, '--aws', '--state-dir', 'x')).toThrow(
      /--state-dir names a local cloud, not with --aws/,
    );
    expect(() => parse(...hours, '--outputs', 'o.json')).toThrow(/--outputs applies with --aws/);
    expect(parse(...hours, '--aws', '--outputs', 'o.json')).toMatchObject({
      aws: true,
      outputsFile: 'o.json',
    });
  });

  it('returns undefined for --help', () => {
    expect(parse('--help')).toBeUndefined();
  });
});
