import {
  type Measure,
  measureAttribute,
  ROLLUPS,
  type RollupDefinition,
} from '../../processors/rollups/rollups.ts';
import type { GroundTruthEntry, GroundTruthEvent } from '../../producers/ground-truth.ts';
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

/**
 * An independent, deliberately naive recount of the rollups from the ground truth: one event at a
 * time, no pre-aggregation, no sequence numbers. The pipeline must agree with it exactly.
 */
export const expectedRollups = (events: readonly StreamlakeEvent[]): Map<string, RollupValues> => {
  const expected = new Map<string, RollupValues>();
  for (const event of events) {
    const fields = event as unknown as Record<string, unknown>;
    for (const rollup of ROLLUPS.filter((r) => countsSchema(r, event.schema))) {
      const key = itemKeyOf(rollup, fields, event.eventTime);
      const values = expected.get(key) ?? {};
      for (const measure of rollup.measures) {
        const name = measureAttribute(measure);
        values[name] = folded(measure, values[name], fields);
      }
      expected.set(key, values);
    }
  }
  return expected;
};

/** The events of a ground truth (poison records left out: the pipeline quarantines them). */
export const groundTruthEvents = (entries: readonly GroundTruthEntry[]): StreamlakeEvent[] =>
  entries.filter((entry): entry is GroundTruthEvent => 'event' in entry).map((entry) => entry.event);

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
