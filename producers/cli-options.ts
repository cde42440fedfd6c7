import { parseArgs } from 'node:util';
import { DEFAULT_BATCH } from '../tracker/src/options.ts';

export const USAGE = `Simulates web sessions and IoT devices and writes their events to a Kinesis stream.

Usage: npm run produce -- --stream NAME [options]
       npm run produce -- --collector URL (--api-key KEY | --origin ORIGIN) (--stream NAME | --web-only) [options]

  --stream NAME         Kinesis stream name or ARN to write to (required unless --web-only).
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
                        as JSON lines, to check the pipeline against. Overwrites FILE. Events sent
                        through the collector have no shard or sequence number: it does not say.

The web edge:
  --collector URL       Send the web clickstream through the web collector at URL, in batches as the
                        browser tracker does: the stack's CollectorServerUrl (…/prod/v1/server/events)
                        with --api-key, or its CollectorUrl (…/prod/v1/events) with --origin. Devices
                        still go to --stream directly (they have an edge of their own), and so does
                        poison: it models a broken producer holding credentials, so that quarantine
                        stays exercised. Prints what the producer saw of the edge at the end.
  --api-key KEY         X-Api-Key of the collector's usage plan (server route).
  --origin ORIGIN       Origin header, scheme://host[:port], as a page of that site sends it (browser
                        route); it must be on the collector's allow-list.
  --events-per-request N
                        Events per collector request, 1 to 500. Default 100, the tracker's batch.
  --web-only            Web sessions only, all through --collector: no devices, so no --stream
                        (not with --poison-rate).
  -h, --help            Show this help.

Exit status: 0 when every record was accepted, 1 when any record was not, 2 on bad options.`;

/** Where and how `produce` sends the web clickstream through the collector. */
export interface CollectorCliOptions {
  readonly url: string;
  readonly apiKey?: string;
  readonly origin?: string;
  readonly eventsPerRequest: number;
  /** No devices: every event is a web event, so no stream is needed. */
  readonly webOnly: boolean;
}

export interface CliOptions {
  /** Absent only with `collector.webOnly`. */
  readonly stream?: string;
  readonly endpoint?: string;
  readonly rate: number;
  readonly durationSeconds: number;
  readonly forever: boolean;
  readonly seed: number;
  readonly devices: number;
  readonly poisonRate: number;
  readonly groundTruthPath?: string;
  readonly collector?: CollectorCliOptions;
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

const COLLECTOR_OPTIONS = {
  collector: { type: 'string' },
  'api-key': { type: 'string' },
  origin: { type: 'string' },
  'events-per-request': { type: 'string' },
  'web-only': { type: 'boolean' },
} as const;

/** What a browser sends in `Origin`: scheme, host and port only. */
const ORIGIN = /^https?:\/\/[^/?#\s]+$/;

/** The collector options, checked; undefined without --collector (whose companions then are errors). */
const collectorSettings = (
  values: Record<string, string | boolean | undefined>,
): CollectorCliOptions | undefined => {
  const text = (name: string) => values[name] as string | undefined;
  const url = text('collector');
  if (url === undefined) {
    const stray = ['api-key', 'origin', 'events-per-request', 'web-only'].find(
      (n) => values[n] !== undefined,
    );
    if (stray)
      throw new UsageError(`--${stray} applies to the collector: add --collector URL (or drop --${stray})`);
    return undefined;
  }
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new UsageError(
      `--collector must be the collector's http(s) URL, e.g. https://abc123.execute-api.us-east-1.amazonaws.com/prod/v1/server/events (given "${url}")`,
    );
  }
  const apiKey = text('api-key');
  const origin = text('origin');
  if (apiKey === '') throw new UsageError('--api-key needs the key\'s value (given "")');
  if (origin !== undefined && !ORIGIN.test(origin)) {
    throw new UsageError(
      `--origin must be scheme://host[:port] with no path, as browsers send Origin, e.g. https://shop.example (given "${origin}")`,
    );
  }
  if (!apiKey && !origin) {
    throw new UsageError(
      '--collector needs --api-key KEY (its server route, …/v1/server/events) or --origin ORIGIN (its browser route, …/v1/events)',
    );
  }
  return {
    url,
    ...(apiKey ? { apiKey } : {}),
    ...(origin ? { origin } : {}),
    eventsPerRequest: numberOption(
      '--events-per-request',
      text('events-per-request'),
      DEFAULT_BATCH.maxEvents,
      1,
      500,
      true,
    ),
    webOnly: values['web-only'] === true,
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
        ...COLLECTOR_OPTIONS,
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
  const collector = collectorSettings(values);
  const stream = text('stream');
  if (!stream && !collector?.webOnly)
    throw new UsageError(
      collector
        ? '--stream is required for the devices (and poison), which go to Kinesis directly: name the stream, e.g. --stream streamlake-events, or add --web-only'
        : '--stream is required: name the Kinesis stream to write to, e.g. --stream streamlake-events',
    );
  const simulation = simulationSettings(values, 0);
  if (collector?.webOnly && simulation.poisonRate > 0) {
    throw new UsageError(
      `--web-only sends nothing to Kinesis, but poison goes there directly (given --poison-rate ${simulation.poisonRate}): add --stream NAME instead of --web-only, or drop --poison-rate`,
    );
  }
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
      ...(stream ? { stream } : {}),
      ...(endpoint ? { endpoint } : {}),
      ...simulation,
      ...(groundTruthPath ? { groundTruthPath } : {}),
      ...(collector ? { collector } : {}),
    },
  };
};
