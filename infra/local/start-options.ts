import { parseArgs } from 'node:util';

export const START_USAGE = `npm start -- [options]

Brings up the local cloud (Kinesis, DynamoDB Local, S3 on 127.0.0.1), deploys the Streamlake stack
onto it, runs the web-session and IoT-device simulators, and prints a summary when done.

Options:
  --rate N              events per second the simulators send (default 1000)
  --duration S          seconds to produce (default 60)
  --forever             produce until Ctrl-C
  --seed N              simulator seed; same seed, same events (default 42)
  --devices N           simulated IoT devices (default 50)
  --poison-rate F       share of records spoiled on purpose to show the quarantine, 0..1 (default 0.002)
  --batching-window S   override the aggregator's MaximumBatchingWindowInSeconds (default: the stack's, 5)
  --shards N            shards of the on-demand stream locally (default 2)
  --state-dir DIR       where servers keep data, checkpoints and logs (default .streamlake)
  --fresh               delete the state first instead of continuing where the last run stopped
  --base-port N         first of three loopback ports for Kinesis, DynamoDB, S3 (default 4567)
  -h, --help            show this help

Ctrl-C stops producing, finishes the in-flight batch, saves checkpoints and stops every server.`;

export interface StartOptions {
  readonly rate: number;
  readonly durationSeconds: number;
  readonly forever: boolean;
  readonly seed: number;
  readonly devices: number;
  readonly poisonRate: number;
  /** Overrides the stack's batching window; undefined keeps the template's value. */
  readonly batchingWindowSeconds?: number;
  readonly shards: number;
  readonly stateDir: string;
  readonly fresh: boolean;
  readonly basePort: number;
}

export class StartUsageError extends Error {}

const number = (
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new StartUsageError(
      `--${name} must be a number between ${min} and ${max} (given ${JSON.stringify(raw)})`,
    );
  }
  return value;
};

/** Parses `npm start` arguments; undefined means --help was asked for. */
export const parseStartArgs = (argv: readonly string[]): StartOptions | undefined => {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: [...argv],
      strict: true,
      options: {
        rate: { type: 'string' },
        duration: { type: 'string' },
        forever: { type: 'boolean' },
        seed: { type: 'string' },
        devices: { type: 'string' },
        'poison-rate': { type: 'string' },
        'batching-window': { type: 'string' },
        shards: { type: 'string' },
        'state-dir': { type: 'string' },
        fresh: { type: 'boolean' },
        'base-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    throw new StartUsageError(`${(error as Error).message}; see npm start -- --help`);
  }
  const v = parsed.values;
  if (v.help) return undefined;
  return {
    rate: number('rate', v.rate, 1000, 1, 100_000),
    durationSeconds: number('duration', v.duration, 60, 1, 86_400),
    forever: v.forever ?? false,
    seed: number('seed', v.seed, 42, 0, 2 ** 32 - 1),
    devices: number('devices', v.devices, 50, 1, 100_000),
    poisonRate: number('poison-rate', v['poison-rate'], 0.002, 0, 1),
    ...(v['batching-window'] === undefined
      ? {}
      : { batchingWindowSeconds: number('batching-window', v['batching-window'], 5, 0, 300) }),
    shards: number('shards', v.shards, 2, 1, 64),
    stateDir: v['state-dir'] ?? '.streamlake',
    fresh: v.fresh ?? false,
    basePort: number('base-port', v['base-port'], 4567, 1024, 65_000),
  };
};
