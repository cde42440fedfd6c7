import { ROLLUPS } from '../../../processors/aggregate/rollups.ts';
import type { StreamlakeEvent } from '../../../schemas/index.ts';

export type RollupValues = Record<string, number>;

/**
 * An independent, deliberately naive recount of the rollups from the ground truth: one event at a
 * time, no pre-aggregation, no sequence numbers. The pipeline must agree with it exactly.
 */
export const expectedRollups = (events: readonly StreamlakeEvent[]): Map<string, RollupValues> => {
  const expected = new Map<string, RollupValues>();
  for (const event of events) {
    const fields = event as unknown as Record<string, unknown>;
    for (const rollup of ROLLUPS) {
      if (!rollup.schemas.includes('*') && !rollup.schemas.includes(event.schema)) continue;
      const minute = new Date(Math.floor(Date.parse(event.eventTime) / 60_000) * 60_000)
        .toISOString()
        .slice(0, 16);
      const key = `${[rollup.name, ...rollup.dimensions.map((d) => String(fields[d]))].join('#')} ${minute}Z`;
      const values = expected.get(key) ?? {};
      for (const measure of rollup.measures) {
        if (measure.kind === 'count') {
          values.count = (values.count ?? 0) + 1;
          continue;
        }
        const value = fields[measure.field] as number;
        const name = `${measure.field}_${measure.kind}`;
        const current = values[name];
        values[name] =
          current === undefined
            ? value
            : measure.kind === 'sum'
              ? current + value
              : measure.kind === 'min'
                ? Math.min(current, value)
                : Math.max(current, value);
      }
      expected.set(key, values);
    }
  }
  return expected;
};

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
      const close = other !== undefined && Math.abs(other - value) <= 1e-9 * Math.max(1, Math.abs(value));
      if (!close) differences.push(`${key} ${name}: expected ${value}, got ${other}`);
    }
  }
  for (const key of actual.keys()) if (!expected.has(key)) differences.push(`${key}: unexpected item`);
  return differences;
};
