import type { RollupDefinition } from '../../processors/rollups/rollups.ts';
import {
  type EventTimeRange,
  recountedValues,
  rollupRecountSql,
  type SqlDialect,
} from '../verify/rollup-sql.ts';
import type { RecountedItem } from './replace-plan.ts';

/** What runs the recount SQL: DuckDB over the local lake, or Athena over the Glue tables. */
export interface RecountEngine {
  /** How the summary names it: `DuckDB (local lake)`, `Athena (workgroup streamlake)`. */
  readonly name: string;
  readonly dialect: SqlDialect;
  /** The rows of one query as objects; numbers may come back as text (Athena). */
  rows(sql: string): Promise<Record<string, unknown>[]>;
}

/** One rollup recounted over the range, as items with their dimensions and measures. */
export const recountRollup = async (
  engine: RecountEngine,
  rollup: RollupDefinition,
  range: EventTimeRange,
): Promise<RecountedItem[]> => {
  const rows = await engine.rows(rollupRecountSql(rollup, { dialect: engine.dialect, range }));
  return rows.map((row) => ({
    pk: String(row.pk),
    sk: String(row.sk),
    dimensions: Object.fromEntries(rollup.dimensions.map((d) => [d, String(row[d])])),
    values: recountedValues(rollup, row),
  }));
};
