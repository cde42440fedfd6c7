import { type Static, type TObject, type TOptional, type TProperties, Type } from '@sinclair/typebox';

/** Identifies one event contract: `<dataset>.<eventType>` at a version. */
export interface ContractId {
  readonly dataset: Dataset;
  readonly type: string;
  readonly version: number;
}

export const DATASETS = ['clickstream', 'telemetry'] as const;
export type Dataset = (typeof DATASETS)[number];

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/**
 * RFC 3339 UTC timestamp with optional milliseconds, e.g. 2026-11-22T05:06:07.123Z. The pattern is the
 * shape only: parseUtcMillis also requires a calendar date, hours 00–23, minutes and seconds 00–59
 * (no leap second) and a year within UTC_YEARS.
 */
export const UTC_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$';
/** Years an eventTime may name: before the Unix epoch is a broken clock, not data; after 9999 has no 4-digit year. */
export const UTC_YEARS = { min: 1970, max: 9999 } as const;

/**
 * Fields every event carries, whatever its type: which contract it follows, a unique id,
 * when it happened, and who produced it (added by the dataset's identity fields).
 */
export const envelopeFields = (schema: string, version: number) => ({
  schema: Type.Literal(schema),
  version: Type.Literal(version),
  eventId: Type.String({ pattern: UUID }),
  eventTime: Type.String({ pattern: UTC_TIME }),
});

/** The property an edge adds to each event it forwards; producers writing to the stream directly leave it out. */
export const EDGE_FIELD = 'edge';

/**
 * Longest edge strings kept; an edge cuts longer header values to these lengths before it forwards them. A client
 * id and a topic are never cut: IoT Core refuses longer ones (client ids up to 128 bytes, topics up to 256).
 */
export const EDGE_LIMITS = {
  requestId: 128,
  userAgent: 512,
  origin: 256,
  clientId: 128,
  topic: 256,
} as const;

const IPV4_OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/**
 * A source address truncated for privacy, nothing finer: IPv4 with its last octet 0 (`203.0.113.0`), IPv6 with
 * its first three groups or fewer, where `::` comes sooner, then `::` (`2001:db8:85a3::`, `2001:db8::`, `::`).
 */
export const TRUNCATED_IP = `^((${IPV4_OCTET}\\.){3}0|([0-9a-fA-F]{1,4}:){1,3}:|::)$`;

/**
 * What an edge (the web collector, the device broker's topic rule) knows of the request that carried an event:
 * when it arrived and which request it was — what every edge can tell (IoT Core's rule SQL has parse_time and
 * traceid()) — and what each edge adds of its own: the collector the truncated source address, user agent and
 * origin; the topic rule the MQTT client id and topic (IoT SQL cannot truncate an address, so it sends none). One
 * flat closed object rather than a union per edge: each edge's own fields are one more nullable lake column, and
 * the fields an edge sets tell which edge it was. Not part of the event's identity: a resend through an edge gets
 * a new receivedAt and requestId and is still the same event (the duplicate memory keys on eventId alone).
 */
export const EdgeContext = Type.Object(
  {
    /** When the edge received the request (UTC, milliseconds), by the edge's clock. */
    receivedAt: Type.String({ pattern: UTC_TIME }),
    /** The edge's id of the request (API Gateway's $context.requestId, IoT Core's traceid()). */
    requestId: Type.String({ minLength: 1, maxLength: EDGE_LIMITS.requestId, pattern: '^[!-~]+$' }),
    /** Where the request came from, truncated (the web collector only). */
    sourceIp: Type.Optional(Type.String({ pattern: TRUNCATED_IP })),
    userAgent: Type.Optional(Type.String({ minLength: 1, maxLength: EDGE_LIMITS.userAgent })),
    /** The request's Origin header, as a browser sends it. */
    origin: Type.Optional(Type.String({ minLength: 1, maxLength: EDGE_LIMITS.origin })),
    /** The MQTT client id that published the event: the device's thing name (IoT Core's clientid()). */
    clientId: Type.Optional(
      Type.String({ minLength: 1, maxLength: EDGE_LIMITS.clientId, pattern: '^[!-~]+$' }),
    ),
    /** The MQTT topic it was published to (IoT Core's topic()). */
    topic: Type.Optional(Type.String({ minLength: 1, maxLength: EDGE_LIMITS.topic })),
  },
  { additionalProperties: false },
);
export type Edge = Static<typeof EdgeContext>;

/**
 * Builds the closed object schema of one contract: envelope + identity + payload fields, and the optional
 * edge context, which every contract accepts alike.
 */
export const contractSchema = <P extends TProperties>(id: ContractId, fields: P) =>
  Type.Object(
    {
      ...envelopeFields(`${id.dataset}.${id.type}`, id.version),
      ...fields,
      [EDGE_FIELD]: Type.Optional(EdgeContext),
    },
    { additionalProperties: false, $id: `${id.dataset}.${id.type}/v${id.version}` },
  ) as TObject<ReturnType<typeof envelopeFields> & P & { edge: TOptional<typeof EdgeContext> }>;
