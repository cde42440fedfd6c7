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
/** RFC 3339 UTC timestamp with optional milliseconds, e.g. 2026-11-22T05:06:07.123Z. */
const UTC_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$';

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
