import type { KinesisStreamRecord } from 'aws-lambda';
import type { AcceptedRecord } from '../../../processors/shared/classify.ts';
import type { PageView, Purchase, Reading, StatusChange, StreamlakeEvent } from '../../../schemas/index.ts';

export const SHARD = 'shardId-000000000001';
export const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:000000000000:stream/streamlake-dev-EventStream';

/** A realistic 56-digit Kinesis sequence number; larger `n` sorts later. */
export const sequence = (n: number): string => `4959${String(n).padStart(52, '0')}`;

/** A deterministic lowercase UUID (v4 layout) so tests never depend on randomness. */
export const uuidOf = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

let nextId = 1;
const eventId = () => uuidOf(nextId++);

export const pageView = (overrides: Partial<PageView> = {}): PageView => ({
  schema: 'clickstream.page_view',
  version: 1,
  eventId: eventId(),
  eventTime: '2026-11-22T05:06:07.123Z',
  sessionId: 'session-1',
  page: '/home',
  ...overrides,
});

export const purchase = (overrides: Partial<Purchase> = {}): Purchase => ({
  schema: 'clickstream.purchase',
  version: 1,
  eventId: eventId(),
  eventTime: '2026-11-22T05:06:07.123Z',
  sessionId: 'session-1',
  orderId: 'order-1',
  items: 1,
  revenue: 10,
  currency: 'EUR',
  ...overrides,
});

export const reading = (overrides: Partial<Reading> = {}): Reading => ({
  schema: 'telemetry.reading',
  version: 1,
  eventId: eventId(),
  eventTime: '2026-11-22T05:06:07.123Z',
  deviceId: 'device-1',
  temperature: 21.5,
  humidity: 40,
  battery: 90,
  status: 'ok',
  ...overrides,
});

export const statusChange = (overrides: Partial<StatusChange> = {}): StatusChange => ({
  schema: 'telemetry.status_change',
  version: 1,
  eventId: eventId(),
  eventTime: '2026-11-22T05:06:07.123Z',
  deviceId: 'device-1',
  from: 'online',
  to: 'offline',
  ...overrides,
});

export interface RecordOptions {
  readonly shardId?: string;
  readonly sequenceNumber?: string;
  readonly partitionKey?: string;
  /** Arrival time in epoch milliseconds; the record carries it in seconds, as Lambda does. */
  readonly arrivalMs?: number;
}

/**
 * A record shaped exactly like Lambda's `KinesisStreamRecord`. `payload` is serialized as JSON
 * unless it is a string (sent as UTF-8 text as-is) or a Buffer (sent byte for byte).
 */
export const kinesisRecord = (payload: unknown, options: RecordOptions = {}): KinesisStreamRecord => {
  const shardId = options.shardId ?? SHARD;
  const sequenceNumber = options.sequenceNumber ?? sequence(1);
  const bytes = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: options.partitionKey ?? 'session-1',
      sequenceNumber,
      data: bytes.toString('base64'),
      approximateArrivalTimestamp: (options.arrivalMs ?? Date.parse('2026-11-22T05:06:08.000Z')) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/streamlake-dev-AggregateRole',
    awsRegion: 'eu-west-1',
    eventSourceARN: STREAM_ARN,
  };
};

/** An already-classified record, as preaggregate receives it; `n` orders it within the batch. */
export const acceptedRecord = (event: StreamlakeEvent, n: number): AcceptedRecord => ({
  sequenceNumber: sequence(n),
  event,
  eventTimeMs: Date.parse(event.eventTime),
});

/** Accepted records numbered 1..N in the order given, i.e. in sequence order. */
export const acceptedBatch = (events: readonly StreamlakeEvent[]): AcceptedRecord[] =>
  events.map((event, i) => acceptedRecord(event, i + 1));
