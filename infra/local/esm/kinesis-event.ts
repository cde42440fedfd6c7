import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { StreamMappingSettings } from './settings.ts';

/** A record as the poller holds it: what GetRecords returned, already in Lambda's encoding. */
export interface PolledRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Base64, as Lambda delivers it. */
  readonly data: string;
  readonly arrivalMs: number;
}

export const toPolledRecord = (record: _Record): PolledRecord => ({
  sequenceNumber: record.SequenceNumber ?? '',
  partitionKey: record.PartitionKey ?? '',
  data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
  arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
});

/** A record as GetRecords' JSON carries it (read on the wire, see aws-json-wire.ts): its data still base64. */
export interface WireRecord {
  readonly SequenceNumber: string;
  readonly PartitionKey: string;
  readonly Data: string;
  /** Epoch seconds. */
  readonly ApproximateArrivalTimestamp?: number;
}

/** A wire record as the poller holds it: nothing decoded, nothing re-encoded. */
export const polledFromWire = (record: WireRecord): PolledRecord => ({
  sequenceNumber: record.SequenceNumber,
  partitionKey: record.PartitionKey,
  data: record.Data,
  arrivalMs:
    record.ApproximateArrivalTimestamp === undefined
      ? Date.now()
      : Math.round(record.ApproximateArrivalTimestamp * 1000),
});

/** Bytes a record adds to the invocation payload: its data plus the JSON around it. */
export const payloadBytesOf = (record: PolledRecord): number =>
  record.data.length + record.partitionKey.length + 420;

/** Where a record came from, as Lambda names it; empty where a command re-reads records outside Lambda. */
export interface RecordSource {
  readonly region?: string;
  readonly roleArn?: string;
  readonly streamArn?: string;
}

/**
 * One record exactly as Lambda hands it to a Kinesis-triggered function; the one home of that shape, used by
 * the local pollers and by the commands that classify records as the consumers do (verify, replay, backfill).
 */
export const lambdaKinesisRecord = (
  shardId: string,
  record: PolledRecord,
  source: RecordSource = {},
): KinesisStreamRecord => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey: record.partitionKey,
    sequenceNumber: record.sequenceNumber,
    data: record.data,
    approximateArrivalTimestamp: record.arrivalMs / 1000,
  },
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventID: `${shardId}:${record.sequenceNumber}`,
  eventName: 'aws:kinesis:record',
  invokeIdentityArn: source.roleArn ?? '',
  awsRegion: source.region ?? '',
  eventSourceARN: source.streamArn ?? '',
});

/** Builds the event exactly as Lambda hands it to a Kinesis-triggered function. */
export const kinesisEvent = (
  settings: StreamMappingSettings,
  shardId: string,
  region: string,
  roleArn: string,
  records: readonly PolledRecord[],
): KinesisStreamEvent => ({
  Records: records.map((record) =>
    lambdaKinesisRecord(shardId, record, { region, roleArn, streamArn: settings.streamArn }),
  ),
});
