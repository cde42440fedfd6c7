import {
  type Measure,
  measureAttribute,
  ROLLUPS,
  type RollupDefinition,
} from '../../processors/rollups/rollups.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';

/** A rollup item's measures by attribute name: `count`, `revenue_sum`, … */
export type RollupValues = Record<string, number>;

/** The rollup item an event counts into: `<rollup>#<dimension values> <minute>Z`, keyed like the table scan. */
const itemKeyOf = (rollup: RollupDefinition, fields: Record<string, unknown>, eventTime: string): string => {
  const minute = new Date(Math.floor(Date.parse(eventTime) / 60_000) * 60_000).toISOString().slice(0, 16);
  return `${[rollup.name, ...rollup.dimensions.map((d) => String(fields[d]))].join('#')} ${minute}Z`;
};

/** A measure after one more event: counted, added, or the smaller or larger of the two. */
const folded = (measure: Measure, current: number | undefined, fields: Record<string, unknown>): number => {
  if (measure.kind === 'count') return (current ?? 0) + 1;
  const value = fields[measure.field] as number;
  if (current === undefined) return value;
  if (measure.kind === 'sum') return current + value;
  return measure.kind === 'min' ? Math.min(current, value) : Math.max(current, value);
};

const countsSchema = (rollup: RollupDefinition, schema: string) =>
  rollup.schemas.includes('*') || rollup.schemas.includes(schema);

/** A measure's new value and the attribute it is stored under. */
type Update = readonly [item: RollupValues, name: string, value: number];

/**
 * An independent, deliberately naive recount of the rollups: one event at a time, no pre-aggregation, no
 * sequence numbers. The pipeline must agree with it exactly. Incremental, so the stream recount
 * (commands/truth/) can fold events in as it reads them and keep only sums per rollup item.
 */
export class RollupRecount {
  /** `<pk> <sk>` → measures, keyed like the rollups table scan. */
  readonly values: Map<string, RollupValues>;
  private readonly bySchema = new Map<string, readonly RollupDefinition[]>();

  constructor(values: Iterable<readonly [string, RollupValues]> = []) {
    this.values = new Map([...values].map(([key, item]) => [key, { ...item }]));
  }

  /** Counts one event into every rollup of its schema; all or nothing, should a field surprise us. */
  add(event: StreamlakeEvent): void {
    const fields = event as unknown as Record<string, unknown>;
    const updates: Update[] = [];
    const created = new Map<string, RollupValues>();
    for (const rollup of this.rollupsOf(event.schema)) {
      const key = itemKeyOf(rollup, fields, event.eventTime);
      const item = this.values.get(key) ?? created.get(key) ?? {};
      if (!this.values.has(key)) created.set(key, item);
      for (const measure of rollup.measures) {
        const name = measureAttribute(measure);
        updates.push([item, name, folded(measure, item[name], fields)]);
      }
    }
    for (const [key, item] of created) this.values.set(key, item);
    for (const [item, name, value] of updates) item[name] = value;
  }

  private rollupsOf(schema: string): readonly RollupDefinition[] {
    let rollups = this.bySchema.get(schema);
    if (!rollups) {
      rollups = ROLLUPS.filter((r) => countsSchema(r, schema));
      this.bySchema.set(schema, rollups);
    }
    return rollups;
  }
}

/** The naive recount of a list of events (see RollupRecount). */
export const expectedRollups = (events: readonly StreamlakeEvent[]): Map<string, RollupValues> => {
  const recount = new RollupRecount();
  for (const event of events) recount.add(event);
  return recount.values;
};

/** Decimal (DynamoDB) and binary (JS, DuckDB) sums of the same numbers agree to about 1e-12 relative. */
export const SUM_TOLERANCE = 1e-9;

/** Equal, or for non-integers within SUM_TOLERANCE relative. */
export const measuresAgree = (a: number | undefined, b: number | undefined): boolean =>
  a !== undefined && b !== undefined && Math.abs(a - b) <= SUM_TOLERANCE * Math.max(1, Math.abs(a));

/** Every difference between expected and actual rollups; sums compare to 1e-9 relative (decimal vs binary). */
export const rollupDifferences = (
  expected: Map<string, RollupValues>,
  actual: Map<string, RollupValues>,
): string[] => {
  const differences: string[] = [];
  for (const [key, values] of expected) {
    const got = actual.get(key);
    if (!got) {
      differences.push(`${key}: missing`);
      continue;
    }
    for (const [name, value] of Object.entries(values)) {
      const other = got[name];
      if (!measuresAgree(value, other)) differences.push(`${key} ${name}: expected ${value}, got ${other}`);
    }
  }
  for (const key of actual.keys()) if (!expected.has(key)) differences.push(`${key}: unexpected item`);
  return differences;
};
