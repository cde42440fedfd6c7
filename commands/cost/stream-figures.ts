import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { StreamReader } from '../truth/stream-reader.ts';

/** How an event reached the stream, read from the edge context its record carries (schemas/envelope.ts). */
export type Way = 'web' | 'device' | 'direct';

/** Records of the event stream, sized as each service that meters them rounds them. */
export interface StreamFigures {
  readonly records: number;
  /** Data + partition key, as Kinesis counts a record's size. */
  readonly bytes: number;
  /** Σ ⌈size / 1 KiB⌉: Kinesis on-demand's write and read metering. */
  readonly kibUnits: number;
  /** Σ ⌈size / 25 KiB⌉: provisioned Kinesis's PUT payload units. */
  readonly putPayloadUnits: number;
  /** Σ ⌈data / 5 KiB⌉: Firehose's ingestion metering, per record. */
  readonly firehoseUnits: number;
  readonly byWay: Readonly<Record<Way, number>>;
  /** Bytes (data + partition key) by way in. */
  readonly bytesByWay: Readonly<Record<Way, number>>;
}

const KIB = 1024;

/** The edge a record came through: the device rule sets `edge.clientId`, the collector an edge without one. */
export const wayOf = (data: Uint8Array): Way => {
  try {
    const edge = (JSON.parse(Buffer.from(data).toString('utf8')) as { edge?: { clientId?: unknown } }).edge;
    if (!edge || typeof edge !== 'object') return 'direct';
    return edge.clientId === undefined ? 'web' : 'device';
  } catch {
    return 'direct';
  }
};

/** Adds one record to the figures (pure: the sizes are the services' rounding rules). */
export const withRecord = (figures: StreamFigures, data: Uint8Array, partitionKey: string): StreamFigures => {
  const size = data.length + Buffer.byteLength(partitionKey);
  const way = wayOf(data);
  return {
    records: figures.records + 1,
    bytes: figures.bytes + size,
    kibUnits: figures.kibUnits + Math.max(1, Math.ceil(size / KIB)),
    putPayloadUnits: figures.putPayloadUnits + Math.max(1, Math.ceil(size / (25 * KIB))),
    firehoseUnits: figures.firehoseUnits + Math.max(1, Math.ceil(data.length / (5 * KIB))),
    byWay: { ...figures.byWay, [way]: figures.byWay[way] + 1 },
    bytesByWay: { ...figures.bytesByWay, [way]: figures.bytesByWay[way] + size },
  };
};

export const NO_RECORDS: StreamFigures = {
  records: 0,
  bytes: 0,
  kibUnits: 0,
  putPayloadUnits: 0,
  firehoseUnits: 0,
  byWay: { web: 0, device: 0, direct: 0 },
  bytesByWay: { web: 0, device: 0, direct: 0 },
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
