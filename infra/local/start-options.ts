import { parseArgs } from 'node:util';
import {
  numberOption,
  SIMULATION_OPTIONS,
  simulationSettings,
  UsageError,
} from '../../producers/cli-options.ts';
import type { LocalCloudOptions } from './local-cloud.ts';

export const START_USAGE = `npm start -- [options]

Brings up the local cloud (Kinesis, DynamoDB Local, S3, SNS on 127.0.0.1), deploys the Streamlake stack
onto it, serves the ops dashboard, runs the web-session and IoT-device simulators, and prints a
summary when done.

Options:
  --rate N              events per second the simulators send (default 1000)
  --duration S          seconds to produce (default 60)
  --forever             produce until Ctrl-C
  --seed N              simulator seed; same seed, same events (default 42)
  --devices N           simulated IoT devices (default 50)
  --poison-rate F       share of records spoiled on purpose to show the quarantine, 0..1 (default 0.002)
  --batching-window S   override the aggregator's MaximumBatchingWindowInSeconds (default: the stack's, 5)
  --archive-window S    the archive's batching window for this run (default 10; the stack's is 60)
  --shards N            shards of the on-demand stream locally (default 2)
  --state-dir DIR       where servers keep data, checkpoints and logs (default .streamlake)
  --fresh               start over: empty the state folder first (only one streamlake created, and
                        only once Java and the ports have been checked) instead of continuing
  --base-port N         first of four loopback ports for Kinesis, DynamoDB, S3, SNS (default 4567)
  --dashboard-port N    loopback port of the live ops dashboard (default: base port + 4, so 4571)
  -h, --help            show this help

Ctrl-C stops producing and lets the consumers catch up (at most a minute or so) with every server still
up, then saves checkpoints, prints the summary, verifies when they caught up and stops every server.
A second Ctrl-C stops without catching up (checkpoints still saved, exit code 130).`;

export interface StartOptions {
  readonly rate: number;
  readonly durationSeconds: number;
  readonly forever: boolean;
  readonly seed: number;
  readonly devices: number;
  readonly poisonRate: number;
  /** The archive's batching window for the demo (the stack's 60 s suits AWS). @default 10 */
  readonly archiveWindowSeconds?: number;
  /** Overrides the stack's batching window; undefined keeps the template's value. */
  readonly batchingWindowSeconds?: number;
  readonly shards: number;
  readonly stateDir: string;
  readonly fresh: boolean;
  readonly basePort: number;
  /** Port of the ops dashboard on 127.0.0.1; 0 picks a free one. @default basePort + 4, or 0 with basePort 0 */
  readonly dashboardPort?: number;
  /** Run every consumer (default) or only the aggregator (benchmarks compare the two). */
  readonly consumers?: 'all' | 'aggregate';
  /** The stack class to deploy; tests give a variant of it. @default StreamlakeStack */
  readonly stack?: LocalCloudOptions['stack'];
}

/** Parses `npm start` arguments; undefined means --help was asked for. Throws UsageError naming a bad value. */
export const parseStartArgs = (argv: readonly string[]): StartOptions | undefined => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        ...SIMULATION_OPTIONS,
        'batching-window': { type: 'string' },
        'archive-window': { type: 'string' },
        shards: { type: 'string' },
        'state-dir': { type: 'string' },
        fresh: { type: 'boolean' },
        'base-port': { type: 'string' },
        'dashboard-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see npm start -- --help`);
  }
  if (values.help) return undefined;
  const text = (name: string) => values[name] as string | undefined;
  return {
    ...simulationSettings(values, 0.002),
    ...(text('batching-window') === undefined
      ? {}
      : { batchingWindowSeconds: numberOption('--batching-window', text('batching-window'), 5, 0, 300) }),
    archiveWindowSeconds: numberOption('--archive-window', text('archive-window'), 10, 0, 300),
    shards: numberOption('--shards', text('shards'), 2, 1, 64, true),
    stateDir: text('state-dir') ?? '.streamlake',
    fresh: values.fresh === true,
    basePort: numberOption('--base-port', text('base-port'), 4567, 1024, 65_000, true),
    ...(text('dashboard-port') === undefined
      ? {}
      : {
          dashboardPort: numberOption('--dashboard-port', text('dashboard-port'), 4571, 1024, 65_535, true),
        }),
  };
};
