import { DEFAULTS } from '../../infra/defaults.ts';
import { numberOption, UsageError } from '../../producers/cli-options.ts';
import type { Command, GivenArguments } from '../shared/command-line.ts';

export interface CostOptions {
  /** Event rates to price, events/s. */
  readonly rates: readonly number[];
  /** Events/s of the counting run. */
  readonly runRate: number;
  readonly durationSeconds: number;
  readonly devices: number;
  /** Shards of the counting run's stream: consumers batch per shard, so DynamoDB writes per event follow it. */
  readonly shards: number;
  /** How the priced stack's tables pay: as deployed by default (on demand), or `-c streamlake:tablesOnDemand=false`. */
  readonly tables: 'on-demand' | 'provisioned';
  /** Price a saved run (`--save`) instead of running. */
  readonly from?: string;
  readonly save?: string;
}

const DEFAULT_RATES = [100, 1000, 10_000];

/** `--rate 100,1000`: positive numbers, or an error naming the bad one. */
export const ratesOf = (text: string | undefined): number[] => {
  if (text === undefined) return DEFAULT_RATES;
  return text.split(',').map((part) => {
    const rate = Number(part.trim());
    if (!(Number.isFinite(rate) && rate > 0)) {
      throw new UsageError(
        `--rate must be events per second above 0, comma-separated, e.g. 100,1000 (given "${part}")`,
      );
    }
    return rate;
  });
};

const readCostOptions = (given: GivenArguments): CostOptions => {
  const from = given.text('from');
  const save = given.text('save');
  return {
    rates: ratesOf(given.text('rate')),
    runRate: numberOption('--run-rate', given.text('run-rate'), 1000, 10, 5000, true),
    durationSeconds: numberOption('--duration', given.text('duration'), 30, 5, 600, true),
    devices: numberOption('--devices', given.text('devices'), 50, 1, 1000, true),
    shards: numberOption('--shards', given.text('shards'), DEFAULTS.eventStream.shards, 1, 16, true),
    tables: tablesOf(given.text('tables')),
    ...(from ? { from } : {}),
    ...(save ? { save } : {}),
  };
};

/** `--tables`: on-demand (the stack's default) or provisioned (a stack deployed with tablesOnDemand=false). */
const tablesOf = (text: string | undefined): 'on-demand' | 'provisioned' => {
  if (text === undefined || text === 'on-demand') return 'on-demand';
  if (text === 'provisioned') return 'provisioned';
  throw new UsageError(`--tables must be on-demand or provisioned (given "${text}")`);
};

export const COST_COMMAND: Command<CostOptions> = {
  command: 'npm run cost',
  synopsis: '[options]',
  description: `Runs the whole pipeline locally for a short while (web events through the collector at the tracker's
default batching, devices over MQTT, every consumer), counts at the services' front doors what AWS bills,
and prices it: dollars a month per service and per million events at each rate.`,
  options: {
    rate: {
      type: 'string',
      value: 'N[,N…]',
      help: 'event rates to price, events/s (default 100,1000,10000)',
    },
    'run-rate': { type: 'string', value: 'N', help: 'events/s of the counting run (default 1000)' },
    duration: { type: 'string', value: 'S', help: 'seconds the counting run produces (default 30)' },
    devices: { type: 'string', value: 'N', help: 'simulated devices publishing over MQTT (default 50)' },
    shards: {
      type: 'string',
      value: 'N',
      help: `shards of the counting run's stream, 1–16 (default ${DEFAULTS.eventStream.shards}, the stack's; the table prints the shards each rate needs)`,
    },
    tables: {
      type: 'string',
      value: 'MODE',
      help: `how the priced stack's tables pay: on-demand (default, as deployed) or provisioned (deployed with
-c streamlake:tablesOnDemand=false: auto scaling at 70 %); the table prints the other beside it`,
    },
    save: { type: 'string', value: 'FILE', help: 'write what the run measured to FILE (JSON)' },
    from: { type: 'string', value: 'FILE', help: 'price a run saved with --save instead of running one' },
  },
  notes:
    'Needs Java 17+ (DynamoDB Local), like npm start. Takes the run time plus about a minute of start-up and drain.',
  read: readCostOptions,
};
