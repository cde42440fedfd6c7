import { Base64Encoded } from '@aws-lambda-powertools/parser/helpers';
import {
  KinesisDataStreamRecord,
  KinesisDataStreamRecordPayload,
} from '@aws-lambda-powertools/parser/schemas/kinesis';
import { z } from 'zod';
import { EDGE_LIMITS, TRUNCATED_IP, UTC_TIME } from '../../schemas/envelope.ts';

/**
 * The contracts of schemas/clickstream.ts and schemas/telemetry.ts as a team would write them in Zod:
 * closed objects, the same bounds and patterns, a union discriminated by schema (and page_view by version).
 */
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const utcTime = z.string().regex(new RegExp(UTC_TIME));
const printable = /^[!-~]+$/;

const edge = z.strictObject({
  receivedAt: utcTime,
  requestId: z.string().min(1).max(EDGE_LIMITS.requestId).regex(printable),
  sourceIp: z.string().regex(new RegExp(TRUNCATED_IP)).optional(),
  userAgent: z.string().min(1).max(EDGE_LIMITS.userAgent).optional(),
  origin: z.string().min(1).max(EDGE_LIMITS.origin).optional(),
  clientId: z.string().min(1).max(EDGE_LIMITS.clientId).regex(printable).optional(),
  topic: z.string().min(1).max(EDGE_LIMITS.topic).optional(),
});

const contract = <S extends string, V extends number, F extends z.ZodRawShape>(
  schema: S,
  version: V,
  fields: F,
) =>
  z.strictObject({
    schema: z.literal(schema),
    version: z.literal(version),
    eventId: uuid,
    eventTime: utcTime,
    ...fields,
    edge: edge.optional(),
  });

const web = { sessionId: z.string().min(1).max(64), userId: z.string().min(1).max(64).optional() };
const page = z.string().min(1).max(512).regex(/^\//);
const money = z.number().min(0).max(1_000_000);
const referrer = z.string().max(2048).optional();
const link = z.enum(['online', 'offline']);

const pageView = z.discriminatedUnion('version', [
  contract('clickstream.page_view', 1, { ...web, page, referrer }),
  contract('clickstream.page_view', 2, {
    ...web,
    page,
    referrer,
    durationMs: z.number().int().min(0).max(86_400_000).optional(),
  }),
]);

export const ZodStreamlakeEvent = z.discriminatedUnion('schema', [
  pageView,
  contract('clickstream.click', 1, { ...web, page, element: z.string().min(1).max(128) }),
  contract('clickstream.add_to_cart', 1, {
    ...web,
    page,
    productId: z.string().min(1).max(64),
    quantity: z.number().int().min(1).max(1000),
    price: money,
  }),
  contract('clickstream.purchase', 1, {
    ...web,
    orderId: z.string().min(1).max(64),
    items: z.number().int().min(1).max(1000),
    revenue: money,
    currency: z.string().regex(/^[A-Z]{3}$/),
  }),
  contract('clickstream.client_error', 1, {
    ...web,
    page,
    errorType: z.string().min(1).max(64),
    message: z.string().max(1024),
  }),
  contract('telemetry.reading', 1, {
    deviceId: z.string().min(1).max(64),
    temperature: z.number().min(-100).max(200),
    humidity: z.number().min(0).max(100),
    battery: z.number().min(0).max(100),
    status: z.enum(['ok', 'degraded', 'fault']),
  }),
  contract('telemetry.status_change', 1, {
    deviceId: z.string().min(1).max(64),
    from: link,
    to: link,
    firmware: z.string().max(32).optional(),
  }),
]);

/**
 * One Kinesis record as Powertools' parser reads it: its KinesisDataStreamRecord schema (what the
 * KinesisEnvelope parses) with `data` base64-decoded and JSON-parsed by its Base64Encoded helper, then
 * checked against the Zod contract. Parsed per record, so one bad record does not cost the batch.
 */
export const PowertoolsKinesisRecord = KinesisDataStreamRecord.extend({
  kinesis: KinesisDataStreamRecordPayload.extend({ data: Base64Encoded(ZodStreamlakeEvent) }),
});
