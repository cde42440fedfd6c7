import { measureAttribute, ROLLUPS, type RollupDefinition } from '../../processors/rollups/rollups.ts';
import { datasetColumns, snakeCase } from '../../schemas/columns.ts';
import { DATASETS, type Dataset } from '../../schemas/envelope.ts';
import { datasetOf } from '../../schemas/registry.ts';
import { sqlIdentifier, sqlString } from '../lake/lake-views.ts';
import type { RollupValues } from './ground-truth-rollups.ts';

/** Which engine runs the recount: DuckDB over the local lake, or Athena (Trino) over the Glue views. */
export type SqlDialect = 'duckdb' | 'athena';

/** The rollup item's minute, formatted like its sort key: `2026-11-22T05:06Z` (Trino has no strftime; `%i` is minutes). */
export const MINUTE_SQL: Readonly<Record<SqlDialect, string>> = {
  duckdb: `strftime(date_trunc('minute', event_time), '%Y-%m-%dT%H:%MZ')`,
  athena: `date_format(date_trunc('minute', event_time), '%Y-%m-%dT%H:%iZ')`,
};

/** Event times `fromMs` (inclusive) to `toMs` (exclusive), whole hours (UTC). */
export interface EventTimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface RecountSqlOptions {
  /** @default 'duckdb' */
  readonly dialect?: SqlDialect;
  /** Only events of these hours; the whole lake when unset. */
  readonly range?: EventTimeRange;
}

const HOUR_MS = 3_600_000;

/** `TIMESTAMP '2026-12-01 05:00:00'`, a literal both engines read as UTC wall time. */
const timestampSql = (ms: number) =>
  `TIMESTAMP '${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}'`;

/** The `dt` and `hour` of the partition holding the hour starting at `ms`. */
const partitionOf = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return { dt: sqlString(iso.slice(0, 10)), hour: Number(iso.slice(11, 13)) };
};

/**
 * The range as a predicate: first the partition columns (`dt`, `hour`), so DuckDB reads only those
 * folders and Athena scans only those partitions, then event time itself.
 */
export const rangePredicateSql = ({ fromMs, toMs }: EventTimeRange): string => {
  if (!(fromMs % HOUR_MS === 0 && toMs % HOUR_MS === 0 && fromMs < toMs)) {
    throw new RangeError(`a recount range is whole hours, from before to (given ${fromMs} to ${toMs})`);
  }
  const first = partitionOf(fromMs);
  const last = partitionOf(toMs - HOUR_MS);
  const partitions =
    first.dt === last.dt
      ? `dt = ${first.dt} AND hour BETWEEN ${first.hour} AND ${last.hour}`
      : `(dt > ${first.dt} OR (dt = ${first.dt} AND hour >= ${first.hour})) AND ` +
        `(dt < ${last.dt} OR (dt = ${last.dt} AND hour <= ${last.hour})) AND dt BETWEEN ${first.dt} AND ${last.dt}`;
  return `${partitions} AND event_time >= ${timestampSql(fromMs)} AND event_time < ${timestampSql(toMs)}`;
};

/** Which datasets a rollup reads, and which of their schemas (undefined: every schema). */
const sourcesOf = (rollup: RollupDefinition): Map<Dataset, string[] | undefined> => {
  if (rollup.schemas.includes('*')) return new Map(DATASETS.map((d) => [d, undefined]));
  const sources = new Map<Dataset, string[]>();
  for (const schema of rollup.schemas) {
    const dataset = datasetOf(schema);
    if (!DATASETS.includes(dataset)) {
      throw new Error(`rollup ${rollup.name} counts ${schema}, whose dataset ${dataset} has no lake table`);
    }
    sources.set(dataset, [...(sources.get(dataset) ?? []), schema]);
  }
  return sources;
};

/** The event fields a rollup reads, as lake columns: dimensions first, then measured fields. */
const fieldsOf = (rollup: RollupDefinition): string[] => [
  ...new Set([
    ...rollup.dimensions,
    ...rollup.measures.flatMap((m) => (m.kind === 'count' ? [] : [m.field])),
  ]),
];

/** The rows of one dataset a rollup counts; a field the dataset lacks reads as NULL. */
const sourceSql = (
  rollup: RollupDefinition,
  dataset: Dataset,
  schemas: string[] | undefined,
  range: EventTimeRange | undefined,
): string => {
  const columns = new Set(datasetColumns(dataset).map((c) => c.name));
  const select = [
    'event_time',
    ...fieldsOf(rollup).map((field) => {
      const column = snakeCase(field);
      return columns.has(column) ? sqlIdentifier(column) : `NULL AS ${sqlIdentifier(column)}`;
    }),
  ];
  const conditions = [
    ...(schemas ? [`schema IN (${schemas.map(sqlString).join(', ')})`] : []),
    ...(range ? [rangePredicateSql(range)] : []),
  ];
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${select.join(', ')} FROM ${sqlIdentifier(dataset)}${where}`;
};

/**
 * The recount of one rollup over the lake, one row per rollup item: `pk` and `sk` built exactly as
 * the aggregator keys items (`<rollup>#<dimension values>`, event-time minute), then each measure
 * under its DynamoDB attribute name. Sums are DOUBLE, as the aggregator adds JSON numbers. The same
 * declaration gives the text for DuckDB and for Athena, over the whole lake or a range of hours.
 */
export const rollupRecountSql = (rollup: RollupDefinition, options: RecountSqlOptions = {}): string => {
  const { dialect = 'duckdb', range } = options;
  const pk = [
    sqlString(rollup.name),
    ...rollup.dimensions.map((d) => `CAST(${sqlIdentifier(snakeCase(d))} AS VARCHAR)`),
  ].join(` || '#' || `);
  const measures = rollup.measures.map((measure) => {
    const name = sqlIdentifier(measureAttribute(measure));
    if (measure.kind === 'count') return `count(*) AS ${name}`;
    return `CAST(${measure.kind}(${sqlIdentifier(snakeCase(measure.field))}) AS DOUBLE) AS ${name}`;
  });
  // Each dimension's value too, under its item attribute name: an item written from the recount carries them.
  const dimensions = rollup.dimensions.map(
    (d) => `CAST(${sqlIdentifier(snakeCase(d))} AS VARCHAR) AS ${sqlIdentifier(d)}`,
  );
  const sources = [...sourcesOf(rollup)].map(([dataset, schemas]) =>
    sourceSql(rollup, dataset, schemas, range),
  );
  const groups = Array.from({ length: 2 + dimensions.length }, (_, i) => i + 1);
  return [
    `SELECT ${[`${pk} AS pk`, `${MINUTE_SQL[dialect]} AS sk`, ...dimensions, ...measures].join(', ')}`,
    `FROM (${sources.join(' UNION ALL ')}) AS events`,
    `GROUP BY ${groups.join(', ')}`,
  ].join('\n');
};

/** One recounted row's measures, by attribute name: the ones its rollup declares and the engine returned. */
export const recountedValues = (rollup: RollupDefinition, row: Record<string, unknown>): RollupValues => {
  const values: RollupValues = {};
  for (const measure of rollup.measures) {
    const value = row[measureAttribute(measure)];
    if (value !== null && value !== undefined && value !== '')
      values[measureAttribute(measure)] = Number(value);
  }
  return values;
};

/** Every rollup recounted over the lake: `<pk> <sk>` → measures, keyed like the rollups table scan. */
export const lakeRollups = async (
  lakeSql: (sql: string) => Promise<Record<string, unknown>[]>,
  rollups: readonly RollupDefinition[] = ROLLUPS,
): Promise<Map<string, RollupValues>> => {
  const items = new Map<string, RollupValues>();
  for (const rollup of rollups) {
    for (const row of await lakeSql(rollupRecountSql(rollup))) {
      items.set(`${row.pk} ${row.sk}`, recountedValues(rollup, row));
    }
  }
  return items;
};
