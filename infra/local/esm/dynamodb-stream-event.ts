import type { _Record, AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent, StreamRecord } from 'aws-lambda';
import type { DeliverableRecord } from './batch-delivery.ts';

/** A DynamoDB stream record as the poller holds it: already in the shape Lambda delivers. */
export interface PolledStreamRecord extends DeliverableRecord {
  readonly record: DynamoDBRecord;
  /** Bytes the record adds to the invocation payload (its JSON). */
  readonly payloadBytes: number;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * The SDK's parsed attribute value (binary as Uint8Array, unions possibly `$unknown`) back in the
 * wire form Lambda delivers: `{ S: 'x' }`, `{ N: '1' }`, binary as base64 strings.
 */
export const toLambdaAttributeValue = (value: SdkAttributeValue): AttributeValue => {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttributeValue) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  const unknown = (value as { $unknown?: [string, unknown] }).$unknown;
  if (unknown) return { [unknown[0]]: unknown[1] } as unknown as AttributeValue;
  throw new Error(`unrecognised attribute value ${JSON.stringify(value)}`);
};

export const toLambdaImage = (image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttributeValue(value)]));

/** Region segment of an ARN (`arn:aws:dynamodb:<region>:…`). */
const withRegion = (arn: string, region: string): string => {
  const parts = arn.split(':');
  if (parts.length < 6) return arn;
  parts[3] = region;
  return parts.join(':');
};

/**
 * The stream ARN as the function sees it: DynamoDB Local names its region `ddblocal`, while on AWS
 * (and in the rest of the local cloud) the ARN carries the configured region.
 */
export const presentedStreamArn = (apiStreamArn: string, region: string): string =>
  withRegion(apiStreamArn, region);

export interface StreamRecordContext {
  /** The configured region (e.g. us-east-1), not DynamoDB Local's `ddblocal`. */
  readonly region: string;
  /** The stream ARN as presented to functions (see presentedStreamArn). */
  readonly streamArn: string;
  /** When the poller read the record (epoch ms); bounds the age estimate. */
  readonly readAtMs: number;
}

const MINUTE_MS = 60_000;

/** Converts one GetRecords record into the record Lambda hands a DynamoDB-stream-triggered function. */
export const toPolledStreamRecord = (record: _Record, context: StreamRecordContext): PolledStreamRecord => {
  const source = record.dynamodb ?? {};
  const created = source.ApproximateCreationDateTime;
  const createdMs = created instanceof Date ? created.getTime() : context.readAtMs;
  // DynamoDB Local rounds ApproximateCreationDateTime down to the minute (AWS keeps the second); take
  // the latest moment the record can have been written, so a young record never looks a minute old.
  const ageFromMs =
    createdMs % MINUTE_MS === 0 ? Math.min(context.readAtMs, createdMs + MINUTE_MS - 1) : createdMs;
  const dynamodb: StreamRecord = {
    // Lambda delivers epoch seconds.
    ApproximateCreationDateTime: Math.floor(ageFromMs / 1000),
    ...(source.Keys ? { Keys: toLambdaImage(source.Keys) } : {}),
    ...(source.NewImage ? { NewImage: toLambdaImage(source.NewImage) } : {}),
    ...(source.OldImage ? { OldImage: toLambdaImage(source.OldImage) } : {}),
    ...(source.SequenceNumber !== undefined ? { SequenceNumber: source.SequenceNumber } : {}),
    ...(source.SizeBytes !== undefined ? { SizeBytes: source.SizeBytes } : {}),
    ...(source.StreamViewType ? { StreamViewType: source.StreamViewType } : {}),
  };
  const lambdaRecord: DynamoDBRecord = {
    ...(record.eventID !== undefined ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: context.region,
    dynamodb,
    eventSourceARN: context.streamArn,
    ...(record.userIdentity ? { userIdentity: { ...record.userIdentity } } : {}),
  };
  return {
    sequenceNumber: source.SequenceNumber ?? '',
    arrivalMs: createdMs,
    ageFromMs,
    record: lambdaRecord,
    payloadBytes: Buffer.byteLength(JSON.stringify(lambdaRecord)) + 1,
  };
};

/** The event exactly as Lambda hands it to a DynamoDB-stream-triggered function. */
export const dynamoDbStreamEvent = (records: readonly PolledStreamRecord[]): DynamoDBStreamEvent => ({
  Records: records.map((polled) => polled.record),
});
