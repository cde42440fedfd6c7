import { type TObject, type TProperties, Type } from '@sinclair/typebox';

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
const UTC_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$';
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

/** Builds the closed object schema of one contract: envelope + identity + payload fields. */
export const contractSchema = <P extends TProperties>(id: ContractId, fields: P) =>
  Type.Object(
    { ...envelopeFields(`${id.dataset}.${id.type}`, id.version), ...fields },
    { additionalProperties: false, $id: `${id.dataset}.${id.type}/v${id.version}` },
  ) as TObject<ReturnType<typeof envelopeFields> & P>;
