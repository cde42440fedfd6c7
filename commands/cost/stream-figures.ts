import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { EDGE_FIELD } from '../../schemas/envelope.ts';
import { BATCH_EVENTS_FIELD, batchProblem, isEventBatch } from '../../schemas/event-batch.ts';
import { StreamReader } from '../truth/stream-reader.ts';

/** How an event reached the stream, read from the edge context its record carries (schemas/envelope.ts). */
export type Way = 'web' | 'device' | 'direct';

export const WAYS: readonly Way[] = ['web', 'device', 'direct'];

/**
 * Records of the event stream, sized as each service that meters them rounds them. Kinesis and Firehose meter
 * records; a record may hold several events (a batch, D36), so every unit per event falls with events per record.
 */
export interface StreamFigures {
  readonly records: number;
  /** Events the records hold: a batch record's events, else one. */
  readonly events: number;
  /** Data + partition key, as Kinesis counts a record's size. */
  readonly bytes: number;
  /** Σ ⌈size / 1 KiB⌉: Kinesis on-demand's write and read metering. */
  readonly kibUnits: number;
  /** Σ ⌈size / 25 KiB⌉: provisioned Kinesis's PUT payload units. */
  readonly putPayloadUnits: number;
  /** Σ ⌈data / 5 KiB⌉: Firehose's ingestion metering, per record. */
  readonly firehoseUnits: number;
  readonly recordsByWay: Readonly<Record<Way, number>>;
  readonly eventsByWay: Readonly<Record<Way, number>>;
  /** Bytes (data + partition key) by way in. */
  readonly bytesByWay: Readonly<Record<Way, number>>;
}

/** What one record holds, as the consumers read it: the way its events came, and how many there are. */
export interface RecordContent {
  readonly way: Way;
  readonly events: number;
}

const KIB = 1024;

/**
 * The edge an edge context names: the device rule sets `clientId` and `topic`, the collector an edge with
 * neither (its `sourceIp`, `userAgent`, `origin`); no edge object is a direct write.
 */
const wayOfEdge = (edge: unknown): Way => {
  if (!edge || typeof edge !== 'object') return 'direct';
  const { clientId, topic } = edge as { clientId?: unknown; topic?: unknown };
  return clientId === undefined && topic === undefined ? 'web' : 'device';
};

/**
 * What a record holds: a batch (`{"edge":…,"events":[…]}`, schemas/event-batch.ts) its events, under the batch's
 * edge; anything else one event, under its own edge. A batch whose shape the consumers refuse is quarantined
 * whole, as one; a record that is not JSON is one event, direct.
 */
export const contentOf = (data: Uint8Array): RecordContent => {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return { way: 'direct', events: 1 };
  }
  if (isEventBatch(value)) {
    const events = batchProblem(value) === undefined ? (value[BATCH_EVENTS_FIELD] as unknown[]).length : 1;
    return { way: wayOfEdge(value[EDGE_FIELD]), events };
  }
  return { way: wayOfEdge((value as { edge?: unknown } | null)?.edge), events: 1 };
};

/** The edge a record came through. */
export const wayOf = (data: Uint8Array): Way => contentOf(data).way;

const plus = (counts: Readonly<Record<Way, number>>, way: Way, n: number) => ({
  ...counts,
  [way]: counts[way] + n,
});

/** Adds one record to the figures (pure: the sizes are the services' rounding rules, per record). */
export const withRecord = (figures: StreamFigures, data: Uint8Array, partitionKey: string): StreamFigures => {
  const size = data.length + Buffer.byteLength(partitionKey);
  const { way, events } = contentOf(data);
  return {
    records: figures.records + 1,
    events: figures.events + events,
    bytes: figures.bytes + size,
    kibUnits: figures.kibUnits + Math.max(1, Math.ceil(size / KIB)),
    putPayloadUnits: figures.putPayloadUnits + Math.max(1, Math.ceil(size / (25 * KIB))),
    firehoseUnits: figures.firehoseUnits + Math.max(1, Math.ceil(data.length / (5 * KIB))),
    recordsByWay: plus(figures.recordsByWay, way, 1),
    eventsByWay: plus(figures.eventsByWay, way, events),
    bytesByWay: plus(figures.bytesByWay, way, size),
  };
};

const NONE: Readonly<Record<Way, number>> = { web: 0, device: 0, direct: 0 };

export const NO_RECORDS: StreamFigures = {
  records: 0,
  events: 0,
  bytes: 0,
  kibUnits: 0,
  putPayloadUnits: 0,
  firehoseUnits: 0,
  recordsByWay: NONE,
  eventsByWay: NONE,
  bytesByWay: NONE,
};

/** Events per record, overall or of one way in (0 without records). */
export const eventsPerRecord = (figures: StreamFigures, way?: Way): number => {
  const records = way ? figures.recordsByWay[way] : figures.records;
  const events = way ? figures.eventsByWay[way] : figures.events;
  return records > 0 ? events / records : 0;
};

/** Stream figures as a run saved before records held batches (D36) wrote them: every record one event. */
export interface StreamFiguresBeforeBatches
  extends Omit<StreamFigures, 'events' | 'recordsByWay' | 'eventsByWay'> {
  /** Records, each one event, by way in. */
  readonly byWay: Readonly<Record<Way, number>>;
}

/** Today's figures from a saved run's, of either shape. */
export const upgradedStreamFigures = (saved: StreamFigures | StreamFiguresBeforeBatches): StreamFigures => {
  if (!('byWay' in saved)) return saved;
  const { byWay, ...sized } = saved;
  return { ...sized, events: saved.records, recordsByWay: byWay, eventsByWay: byWay };
};

/** Reads every record of the stream (a fresh run's stream holds only that run's) and sizes it. */
export const streamFigures = async (kinesis: KinesisClient, streamName: string): Promise<StreamFigures> => {
  const reader = new StreamReader(kinesis, streamName);
  let figures = NO_RECORDS;
  for (const shard of await reader.shardIds()) {
    for await (const page of reader.pages(shard)) {
      for (const record of page) figures = withRecord(figures, record.data, record.partitionKey);
    }
  }
  return figures;
};
