import { type JsonSchema, JsonSchemaType, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import {
  EDGE_FIELD,
  envelopeFields,
  KINESIS_MAX_PARTITION_KEY_LENGTH,
  MAX_BATCH_EVENTS,
} from '../../../schemas/index.ts';

/** A request becomes one batch record, and a batch record holds at most MAX_BATCH_EVENTS events (D36). */
export const MAX_EVENTS_PER_REQUEST = MAX_BATCH_EVENTS;

/**
 * The identity fields a record's partition key comes from, in the order the request template tries them on the
 * batch's first event (its eventId when it has neither). Any event may be first, so each must be a usable key.
 */
export const PARTITION_KEY_FIELDS = ['sessionId', 'deviceId'] as const;

interface EnvelopeField {
  readonly const?: unknown;
  readonly type?: string;
  readonly pattern?: string;
}

/**
 * One envelope field as API Gateway's validator (JSON Schema draft 4) reads it. The envelope pins
 * `schema` and `version` per contract (`const`, draft 6); the edge takes every contract, so only their
 * type is checked here and the consumers pick the contract. `eventId` and `eventTime` keep their patterns.
 */
function edgeFieldSchema(name: string, field: EnvelopeField): JsonSchema {
  if (field.const !== undefined) {
    return { type: typeof field.const === 'number' ? JsonSchemaType.INTEGER : JsonSchemaType.STRING };
  }
  if (field.type !== 'string') {
    throw new Error(
      `envelope field ${name} has type ${field.type}; the collector's model knows strings only`,
    );
  }
  return { type: JsonSchemaType.STRING, ...(field.pattern ? { pattern: field.pattern } : {}) };
}

/**
 * An event as the edge checks it: the envelope's fields required, a usable partition key, and no `edge`:
 * the edge adds that itself, so a client may not send one and forge where its events came from.
 */
export function eventSchema(): JsonSchema {
  // Contract names and versions do not matter here: only the shape of each field is taken.
  const envelope = envelopeFields('any.any', 1) as Record<string, EnvelopeField>;
  const partitionKey: JsonSchema = {
    type: JsonSchemaType.STRING,
    minLength: 1,
    maxLength: KINESIS_MAX_PARTITION_KEY_LENGTH,
  };
  return {
    type: JsonSchemaType.OBJECT,
    required: Object.keys(envelope),
    properties: {
      ...Object.fromEntries(
        Object.entries(envelope).map(([name, field]) => [name, edgeFieldSchema(name, field)]),
      ),
      ...Object.fromEntries(PARTITION_KEY_FIELDS.map((name) => [name, partitionKey])),
      // Matches nothing: present at all, the property fails validation.
      [EDGE_FIELD]: { not: {} },
    },
  };
}

/**
 * The request body: a JSON array of 1–500 events, or an object whose `events` is one. Array and object
 * keywords each apply to their own type only, so one schema says both without anyOf, whose validation
 * message would not say which part failed.
 */
export function eventBatchSchema(): JsonSchema {
  const batch = {
    minItems: 1,
    maxItems: MAX_EVENTS_PER_REQUEST,
    items: eventSchema(),
  };
  return {
    schema: JsonSchemaVersion.DRAFT4,
    title: 'EventBatch',
    type: [JsonSchemaType.ARRAY, JsonSchemaType.OBJECT],
    ...batch,
    required: ['events'],
    properties: { events: { type: JsonSchemaType.ARRAY, ...batch } },
  };
}
