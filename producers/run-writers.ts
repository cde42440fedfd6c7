import { datasetOf } from '../schemas/index.ts';
import type { BackoffPolicy } from './backoff.ts';
import { CollectorWriter, type CollectorWriterOptions } from './collector-writer.ts';
import type { DeviceFigures } from './device-figures.ts';
import type { EdgeFigures } from './edge-figures.ts';
import { KinesisWriter } from './kinesis-writer.ts';
import { MqttDeviceWriter, type MqttDeviceWriterOptions } from './mqtt-device-writer.ts';
import { RoutedWriter } from './routed-writer.ts';
import type { ProducedRecord } from './source.ts';
import type { PutRecordsSender, RecordOutcome, RecordWriter } from './write-outcome.ts';

/** What kinds of record a run produces, when its source is the simulators (a custom source: unknown). */
export interface ProducedKinds {
  readonly web: boolean;
  readonly devices: boolean;
  readonly poison: boolean;
}

/** What a run is told about where records go. */
export interface RunTargets {
  readonly client?: PutRecordsSender;
  readonly streamName?: string;
  readonly collector?: CollectorWriterOptions;
  readonly deviceEdge?: MqttDeviceWriterOptions<ProducedRecord>;
  readonly maxInFlight?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** Known kinds: a stream is required only if some kind has no edge. Unknown: see runWritersOf. */
  readonly produces?: ProducedKinds;
}

/** The writers of a run: one to write through, the edges' figures, and a close for the device connections. */
export interface RunWriters {
  readonly writer: RecordWriter<ProducedRecord>;
  readonly edge?: () => EdgeFigures;
  readonly devices?: () => DeviceFigures;
  /** Ends what stays open after a flush (the devices' MQTT connections). */
  close(): Promise<void>;
}

/**
 * The web clickstream goes through the collector, as browsers send it. Poison never does: it models a broken
 * producer holding credentials, so it keeps going to Kinesis directly and quarantine stays exercised.
 */
export const goesThroughCollector = (record: ProducedRecord): boolean =>
  record.poison === undefined &&
  record.event !== undefined &&
  datasetOf(record.event.schema) === 'clickstream';

/** Device telemetry goes over MQTT, each device on its own connection; poison again goes to Kinesis directly. */
export const goesOverMqtt = (record: ProducedRecord): boolean =>
  record.poison === undefined && record.event !== undefined && datasetOf(record.event.schema) === 'telemetry';

/** Stands in for a target a custom source was not expected to need: each record routed to it is unsent. */
class MissingTarget implements RecordWriter<ProducedRecord> {
  readonly pending = 0;
  readonly counters = { sent: 0, failed: 0, retried: 0 };

  constructor(private readonly why: string) {}

  async write(records: readonly ProducedRecord[]): Promise<RecordOutcome<ProducedRecord>[]> {
    this.counters.failed += records.length;
    return records.map((record) => ({
      status: 'unsent',
      record,
      errorCode: 'NoTarget',
      errorMessage: this.why,
      attempts: 0,
      retryable: false,
    }));
  }

  async flush(): Promise<void> {}
}

/** Why the run cannot start without a stream, naming what would have needed it; undefined when none does. */
const missingStream = (targets: RunTargets): string | undefined => {
  const { produces, collector, deviceEdge } = targets;
  const needs = produces
    ? produces.poison || (produces.web && !collector) || (produces.devices && !deviceEdge)
    : !collector && !deviceEdge;
  if (!needs) return undefined;
  if (!collector) {
    return `give the client and streamName of the Kinesis stream to write to (given streamName ${targets.streamName ?? '-'}), or a collector to send web events through${deviceEdge ? '' : ' and a deviceEdge for devices'}`;
  }
  return 'devices and poison records go to Kinesis directly: give the client and streamName too, or send web events only (clickstreamShare 1, poisonRate 0, no custom source), devices through a deviceEdge';
};

const kinesisWriterOf = (targets: RunTargets, client: PutRecordsSender, streamName: string) =>
  new KinesisWriter<ProducedRecord>({
    client,
    ...(streamName.startsWith('arn:') ? { streamArn: streamName } : { streamName }),
    maxInFlight: targets.maxInFlight ?? 4,
    ...(targets.backoff ? { backoff: targets.backoff } : {}),
  });

/**
 * One writer per way in (collector, MQTT, Kinesis), behind a router when there is more than one. Throws naming
 * what is missing when the kinds produced need a stream that was not given; with a custom source only an edge
 * makes the stream optional, and a record that would need it is unsent (NoTarget), which stops the run.
 */
export const runWritersOf = (targets: RunTargets): RunWriters => {
  const { client, streamName, collector, deviceEdge } = targets;
  const missing = client && streamName ? undefined : missingStream(targets);
  if (missing) throw new Error(missing);
  const edgeWriter = collector
    ? new CollectorWriter<ProducedRecord>({
        ...(targets.backoff ? { backoff: targets.backoff } : {}),
        ...collector,
      })
    : undefined;
  const deviceWriter = deviceEdge ? new MqttDeviceWriter<ProducedRecord>(deviceEdge) : undefined;
  const direct =
    client && streamName
      ? kinesisWriterOf(targets, client, streamName)
      : new MissingTarget(
          'this record goes to Kinesis directly (poison, or no edge for its kind), but no client and streamName were given',
        );
  const writers: RecordWriter<ProducedRecord>[] = [direct];
  const collectorIndex = edgeWriter ? writers.push(edgeWriter) - 1 : -1;
  const mqttIndex = deviceWriter ? writers.push(deviceWriter) - 1 : -1;
  const route = (record: ProducedRecord) => {
    if (collectorIndex > 0 && goesThroughCollector(record)) return collectorIndex;
    return mqttIndex > 0 && goesOverMqtt(record) ? mqttIndex : 0;
  };
  // With the kinds known, a stand-in nothing is routed to needs no router in front of the one real writer.
  const unused = direct instanceof MissingTarget && targets.produces !== undefined ? 1 : 0;
  const only = writers.length - unused === 1 ? writers[writers.length - 1] : undefined;
  return {
    writer: only ?? new RoutedWriter(writers, route),
    ...(edgeWriter ? { edge: () => edgeWriter.figures } : {}),
    ...(deviceWriter ? { devices: () => deviceWriter.figures } : {}),
    close: async () => deviceWriter?.close(),
  };
};
