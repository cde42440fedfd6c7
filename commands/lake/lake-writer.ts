import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type CloudState, objectFolder, S3RVER_OBJECT_SUFFIX } from '../../infra/local/cloud-state.ts';
import { type LakePartition, partitionBatch } from '../../processors/archive/partition.ts';
import { type Column, columnValue, datasetColumns } from '../../schemas/columns.ts';
import type { StreamlakeEvent } from '../../schemas/validate.ts';
import { DUCKDB_TYPES, LAKE_PREFIX, sqlIdentifier, sqlString } from './lake-views.ts';

const literal = (column: Column, value: unknown): string => {
  if (value === undefined || value === null) return `CAST(NULL AS ${DUCKDB_TYPES[column.kind]})`;
  if (column.kind === 'timestamp')
    return `TIMESTAMP ${sqlString(String(value).replace('T', ' ').replace('Z', ''))}`;
  if (column.kind === 'json') return sqlString(JSON.stringify(value));
  if (typeof value === 'string') return sqlString(value);
  return `CAST(${String(value)} AS ${DUCKDB_TYPES[column.kind]})`;
};

/**
 * The events grouped as the archive groups a batch: by dataset and event-time hour. They carry no
 * sequence numbers of their own (the caller's file stem names the range), so their order stands in.
 */
const partitionsOf = (events: readonly StreamlakeEvent[]): LakePartition[] =>
  partitionBatch(
    events.map((event, i) => ({
      event,
      eventTimeMs: Date.parse(event.eventTime),
      sequenceNumber: String(i),
    })),
  );

/** `COPY … TO` of one partition's events as a Parquet file with the dataset's columns. */
const copySql = (group: LakePartition, file: string): string => {
  const columns = datasetColumns(group.dataset);
  const rows = group.records.map(
    ({ event }) => `(${columns.map((c) => literal(c, columnValue(c, event))).join(', ')})`,
  );
  const names = columns.map((c) => sqlIdentifier(c.name)).join(', ');
  return `COPY (SELECT * FROM (VALUES ${rows.join(', ')}) AS events(${names})) TO ${sqlString(file)} (FORMAT PARQUET)`;
};

/**
 * Writes events into s3rver's folder as the archive stage lays them out — one Parquet object per
 * partition, `lake/<dataset>/dt=…/hour=…/<fileStem>.parquet`, columns from schemas/columns.ts — without
 * running the archive stage. For tests and for seeding a lake to try queries on. Returns the keys written.
 */
export const writeLakeObjects = async (
  state: Pick<CloudState, 's3Directory' | 'lakeBucket'>,
  events: readonly StreamlakeEvent[],
  fileStem: string,
): Promise<string[]> => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const keys: string[] = [];
    for (const group of partitionsOf(events)) {
      const key = `${LAKE_PREFIX}${group.dataset}/${group.partition}/${fileStem}.parquet`;
      const file = `${objectFolder(state, key)}${S3RVER_OBJECT_SUFFIX}`;
      mkdirSync(dirname(file), { recursive: true });
      await connection.run(copySql(group, file));
      keys.push(key);
    }
    return keys;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
