import { measureAttribute, ROLLUPS, type RollupDefinition } from '../../processors/rollups/rollups.ts';
import { datasetColumns, snakeCase } from '../../schemas/columns.ts';
import { DATASETS, type Dataset } from '../../schemas/envelope.ts';
import { datasetOf } from '../../schemas/registry.ts';
import { sqlIdentifier, sqlString } from '../lake/lake-views.ts';
import type { RollupValues } from './ground-truth-rollups.ts';

/** The rollup item's minute, formatted like its sort key: `2026-11-22T05:06Z`. */
export const MINUTE_SQL = `strftime(date_trunc('minute', event_time), '%Y-%m-%dT%H:%MZ')`;

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
const sourceSql = (rollup: RollupDefinition, dataset: Dataset, schemas: string[] | undefined): string => {
  const columns = new Set(datasetColumns(dataset).map((c) => c.name));
  const select = [
    'event_time',
    ...fieldsOf(rollup).map((field) => {
      const column = snakeCase(field);
      return columns.has(column) ? sqlIdentifier(column) : `NULL AS ${sqlIdentifier(column)}`;
    }),
  ];
  const where = schemas ? ` WHERE schema IN (${schemas.map(sqlString).join(', ')})` : '';
  return `SELECT ${select.join(', ')} FROM ${sqlIdentifier(dataset)}${where}`;
};

/**
 * The recount of one rollup over the lake, one row per rollup item: `pk` and `sk` built exactly as
 * the aggregator keys items (`<rollup>#<dimension values>`, event-time minute), then each measure
 * under its DynamoDB attribute name. Sums are DOUBLE, as the aggregator adds JSON numbers.
 */
export const rollupRecountSql = (rollup: RollupDefinition): string => {
  const pk = [
    sqlString(rollup.name),
    ...rollup.dimensions.map((d) => `CAST(${sqlIdentifier(snakeCase(d))} AS VARCHAR)`),
  ].join(` || '#' || `);
  const measures = rollup.measures.map((measure) => {
    const name = sqlIdentifier(measureAttribute(measure));
    if (measure.kind === 'count') return `count(*) AS ${name}`;
    return `CAST(${measure.kind}(${sqlIdentifier(snakeCase(measure.field))}) AS DOUBLE) AS ${name}`;
  });
  const sources = [...sourcesOf(rollup)].map(([dataset, schemas]) => sourceSql(rollup, dataset, schemas));
  return [
    `SELECT ${pk} AS pk, ${MINUTE_SQL} AS sk, ${measures.join(', ')}`,
    `FROM (${sources.join(' UNION ALL ')}) AS events`,
    'GROUP BY 1, 2',
  ].join('\n');
};

/** Every rollup recounted over the lake: `<pk> <sk>` → measures, keyed like the rollups table scan. */
export const lakeRollups = async (
  lakeSql: (sql: string) => Promise<Record<string, unknown>[]>,
  rollups: readonly RollupDefinition[] = ROLLUPS,
): Promise<Map<string, RollupValues>> => {
  const items = new Map<string, RollupValues>();
  for (const rollup of rollups) {
    for (const row of await lakeSql(rollupRecountSql(rollup))) {
      const values: RollupValues = {};
      for (const measure of rollup.measures) {
        const value = row[measureAttribute(measure)];
        if (value !== null && value !== undefined) values[measureAttribute(measure)] = Number(value);
      }
      items.set(`${row.pk} ${row.sk}`, values);
    }
  }
  return items;
};
