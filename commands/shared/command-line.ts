import { type ParseArgsConfig, parseArgs } from 'node:util';
import { errorMessage } from '../../processors/shared/errors.ts';
import { UsageError } from '../../producers/cli-options.ts';

/** One option of a command: how it is parsed and how its help shows it. */
export interface CommandOption {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's placeholder in the help (`N`, `DIR`); none for a flag. */
  readonly value?: string;
  /** What the option does; a second line continues the first, aligned under it. */
  readonly help: string;
}

/** A positional argument; parsed as a positional, named only in the help. */
export interface CommandArgument {
  readonly name: string;
  readonly help: string;
}

/**
 * A command's command line, declared once: the options it parses are the options its help lists, and
 * `read` turns what was given into the command's options (throwing UsageError naming what is wrong).
 */
export interface Command<T> {
  /** How a user runs it: `npm run query`. */
  readonly command: string;
  /** What follows `--` in the synopsis: `[--dry-run] [--state-dir DIR]`. */
  readonly synopsis: string;
  readonly description: string;
  /** Positionals; a command without any refuses them. */
  readonly arguments?: readonly CommandArgument[];
  /** Every option but `-h, --help`, which every command has. */
  readonly options: Readonly<Record<string, CommandOption>>;
  /** What the help says after the options: exit status, what Ctrl-C does. */
  readonly notes?: string;
  read(given: GivenArguments): T;
}

/** What the command line held, as parsed against the command's options. */
export interface GivenArguments {
  readonly positionals: readonly string[];
  /** The text given to a string option; undefined when it was not given. */
  text(name: string): string | undefined;
  /** Whether a boolean option was given. */
  flag(name: string): boolean;
}

const HELP: CommandOption = { type: 'boolean', short: 'h', help: 'show this help' };

const allOptions = (command: Command<unknown>): [string, CommandOption][] => [
  ...Object.entries(command.options),
  ['help', HELP],
];

const flagsOf = (name: string, option: CommandOption): string =>
  `${option.short ? `-${option.short}, ` : ''}--${name}${option.value ? ` ${option.value}` : ''}`;

/** Two-column lines: names padded to the longest plus three, continuation lines aligned under the text. */
const columns = (rows: readonly (readonly [string, string])[]): string[] => {
  const width = Math.max(...rows.map(([name]) => name.length)) + 3;
  return rows.map(([name, help]) =>
    `  ${name.padEnd(width)}${help.split('\n').join(`\n  ${' '.repeat(width)}`)}`.trimEnd(),
  );
};

/** The help `--help` prints. */
export const usageText = (command: Command<unknown>): string => {
  const rows = [
    ...(command.arguments ?? []).map((argument) => [argument.name, argument.help] as const),
    ...allOptions(command).map(([name, option]) => [flagsOf(name, option), option.help] as const),
  ];
  return [
    `${command.command} -- ${command.synopsis}`,
    command.description,
    [command.arguments?.length ? 'Arguments and options:' : 'Options:', ...columns(rows)].join('\n'),
    ...(command.notes ? [command.notes] : []),
  ].join('\n\n');
};

/** What a bad command line prints: the problem, then where the options are explained. */
export const usageErrorText = (command: Command<unknown>, error: UsageError): string =>
  `error: ${error.message}\nrun ${command.command} -- --help to see the options`;

const parseConfig = (command: Command<unknown>): NonNullable<ParseArgsConfig['options']> =>
  Object.fromEntries(
    allOptions(command).map(([name, { type, short }]) => [name, short ? { type, short } : { type }]),
  );

/** Parses `argv`: undefined when the help was asked for. Throws UsageError naming what is wrong. */
export const parseCommand = <T>(command: Command<T>, argv: readonly string[]): T | undefined => {
  let parsed: {
    values: Record<string, string | boolean | (string | boolean)[] | undefined>;
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: (command.arguments?.length ?? 0) > 0,
      options: parseConfig(command),
    });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return undefined;
  return command.read({
    positionals,
    text: (name) => {
      const value = values[name];
      return typeof value === 'string' ? value : undefined;
    },
    flag: (name) => values[name] === true,
  });
};

/**
 * Reads the command line and runs the command with its options. The help (exit 0) and a usage error
 * (exit 2) are printed here, so every command answers them alike.
 */
export const runWithOptions = async <T>(
  command: Command<T>,
  argv: readonly string[],
  run: (options: T) => Promise<number>,
): Promise<number> => {
  let options: T | undefined;
  try {
    options = parseCommand(command, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(usageErrorText(command, error));
    return 2;
  }
  if (options === undefined) {
    console.log(usageText(command));
    return 0;
  }
  return run(options);
};

/** The `--state-dir` option; each command says what the folder is to it. */
export const stateDirOption = (help: string): CommandOption => ({ type: 'string', value: 'DIR', help });

/** The `--state-dir` given, or the default; an empty one is refused. */
export const stateDirOf = (given: GivenArguments, fallback: string): string => {
  const stateDir = given.text('state-dir') ?? fallback;
  if (stateDir === '') throw new UsageError('--state-dir needs a folder (given "")');
  return stateDir;
};
