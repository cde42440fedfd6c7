import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Command,
  parseCommand,
  runWithOptions,
  stateDirOf,
  stateDirOption,
  usageErrorText,
  usageText,
} from '../../../../commands/shared/command-line.ts';
import { UsageError } from '../../../../producers/cli-options.ts';
import { usageErrorOf } from '../support/usage-error.ts';

interface CopyOptions {
  readonly files: readonly string[];
  readonly times?: string;
  readonly dryRun: boolean;
  readonly stateDir: string;
}

const COPY: Command<CopyOptions> = {
  command: 'npm run copy',
  synopsis: '<file…> [--times N] [--dry-run]',
  description: 'Copies files.',
  arguments: [{ name: 'file', help: 'a file to copy' }],
  options: {
    times: { type: 'string', short: 't', value: 'N', help: 'how many copies\n(default 1)' },
    'dry-run': { type: 'boolean', help: 'copy nothing' },
    'state-dir': stateDirOption('where to copy to (default out)'),
  },
  notes: 'Exit status: 0 when copied.',
  read: (given) => {
    if (given.positionals.length === 0) throw new UsageError('name a file to copy');
    const times = given.text('times');
    return {
      files: given.positionals,
      ...(times === undefined ? {} : { times }),
      dryRun: given.flag('dry-run'),
      stateDir: stateDirOf(given, 'out'),
    };
  },
};

const NO_ARGUMENTS: Command<{ fast: boolean }> = {
  command: 'npm run tidy',
  synopsis: '[--fast]',
  description: 'Tidies up.',
  options: { fast: { type: 'boolean', help: 'quickly' } },
  read: (given) => ({ fast: given.flag('fast') }),
};

describe('a command line declared once', () => {
  it('prints every option in the help, --help last, names padded to the longest plus three', () => {
    expect(usageText(COPY)).toBe(
      [
        'npm run copy -- <file…> [--times N] [--dry-run]',
        '',
        'Copies files.',
        '',
        'Arguments and options:',
        '  file              a file to copy',
        '  -t, --times N     how many copies',
        '                    (default 1)',
        '  --dry-run         copy nothing',
        '  --state-dir DIR   where to copy to (default out)',
        '  -h, --help        show this help',
        '',
        'Exit status: 0 when copied.',
      ].join('\n'),
    );
    expect(usageText(NO_ARGUMENTS)).toBe(
      'npm run tidy -- [--fast]\n\nTidies up.\n\nOptions:\n  --fast       quickly\n  -h, --help   show this help',
    );
  });

  it('parses options in either spelling, short ones too, and positionals when the command takes them', () => {
    expect(parseCommand(COPY, ['a', '--times=2', 'b', '--dry-run', '--state-dir', 's'])).toEqual({
      files: ['a', 'b'],
      times: '2',
      dryRun: true,
      stateDir: 's',
    });
    expect(parseCommand(COPY, ['-t', '3', 'a'])).toEqual({
      files: ['a'],
      times: '3',
      dryRun: false,
      stateDir: 'out',
    });
  });

  it('answers --help and -h with undefined, before judging the rest', () => {
    expect(parseCommand(COPY, ['--help'])).toBeUndefined();
    expect(parseCommand(COPY, ['-h', '--state-dir='])).toBeUndefined();
  });

  it('refuses an unknown option, a missing value, a positional the command does not take and an empty --state-dir', () => {
    expect(usageErrorOf(() => parseCommand(COPY, ['a', '--bogus'])).message).toMatch(
      /^Unknown option '--bogus'/,
    );
    expect(usageErrorOf(() => parseCommand(COPY, ['a', '--times'])).message).toMatch(/--times/);
    expect(usageErrorOf(() => parseCommand(NO_ARGUMENTS, ['extra'])).message).toMatch(
      /Unexpected argument 'extra'/,
    );
    expect(usageErrorOf(() => parseCommand(COPY, ['a', '--state-dir='])).message).toBe(
      '--state-dir needs a folder (given "")',
    );
    expect(usageErrorOf(() => parseCommand(COPY, [])).message).toBe('name a file to copy');
  });

  it('says what is wrong and where the options are explained', () => {
    expect(usageErrorText(COPY, new UsageError('name a file to copy'))).toBe(
      'error: name a file to copy\nrun npm run copy -- --help to see the options',
    );
  });
});

describe('running a command with its options', () => {
  afterEach(() => vi.restoreAllMocks());

  const capture = () => ({
    out: vi.spyOn(console, 'log').mockImplementation(() => undefined),
    err: vi.spyOn(console, 'error').mockImplementation(() => undefined),
  });

  it('runs it with the options read, and returns its exit status', async () => {
    const run = vi.fn(async (options: CopyOptions) => options.files.length);
    expect(await runWithOptions(COPY, ['a', 'b'], run)).toBe(2);
    expect(run).toHaveBeenCalledWith({ files: ['a', 'b'], dryRun: false, stateDir: 'out' });
  });

  it('prints the help on stdout and exits 0 without running it', async () => {
    const { out } = capture();
    const run = vi.fn(async () => 1);
    expect(await runWithOptions(COPY, ['--help'], run)).toBe(0);
    expect(out).toHaveBeenCalledWith(usageText(COPY));
    expect(run).not.toHaveBeenCalled();
  });

  it('prints a usage error on stderr and exits 2 without running it', async () => {
    const { out, err } = capture();
    const run = vi.fn(async () => 0);
    expect(await runWithOptions(COPY, ['--bogus'], run)).toBe(2);
    expect(err).toHaveBeenCalledTimes(1);
    expect(String(err.mock.calls[0]?.[0])).toMatch(
      /^error: Unknown option '--bogus'.*\nrun npm run copy -- --help to see the options$/s,
    );
    expect(out).not.toHaveBeenCalled();
    expect(run).not.toHaveBeenCalled();
  });

  it('lets any other failure of reading the options through', async () => {
    const broken: Command<never> = {
      ...NO_ARGUMENTS,
      read: () => {
        throw new TypeError('a bug');
      },
    };
    await expect(runWithOptions(broken, [], async () => 0)).rejects.toThrow('a bug');
  });
});
