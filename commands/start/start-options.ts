import { DEFAULTS } from '../../infra/defaults.ts';
import type { LocalCloudOptions } from '../../infra/local/local-cloud.ts';
import {
  numberOption,
  SIMULATION_OPTIONS,
  simulationSettings,
  UsageError,
} from '../../producers/cli-options.ts';
import {
  DEVICE_BATCH_OPTIONS,
  type DeviceBatchSettings,
  deviceBatchSettings,
} from '../../producers/mqtt-device-options.ts';
import {
  type Command,
  type GivenArguments,
  parseCommand,
  stateDirOf,
  stateDirOption,
  usageText,
} from '../shared/command-line.ts';

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
  /** Serve the fault-injection control (for npm run chaos); set only when asked for. */
  readonly faults?: boolean;
  /**
   * How the simulated web clickstream reaches the stream: over HTTP through the local web collector (its server
   * route, with the stack's API key), as sites' events do, or straight into Kinesis. @default 'collector'
   */
  readonly webVia?: 'collector' | 'kinesis';
  /** Web events per collector request. @default 100, the tracker's batch (DEFAULT_BATCH) */
  readonly webEventsPerRequest?: number;
  /**
   * How long a partial collector request waits for more web events, as the tracker's `batch.maxDelayMs`
   * (`npm run cost` waits as the tracker does, so its requests per event follow the tracker's batching, not the
   * machine's latency). @default no waiting: a free lane sends what it holds
   */
  readonly webMaxDelayMs?: number;
  /**
   * How the simulated devices' telemetry reaches the stream: over MQTT through the local broker and topic rule,
   * each device with its own certificate, as devices do on AWS IoT Core, or straight into Kinesis.
   * @default 'mqtt' when the stack declares the device edge, else 'kinesis'
   */
  readonly devicesVia?: 'mqtt' | 'kinesis';
  /** How each simulated device packs its events into MQTT messages; the writer's defaults for what is not given. */
  readonly deviceBatching?: DeviceBatchSettings;
}

const WEB_PATHS = ['collector', 'kinesis'] as const;
const DEVICE_PATHS = ['mqtt', 'kinesis'] as const;

/** The `--device-…` batching options given, if any. */
const deviceBatchingOf = (deviceBatching: DeviceBatchSettings): { deviceBatching?: DeviceBatchSettings } =>
  Object.keys(deviceBatching).length > 0 ? { deviceBatching } : {};

/** `--web-via`: one of WEB_PATHS, or an error naming the given text. */
const webViaOf = (text: string | undefined): 'collector' | 'kinesis' => {
  if (text === undefined) return 'collector';
  const path = WEB_PATHS.find((p) => p === text);
  if (!path) throw new UsageError(`--web-via must be collector or kinesis (given "${text}")`);
  return path;
};

/** `--devices-via`: one of DEVICE_PATHS, or an error naming the given text; undefined: the stack decides. */
const devicesViaOf = (text: string | undefined): { devicesVia?: 'mqtt' | 'kinesis' } => {
  if (text === undefined) return {};
  const path = DEVICE_PATHS.find((p) => p === text);
  if (!path) throw new UsageError(`--devices-via must be mqtt or kinesis (given "${text}")`);
  return { devicesVia: path };
};

/** The simulators' share of poison records in the demo: enough to show the quarantine at work. */
const DEMO_POISON_RATE = 0.002;

/** An option read only when given: the stack's or the cloud's own default applies otherwise. */
const ifGiven = <K extends string>(key: K, text: string | undefined, read: (text: string) => number) =>
  text === undefined ? {} : ({ [key]: read(text) } as Record<K, number>);

/** The simulation options as given, for the producers' own reader of them. */
const simulationValues = (given: GivenArguments) =>
  Object.fromEntries(
    Object.entries(SIMULATION_OPTIONS).map(([name, { type }]) => [
      name,
      type === 'boolean' ? given.flag(name) : given.text(name),
    ]),
  );

const readStartOptions = (given: GivenArguments): StartOptions => ({
  ...simulationSettings(simulationValues(given), DEMO_POISON_RATE),
  ...ifGiven('batchingWindowSeconds', given.text('batching-window'), (text) =>
    numberOption('--batching-window', text, 5, 0, 300),
  ),
  archiveWindowSeconds: numberOption('--archive-window', given.text('archive-window'), 10, 0, 300),
  shards: numberOption('--shards', given.text('shards'), 2, 1, 64, true),
  stateDir: stateDirOf(given, '.streamlake'),
  fresh: given.flag('fresh'),
  basePort: numberOption('--base-port', given.text('base-port'), 4567, 1024, 65_000, true),
  ...ifGiven('dashboardPort', given.text('dashboard-port'), (text) =>
    numberOption('--dashboard-port', text, 4571, 1024, 65_535, true),
  ),
  ...(given.flag('faults') ? { faults: true } : {}),
  webVia: webViaOf(given.text('web-via')),
  ...devicesViaOf(given.text('devices-via')),
  ...deviceBatchingOf(deviceBatchSettings((name) => given.text(name), 'device-')),
});

export const START_COMMAND: Command<StartOptions> = {
  command: 'npm start',
  synopsis: '[options]',
  description: `Brings up the local cloud (Kinesis, DynamoDB Local, S3, SNS, the web collector and the MQTT broker on
127.0.0.1), deploys the Streamlake stack onto it, serves the ops dashboard, runs the web-session and
IoT-device simulators, and prints a summary when done.`,
  options: {
    rate: {
      ...SIMULATION_OPTIONS.rate,
      value: 'N',
      help: 'events per second the simulators send (default 1000)',
    },
    duration: { ...SIMULATION_OPTIONS.duration, value: 'S', help: 'seconds to produce (default 60)' },
    forever: { ...SIMULATION_OPTIONS.forever, help: 'produce until Ctrl-C' },
    seed: {
      ...SIMULATION_OPTIONS.seed,
      value: 'N',
      help: 'simulator seed; same seed, same traffic, new event ids (default 42)',
    },
    devices: { ...SIMULATION_OPTIONS.devices, value: 'N', help: 'simulated IoT devices (default 50)' },
    'poison-rate': {
      ...SIMULATION_OPTIONS['poison-rate'],
      value: 'F',
      help: `share of records spoiled on purpose to show the quarantine, 0..1 (default ${DEMO_POISON_RATE})`,
    },
    'batching-window': {
      type: 'string',
      value: 'S',
      help: `override the aggregator's MaximumBatchingWindowInSeconds (default: the stack's, ${DEFAULTS.aggregateEventSource.maxBatchingWindow.toSeconds()})`,
    },
    'archive-window': {
      type: 'string',
      value: 'S',
      help: "the archive's batching window for this run (default 10; the stack's is 60)",
    },
    shards: {
      type: 'string',
      value: 'N',
      help: 'shards of the event stream (default 2, as the stack deploys by default)',
    },
    'web-via': {
      type: 'string',
      value: 'PATH',
      help: `collector: the web clickstream goes over HTTP through the local web collector, as a site's
events do (default); kinesis: straight into the stream, as before the collector`,
    },
    'devices-via': {
      type: 'string',
      value: 'PATH',
      help: `mqtt: each simulated device publishes over MQTT (TLS, its own certificate from the local CA)
to the local broker, whose topic rule puts it into the stream, as on AWS IoT Core (default);
kinesis: straight into the stream, as before the device edge`,
    },
    ...Object.fromEntries(
      Object.entries(DEVICE_BATCH_OPTIONS).map(([name, option]) => [
        `device-${name}`,
        { ...option, help: `with --devices-via mqtt: ${option.help}` },
      ]),
    ),
    'state-dir': stateDirOption('where servers keep data, checkpoints and logs (default .streamlake)'),
    fresh: {
      type: 'boolean',
      help: `start over: empty the state folder first (only one streamlake created, and
only once Java and the ports have been checked) instead of continuing`,
    },
    'base-port': {
      type: 'string',
      value: 'N',
      help: `first of four loopback ports for Kinesis, DynamoDB, S3, SNS (default 4567); the ops
dashboard takes base + 4, the demo shop base + 5, the MQTT broker (mqtts) base + 6`,
    },
    'dashboard-port': {
      type: 'string',
      value: 'N',
      help: 'loopback port of the live ops dashboard (default: base port + 4, so 4571)',
    },
    faults: {
      type: 'boolean',
      help: `serve a fault-injection control on 127.0.0.1 (for npm run chaos); its address is printed and
kept in cloud.json`,
    },
  },
  notes: `Ctrl-C stops producing and lets the consumers catch up (at most a minute or so) with every server still
up, then saves checkpoints, prints the summary, verifies when they caught up and stops every server.
A second Ctrl-C stops without catching up (checkpoints still saved, exit code 130).`,
  read: readStartOptions,
};

export const START_USAGE = usageText(START_COMMAND);

/** Parses `npm start` arguments; undefined means --help was asked for. Throws UsageError naming a bad value. */
export const parseStartArgs = (argv: readonly string[]): StartOptions | undefined =>
  parseCommand(START_COMMAND, argv);
