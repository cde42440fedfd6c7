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
  measures: readonly Measure[],
  attributes: readonly string[],
  record: AcceptedRecord,
): void => {
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
  const attributes = measureAttributes(rollup);
  for (const record of records) foldRecord(totals, rollup.measures, attributes, record);
  return totals;
};

/** An item's key within its rollup and window: the dimension's value itself when there is one. */
const dimensionKey = (record: AcceptedRecord, dimensions: readonly string[]): string => {
  if (dimensions.length === 1) return String(fieldOf(record.event, dimensions[0] as string));
  let key = '';
  for (const dimension of dimensions) key += `#${String(fieldOf(record.event, dimension))}`;
  return key;
};

/** One rollup's groups while a batch is pre-aggregated. */
interface RollupGroups {
  readonly rollup: RollupDefinition;
  readonly windowMs: number;
  readonly attributes: readonly string[];
  /** Window number → dimension key → item. */
  readonly windows: Map<number, Map<string, RollupContribution>>;
  /** The window the previous record fell in, and its items: a batch spans a window or two, so most records skip the window lookup. */
  lastWindow: number;
  lastItems: Map<string, RollupContribution>;
}

const groupsOf = (rollup: RollupDefinition): RollupGroups => ({
  rollup,
  windowMs: rollup.windowSeconds * 1000,
  attributes: measureAttributes(rollup),
  windows: new Map(),
  lastWindow: Number.NaN,
  lastItems: new Map(),
});

/** The groups of each of `rollups`, each rollup's shared by every schema it counts. */
const groupsOfEach = (
  rollups: readonly RollupDefinition[],
  byRollup: Map<RollupDefinition, RollupGroups>,
): RollupGroups[] =>
  rollups.map((rollup) => {
    let groups = byRollup.get(rollup);
    if (!groups) {
      groups = groupsOf(rollup);
      byRollup.set(rollup, groups);
    }
    return groups;
  });

const itemsInWindow = (groups: RollupGroups, window: number): Map<string, RollupContribution> => {
  if (window === groups.lastWindow) return groups.lastItems;
  let inWindow = groups.windows.get(window);
  if (!inWindow) {
    inWindow = new Map();
    groups.windows.set(window, inWindow);
  }
  groups.lastWindow = window;
  groups.lastItems = inWindow;
  return inWindow;
};

const newItem = (groups: RollupGroups, record: AcceptedRecord, window: number): RollupContribution => {
  const { rollup, windowMs } = groups;
  const dimensions: Record<string, string> = {};
  let pk = rollup.name;
  for (const dimension of rollup.dimensions) {
    dimensions[dimension] = String(fieldOf(record.event, dimension));
    pk += `#${dimensions[dimension]}`;
  }
  const windowStartMs = window * windowMs;
  return { rollup, pk, sk: isoMinute(windowStartMs), dimensions, windowStartMs, records: [], totals: {} };
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
  // Per schema's rollups, their groups: window number → dimension key → item. Nothing is allocated per
  // record but what the item keeps (a per-record pk string and a boxed window start would be garbage
  // collected while the whole batch is live, which costs more than the grouping itself), and a record of
  // the same schema as the one before looks up nothing but its item.
  const groupsFor = new Map<readonly RollupDefinition[], RollupGroups[]>();
  const byRollup = new Map<RollupDefinition, RollupGroups>();
  let lastSchema: string | undefined;
  let lastRollups: readonly RollupDefinition[] | undefined;
  let lastGroups: RollupGroups[] = [];
  const items: RollupContribution[] = [];
  for (const record of records) {
    const schema = record.event.schema;
    // Comparing with the schema before costs less than the lookup, which must hash each record's new string.
    if (schema !== lastSchema || lastRollups === undefined) {
      lastSchema = schema;
      const applying = rollupsFor(schema);
      if (applying !== lastRollups) {
        lastRollups = applying;
        lastGroups = groupsFor.get(applying) ?? groupsOfEach(applying, byRollup);
        groupsFor.set(applying, lastGroups);
      }
    }
    for (let i = 0; i < lastGroups.length; i++) {
      const groups = lastGroups[i] as RollupGroups;
      const window = Math.floor(record.eventTimeMs / groups.windowMs);
      const inWindow = itemsInWindow(groups, window);
      const key = dimensionKey(record, groups.rollup.dimensions);
      let item = inWindow.get(key);
      if (!item) {
        item = newItem(groups, record, window);
        inWindow.set(key, item);
        items.push(item);
      }
      item.records.push(record);
      foldRecord(item.totals, groups.rollup.measures, groups.attributes, record);
    }
  }
  return items;
};
