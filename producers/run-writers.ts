import { datasetOf } from '../schemas/index.ts';
import type { BackoffPolicy } from './backoff.ts';
import { CollectorWriter, type CollectorWriterOptions } from './collector-writer.ts';
import type { EdgeFigures } from './edge-figures.ts';
import { KinesisWriter } from './kinesis-writer.ts';
import { RoutedWriter } from './routed-writer.ts';
import type { ProducedRecord } from './source.ts';
import type { PutRecordsSender, RecordWriter } from './write-outcome.ts';

/** What a run is told about where records go. */
export interface RunTargets {
  readonly client?: PutRecordsSender;
  readonly streamName?: string;
  readonly collector?: CollectorWriterOptions;
  readonly maxInFlight?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** Whether every record is a clickstream event (no devices, no poison): then no stream is needed. */
  readonly webOnly: boolean;
}

/** The writers of a run: one to write through, and the collector's figures when it has one. */
export interface RunWriters {
  readonly writer: RecordWriter<ProducedRecord>;
  readonly edge?: () => EdgeFigures;
}

/**
 * The web clickstream goes through the collector, as browsers send it. Poison never does: it models a broken
 * producer holding credentials, so it keeps going to Kinesis directly and quarantine stays exercised; devices
 * have their own edge.
 */
export const goesThroughCollector = (record: ProducedRecord): boolean =>
  record.poison === undefined &&
  record.event !== undefined &&
  datasetOf(record.event.schema) === 'clickstream';

interface StreamTarget {
  readonly client: PutRecordsSender;
  readonly streamName: string;
}

const kinesisWriterOf = (targets: RunTargets, { client, streamName }: StreamTarget) =>
  new KinesisWriter<ProducedRecord>({
    client,
    ...(streamName.startsWith('arn:') ? { streamArn: streamName } : { streamName }),
    maxInFlight: targets.maxInFlight ?? 4,
    ...(targets.backoff ? { backoff: targets.backoff } : {}),
  });

/** The Kinesis writer, the collector writer, or both behind a router; throws naming what is missing. */
export const runWritersOf = (targets: RunTargets): RunWriters => {
  const { client, streamName, collector } = targets;
  const stream = client && streamName ? { client, streamName } : undefined;
  if (!collector) {
    if (!stream) {
      throw new Error(
        `give the client and streamName of the Kinesis stream to write to (given streamName ${streamName ?? '-'}), or a collector to send web events through`,
      );
    }
    return { writer: kinesisWriterOf(targets, stream) };
  }
  if (!stream && !targets.webOnly) {
    throw new Error(
      'devices and poison records go to Kinesis directly: give the client and streamName too, or send web events only (clickstreamShare 1, poisonRate 0, no custom source)',
    );
  }
  const edgeWriter = new CollectorWriter<ProducedRecord>({
    ...(targets.backoff ? { backoff: targets.backoff } : {}),
    ...collector,
  });
  const edge = () => edgeWriter.figures;
  if (!stream) return { writer: edgeWriter, edge };
  return {
    writer: new RoutedWriter<ProducedRecord>([edgeWriter, kinesisWriterOf(targets, stream)], (record) =>
      goesThroughCollector(record) ? 0 : 1,
    ),
    edge,
  };
};
