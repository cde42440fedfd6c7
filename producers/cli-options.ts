import { parseArgs } from 'node:util';

export const USAGE = `Simulates web sessions and IoT devices and writes their events to a Kinesis stream.

Usage: npm run produce -- --stream NAME [options]

  --stream NAME         Kinesis stream name or ARN to write to (required).
  --endpoint URL        Kinesis-compatible endpoint, e.g. http://127.0.0.1:4567 for the local cloud.
                        Default: env AWS_ENDPOINT_URL_KINESIS, else AWS itself (region from AWS_REGION).
  --rate N              Events per second, 1 to 1000000. Default 1000.
  --duration SECONDS    How long to produce, 0 to 31536000. Default 60. Ignored with --forever.
  --forever             Produce until Ctrl-C (records in flight are still sent).
  --seed N              Integer seed; the same seed yields the same traffic, with new event ids.
                        Default 42.
  --devices N           Simulated IoT devices, 1 to 100000. Default 50.
  --poison-rate R       Share of records spoiled on purpose (invalid JSON, schema violation,
                        unknown schema), 0 to 1; the pipeline must quarantine them. Default 0.
  --ground-truth FILE   Write every accepted record (shard, sequence number, event or poison) to FILE
                        as JSON lines, to check the pipeline against. Overwrites FILE.
  -h, --help            Show this help.

Exit status: 0 when every record was accepted, 1 when any record was not, 2 on bad options.`;

export interface CliOptions {
  readonly stream: string;
  readonly endpoint?: string;
  readonly rate: number;
  readonly durationSeconds: number;
  readonly forever: boolean;
  readonly seed: number;
  readonly devices: number;
  readonly poisonRate: number;
  readonly groundTruthPath?: string;
}

export type CliParse = { readonly kind: 'run'; readonly options: CliOptions } | { readonly kind: 'help' };

/** A bad command line; its message names the value and what to do instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses a numeric option, naming the flag, the range and the given text when it is wrong. */
export const numberOption = (
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
  integer = false,
) => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    throw new UsageError(
      `${flag} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max} (given "${text}")`,
    );
  }
  return value;
};

/** The simulation options `npm run produce` and `npm start` share. */
export const SIMULATION_OPTIONS = {
  rate: { type: 'string' },
  duration: { type: 'string' },
  forever: { type: 'boolean' },
  seed: { type: 'string' },
  devices: { type: 'string' },
  'poison-rate': { type: 'string' },
} as const;

/** Reads the shared simulation options from parsed values, with their defaults and ranges. */
export const simulationSettings = (
  values: Record<string, string | boolean | undefined>,
  defaultPoisonRate: number,
) => {
  const text = (name: string) => values[name] as string | undefined;
  return {
    rate: numberOption('--rate', text('rate'), 1000, 1, 1_000_000),
    durationSeconds: numberOption('--duration', text('duration'), 60, 0, 31_536_000),
    forever: values.forever === true,
    seed: numberOption('--seed', text('seed'), 42, 0, 4_294_967_295, true),
    devices: numberOption('--devices', text('devices'), 50, 1, 100_000, true),
    poisonRate: numberOption('--poison-rate', text('poison-rate'), defaultPoisonRate, 0, 1),
  };
};

/** Parses the produce command line; throws UsageError on anything wrong. */
export const parseCliArgs = (argv: readonly string[]): CliParse => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        stream: { type: 'string' },
        endpoint: { type: 'string' },
        ...SIMULATION_OPTIONS,
        'ground-truth': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(
      `${error instanceof Error ? error.message : String(error)}; run with --help to see the options`,
    );
  }
  if (values.help) return { kind: 'help' };
  const text = (name: string) => values[name] as string | undefined;
  const stream = text('stream');
  if (!stream)
    throw new UsageError(
      '--stream is required: name the Kinesis stream to write to, e.g. --stream streamlake-events',
    );
  const endpoint = text('endpoint');
  if (endpoint !== undefined && !/^https?:\/\/[^/]/.test(endpoint)) {
    throw new UsageError(
      `--endpoint must be an http(s) URL such as http://127.0.0.1:4567 (given "${endpoint}")`,
    );
  }
  const groundTruthPath = text('ground-truth');
  if (groundTruthPath === '') throw new UsageError('--ground-truth needs a file path (given "")');
  return {
    kind: 'run',
    options: {
      stream,
      ...(endpoint ? { endpoint } : {}),
      ...simulationSettings(values, 0),
      ...(groundTruthPath ? { groundTruthPath } : {}),
    },
  };
};
