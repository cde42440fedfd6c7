import { parseArgs } from 'node:util';
import { DEFAULT_STATE_DIR } from '../../infra/local/cloud-state.ts';
import { KIND_NAMES } from './kinds.ts';

export const USAGE = `npm run fuzz -- [options]

Puts a seeded fuzz corpus (malformed records of ${KIND_NAMES.length} kinds interleaved with valid events marked
with a run id) into the stream of a running local pipeline, waits until both Kinesis consumers are
past it, then checks: every malformed record is quarantined by each consumer with a reason its kind
allows, every valid event is in the lake exactly once and the run's rollups equal what the valid events
imply, no record was given up on (on-failure destination) and no function failed.

Start the pipeline first (in another terminal): npm start -- --forever

Options:
  --state-dir DIR   the pipeline's state folder (default ${DEFAULT_STATE_DIR})
  --malformed N     malformed records (default 10000)
  --valid N         valid events (default 5000)
  --seed S          corpus seed: the same seed makes the same records, with fresh event ids (default 1)
  --timeout S       longest wait for the consumers, in seconds (default 600)
  -h, --help        show this help

The closing line reads "lost N · stalled shards N · crashed N", as measured:
  lost            valid events missing from the lake or the rollups, malformed records some consumer did
                  not quarantine, and records inside on-failure objects written during the run
  stalled shards  shards on which a Kinesis consumer's checkpoint did not pass the run's last record in time
  crashed         function invocation errors logged during the run, plus on-failure objects written
Exits 1 if any of them is not 0, or if a record could not be put, was quarantined for a reason its kind
does not allow, or a valid event is in the lake more than once; 2 on a usage error.`;

export class UsageError extends Error {}

export interface FuzzRunOptions {
  readonly stateDir: string;
  readonly malformed: number;
  readonly valid: number;
  readonly seed: string;
  readonly timeoutSeconds: number;
}

const wholeNumber = (name: string, text: string | undefined, fallback: number, min: number, max: number) => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `${name} must be a whole number from ${min} to ${max} (given ${JSON.stringify(text)})`,
    );
  }
  return value;
};

/** The run's options, or undefined when help is asked for; throws a UsageError on bad ones. */
export const parseOptions = (argv: readonly string[]): FuzzRunOptions | undefined => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'state-dir': { type: 'string' },
        malformed: { type: 'string' },
        valid: { type: 'string' },
        seed: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const text = (name: string) => values[name] as string | undefined;
  const seed = text('seed') ?? '1';
  if (seed.trim() === '') throw new UsageError('--seed must not be empty');
  return {
    stateDir: text('state-dir') ?? DEFAULT_STATE_DIR,
    malformed: wholeNumber('--malformed', text('malformed'), 10_000, 0, 1_000_000),
    valid: wholeNumber('--valid', text('valid'), 5_000, 0, 1_000_000),
    seed,
    timeoutSeconds: wholeNumber('--timeout', text('timeout'), 600, 1, 86_400),
  };
};
