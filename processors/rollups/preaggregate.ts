import type { AcceptedRecord } from '../shared/classify.ts';
import { fieldOf, type Measure, measureAttribute, type RollupDefinition } from './rollups.ts';

/** One rollup item a batch touches, with everything the batch contributes to it. */
export interface RollupContribution {
  readonly rollup: RollupDefinition;
  /** `page_views#/home` — rollup name and dimension values. */
  readonly pk: string;
  /** Window start, ISO minute: `2026-11-22T05:06Z`. */
  readonly sk: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly windowStartMs: number;
  /** Contributing records in sequence order; kept so a conflict can re-apply only those past the mark. */
  readonly records: AcceptedRecord[];
  /** Attribute → value: counts and sums are added, min/max are folded. */
  readonly totals: Record<string, number>;
}

const isoMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/** Which rollups apply to each schema, computed once per rollup set. */
export const indexBySchema = (rollups: readonly RollupDefinition[]) => {
  const wildcard = rollups.filter((r) => r.schemas.includes('*'));
  const bySchema = new Map<string, RollupDefinition[]>();
  for (const rollup of rollups) {
    for (const schema of rollup.schemas) {
      if (schema === '*') continue;
      bySchema.set(schema, [...(bySchema.get(schema) ?? wildcard), rollup]);
    }
  }
  return (schema: string): readonly RollupDefinition[] => bySchema.get(schema) ?? wildcard;
};

/** Attribute names per measure, computed once per rollup rather than once per record. */
const attributesOf = new WeakMap<RollupDefinition, string[]>();
const measureAttributes = (rollup: RollupDefinition): string[] => {
  let attributes = attributesOf.get(rollup);
  if (!attributes) {
    attributes = rollup.measures.map(measureAttribute);
    attributesOf.set(rollup, attributes);
  }
  return attributes;
};

const foldRecord = (
  totals: Record<string, number>,
  rollup: RollupDefinition,
  record: AcceptedRecord,
): void => {
  const attributes = measureAttributes(rollup);
  const measures = rollup.measures;
  for (let i = 0; i < measures.length; i++) {
    const measure = measures[i] as Measure;
    const attribute = attributes[i] as string;
    if (measure.kind === 'count') {
      totals[attribute] = (totals[attribute] ?? 0) + 1;
      continue;
    }
    const value = fieldOf(record.event, measure.field);
    if (typeof value !== 'number') continue;
    const current = totals[attribute];
    if (measure.kind === 'sum') totals[attribute] = (current ?? 0) + value;
    else if (current === undefined) totals[attribute] = value;
    else totals[attribute] = measure.kind === 'min' ? Math.min(current, value) : Math.max(current, value);
  }
};

/** Totals of a set of records for one rollup: the same fold the batch pass uses. */
export const totalsOf = (
  rollup: RollupDefinition,
  records: readonly AcceptedRecord[],
): Record<string, number> => {
  const totals: Record<string, number> = {};
  for (const record of records) foldRecord(totals, rollup, record);
  return totals;
};

/**
 * Groups a batch's accepted records by (rollup, dimensions, event-time window), so that each
 * rollup item is written once per batch however many records touch it.
 */
export const preaggregate = (
  records: readonly AcceptedRecord[],
  rollups: readonly RollupDefinition[],
  rollupsFor = indexBySchema(rollups),
): RollupContribution[] => {
  // Window start → pk → item: no per-record composite key string.
  const windows = new Map<number, Map<string, RollupContribution>>();
  const items: RollupContribution[] = [];
  for (const record of records) {
    for (const rollup of rollupsFor(record.event.schema)) {
      const windowMs = rollup.windowSeconds * 1000;
      const windowStartMs = record.eventTimeMs - (record.eventTimeMs % windowMs);
      let pk = rollup.name;
      for (const dimension of rollup.dimensions) pk += `#${String(fieldOf(record.event, dimension))}`;
      let window = windows.get(windowStartMs);
      if (!window) {
        window = new Map();
        windows.set(windowStartMs, window);
      }
      let item = window.get(pk);
      if (!item) {
        const dimensions: Record<string, string> = {};
        for (const dimension of rollup.dimensions)
          dimensions[dimension] = String(fieldOf(record.event, dimension));
        item = {
          rollup,
          pk,
          sk: isoMinute(windowStartMs),
          dimensions,
          windowStartMs,
          records: [],
          totals: {},
        };
        window.set(pk, item);
        items.push(item);
      }
      item.records.push(record);
      foldRecord(item.totals, rollup, record);
    }
  }
  return items;
};
