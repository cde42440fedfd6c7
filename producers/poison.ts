import type { StreamlakeEvent } from '../schemas/index.ts';
import type { SeededRandom } from './random.ts';
import { encodeJson, type PoisonKind, type ProducedRecord, partitionKeyOf } from './source.ts';

export const POISON_KINDS: readonly PoisonKind[] = ['invalid-json', 'schema-violation', 'unknown-schema'];

/**
 * Spoils a real event the way producers in the wild do, keeping its partition key so the bad
 * record lands on the shard its good neighbours use. Every kind must be quarantined downstream.
 */
export const poisonRecord = (
  event: StreamlakeEvent,
  kind: PoisonKind,
  random: SeededRandom,
): ProducedRecord => {
  const partitionKey = partitionKeyOf(event);
  switch (kind) {
    case 'invalid-json': {
      // A payload cut short, as by a buggy buffer flush.
      const text = JSON.stringify(event);
      return {
        data: new TextEncoder().encode(text.slice(0, random.int(1, text.length - 2))),
        partitionKey,
        poison: kind,
      };
    }
    case 'schema-violation':
      return { data: encodeJson(violate(event)), partitionKey, poison: kind };
    case 'unknown-schema': {
      const [dataset] = event.schema.split('.');
      return {
        data: encodeJson({
          ...event,
          schema: `${dataset}.${random.pick(['scroll', 'heartbeat', 'legacy_event'])}`,
        }),
        partitionKey,
        poison: kind,
      };
    }
  }
};

/** Breaks one field's contract: a page without its leading slash, or a locale-formatted eventTime. */
const violate = (event: StreamlakeEvent): Record<string, unknown> => {
  if ('page' in event) return { ...event, page: event.page.replace(/^\/+/, '') || 'home' };
  return { ...event, eventTime: new Date(Date.parse(event.eventTime)).toString() };
};
