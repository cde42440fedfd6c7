import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type Column, datasetColumns } from '../../../schemas/columns.ts';
import type { Dataset } from '../../../schemas/envelope.ts';
import { datasetOf } from '../../../schemas/registry.ts';
import type { StreamlakeEvent } from '../../../schemas/validate.ts';
import { type CloudState, objectFolder, S3RVER_OBJECT_SUFFIX } from '../cloud-state.ts';
import { LAKE_PREFIX, sqlIdentifier, sqlString } from './lake-views.ts';

const TYPES: Record<Column['kind'], string> = {
  timestamp: 'TIMESTAMP',
  int32: 'INTEGER',
  int64: 'BIGINT',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  string: 'VARCHAR',
  json: 'VARCHAR',
};

const literal = (column: Column, value: unknown): string => {
  if (value === undefined || value === null) return `CAST(NULL AS ${TYPES[column.kind]})`;
  if (column.kind === 'timestamp')
    return `TIMESTAMP ${sqlString(String(value).replace('T', ' ').replace('Z', ''))}`;
  if (column.kind === 'json') return sqlString(JSON.stringify(value));
  if (typeof value === 'string') return sqlString(value);
  return `CAST(${String(value)} AS ${TYPES[column.kind]})`;
};

/** `lake/<dataset>/dt=YYYY-MM-DD/hour=HH/` of an event, by its event time (UTC). */
export const partitionPrefix = (event: StreamlakeEvent): string => {
  const iso = new Date(Date.parse(event.eventTime)).toISOString();
  return `${LAKE_PREFIX}${datasetOf(event.schema)}/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`;
};

/**
 * Writes events into s3rver's folder as the archive stage lays them out — one Parquet object per
 * partition, named `<fileStem>.parquet`, columns from schemas/columns.ts — without running the
 * archive stage. For tests and for seeding a lake to try queries on. Returns the keys written.
 */
export const writeLakeObjects = async (
  state: Pick<CloudState, 's3Directory' | 'lakeBucket'>,
  events: readonly StreamlakeEvent[],
  fileStem: string,
): Promise<string[]> => {
  const byPartition = new Map<string, StreamlakeEvent[]>();
  for (const event of events) {
    const prefix = partitionPrefix(event);
    byPartition.set(prefix, [...(byPartition.get(prefix) ?? []), event]);
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const keys: string[] = [];
    for (const [prefix, group] of byPartition) {
      const dataset = datasetOf(group[0]?.schema ?? '') as Dataset;
      const columns = datasetColumns(dataset);
      const rows = group.map((event) => {
        const fields = event as unknown as Record<string, unknown>;
        return `(${columns.map((c) => literal(c, fields[c.field])).join(', ')})`;
      });
      const key = `${prefix}${fileStem}.parquet`;
      const file = `${objectFolder(state, key)}${S3RVER_OBJECT_SUFFIX}`;
      mkdirSync(dirname(file), { recursive: true });
      const names = columns.map((c) => sqlIdentifier(c.name)).join(', ');
      await connection.run(
        `COPY (SELECT * FROM (VALUES ${rows.join(', ')}) AS events(${names})) TO ${sqlString(file)} (FORMAT PARQUET)`,
      );
      keys.push(key);
    }
    return keys;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
