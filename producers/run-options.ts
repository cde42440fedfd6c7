import type { Dataset } from '../schemas/index.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { CollectorWriterOptions } from './collector-writer.ts';
import type { DeviceFigures } from './device-figures.ts';
import type { EdgeFigures } from './edge-figures.ts';
import type { MqttDeviceWriterOptions } from './mqtt-device-writer.ts';
import type { ProducerProgress } from './progress.ts';
import type { PoisonKind, ProducedRecord, RecordSource } from './source.ts';
import type { UnsentReport } from './summary.ts';
import type { PutRecordsSender } from './write-outcome.ts';

export interface RunProducersOptions {
  /**
   * The process's Kinesis client (see createKinesisClient), or any object with a PutRecords `send`. Needed
   * unless every record goes through an edge (the collector for web events, MQTT for devices) and none is poison.
   */
  readonly client?: PutRecordsSender;
  /** Stream name, or its ARN (starting with `arn:`); needed with `client`. */
  readonly streamName?: string;
  /**
   * The web collector to send the clickstream through (`POST` batches, as the tracker does); poison records
   * still go to Kinesis directly. Its backoff defaults to `backoff`. @default none: web events to Kinesis
   */
  readonly collector?: CollectorWriterOptions;
  /**
   * The device edge: each simulated device publishes its telemetry over MQTT on its own connection, with the
   * credentials `deviceEdge.credentials` gives for it, several events a message as `deviceEdge` batches them
   * (eventsPerMessage, maxMessageBytes, maxDelayMs). @default none: device events to Kinesis
   */
  readonly deviceEdge?: MqttDeviceWriterOptions<ProducedRecord>;
  /** Events per second; between 1 and 1000000. @default 1000 */
  readonly rate?: number;
  /** How long to produce; ignored when `forever`. @default 60 */
  readonly durationSeconds?: number;
  /** Produce until `signal` aborts. @default false */
  readonly forever?: boolean;
  /** Stop after this many records, whichever comes first with the duration. @default no limit */
  readonly maxEvents?: number;
  /** Same seed and same clock → same traffic; event ids are new on every run (uuidv7). @default 42 */
  readonly seed?: number;
  /** Simulated IoT devices; between 1 and 100000. @default 50 */
  readonly devices?: number;
  /** Share of records spoiled on purpose; between 0 and 1. @default 0 */
  readonly poisonRate?: number;
  /** Share of web-session records, the rest from devices; between 0 and 1. @default 0.7 */
  readonly clickstreamShare?: number;
  /** JSON-lines file receiving every accepted record (truncated first). @default none */
  readonly groundTruthPath?: string;
  /** Append to the ground truth instead of truncating it, so it covers every run on the same stream. @default false */
  readonly appendGroundTruth?: boolean;
  /** Aborting stops generating; records already generated are still sent (with retries) before resolving. */
  readonly signal?: AbortSignal;
  /** Called about every tick and once at the end. */
  readonly onProgress?: (progress: ProducerProgress) => void;
  /** PutRecords calls in flight at once; between 1 and 64 (the collector has its own). @default 4 */
  readonly maxInFlight?: number;
  /** How often a chunk of events is generated and sent; between 10 and 1000. @default 100 */
  readonly tickMs?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  /**
   * Replaces the simulators (tests, the device program). @default MixedSource from seed, devices, poisonRate,
   * clickstreamShare
   */
  readonly source?: RecordSource;
}

/** The simulated traffic of a run: how fast, how long, from which seed, how many devices, how much poison. */
export type Traffic = Required<
  Pick<RunProducersOptions, 'rate' | 'durationSeconds' | 'forever' | 'seed' | 'devices' | 'poisonRate'>
>;

/** Just the traffic of a command's options (npm start's, npm run produce's), for runProducers. */
export const trafficOf = (options: Traffic): Traffic => ({
  rate: options.rate,
  durationSeconds: options.durationSeconds,
  forever: options.forever,
  seed: options.seed,
  devices: options.devices,
  poisonRate: options.poisonRate,
});

export type StopReason = 'duration' | 'max-events' | 'signal' | 'fatal-error';

export interface ProducerSummary {
  /** Records generated, events and poison. */
  readonly generated: number;
  /** Records accepted by the stream, directly or through an edge (events and poison). */
  readonly sent: number;
  /** Records that never reached the stream: count, count per error code, and the first 1000 in detail. */
  readonly unsentCount: number;
  readonly unsentByError: Readonly<Record<string, number>>;
  readonly unsent: readonly UnsentReport[];
  readonly retried: number;
  /** Accepted events per dataset and per schema (`clickstream.purchase`); poison excluded. */
  readonly byDataset: Readonly<Record<Dataset, number>>;
  readonly byType: Readonly<Record<string, number>>;
  /** Accepted poison records, in total and per reason. */
  readonly poisonSent: number;
  readonly poisonByKind: Readonly<Partial<Record<PoisonKind, number>>>;
  readonly elapsedMs: number;
  readonly stoppedBy: StopReason;
  /** Set when stoppedBy is 'fatal-error': an error retrying cannot fix, e.g. the stream does not exist. */
  readonly fatalError?: string;
  /** What the run saw of the web collector, when it sent through one. */
  readonly edge?: EdgeFigures;
  /** What the run saw of the device edge, when devices published over MQTT. */
  readonly devices?: DeviceFigures;
}

const checkRange = (name: string, value: number, min: number, max: number) => {
  if (!(value >= min && value <= max)) {
    throw new RangeError(`${name} must be between ${min} and ${max} inclusive (given ${value})`);
  }
};

/** When a run stops and how fast it goes, checked against their ranges. */
export interface RunLimits {
  readonly rate: number;
  readonly tickMs: number;
  /** Infinite when producing forever. */
  readonly durationMs: number;
  /** Infinite when no limit was given. */
  readonly maxEvents: number;
}

export const runLimitsOf = (options: RunProducersOptions): RunLimits => {
  const rate = options.rate ?? 1000;
  const durationMs = (options.durationSeconds ?? 60) * 1000;
  const tickMs = options.tickMs ?? 100;
  checkRange('rate', rate, 1, 1_000_000);
  checkRange('tickMs', tickMs, 10, 1000);
  if (!options.forever) checkRange('durationSeconds', durationMs / 1000, 0, 31_536_000);
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  if (options.maxEvents !== undefined) checkRange('maxEvents', maxEvents, 1, Number.MAX_SAFE_INTEGER);
  return { rate, tickMs, durationMs: options.forever ? Number.POSITIVE_INFINITY : durationMs, maxEvents };
};
