import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
} from '@duckdb/node-api';
import { DUCKDB_TYPES, sqlIdentifier, sqlString } from '../../commands/lake/lake-views.ts';
import {
  type Column,
  columnValue,
  type Dataset,
  datasetColumns,
  parseUtcMillis,
  type StreamlakeEvent,
} from '../../schemas/index.ts';

/** The archive's row-group size, so DuckDB's files are cut where ours are. */
const ROW_GROUP_SIZE = 65_536;

/** One dataset's events, as the benchmark groups them for every writer. */
export interface DatasetEvents {
  readonly dataset: Dataset;
  readonly events: readonly StreamlakeEvent[];
}

const appendValue = (appender: DuckDBAppender, column: Column, value: unknown): void => {
  if (value === undefined || value === null) {
    appender.appendNull();
    return;
  }
  switch (column.kind) {
    case 'timestamp':
      appender.appendTimestamp(new DuckDBTimestampValue(BigInt(parseUtcMillis(String(value))) * 1000n));
      break;
    case 'int32':
      appender.appendInteger(value as number);
      break;
    case 'int64':
      appender.appendBigInt(BigInt(value as number));
      break;
    case 'double':
      appender.appendDouble(value as number);
      break;
    case 'bool':
      appender.appendBoolean(value as boolean);
      break;
    case 'string':
      appender.appendVarchar(value as string);
      break;
    case 'json':
      appender.appendVarchar(JSON.stringify(value));
      break;
  }
};

/**
 * DuckDB's own Parquet writer on the benchmark's rows: `COPY (SELECT * FROM <dataset>) TO … (FORMAT parquet,
 * COMPRESSION zstd)`, one file per dataset like the archive's, one thread (a Lambda function's vCPU, and
 * our encoder's one thread), the lake's column types (commands/lake/lake-views.ts). Files go to a temporary
 * folder on disk; their sizes are the bytes.
 */
export class DuckdbParquet {
  private files = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly folder: string,
  ) {}

  static async open(): Promise<DuckdbParquet> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    return new DuckdbParquet(instance, connection, mkdtempSync(join(tmpdir(), 'streamlake-duckdb-parquet-')));
  }

  /** Creates table `<dataset>` and fills it from JS rows through DuckDB's appender. */
  async load(groups: readonly DatasetEvents[]): Promise<void> {
    for (const { dataset, events } of groups) {
      const columns = datasetColumns(dataset);
      const table = sqlIdentifier(dataset);
      const declared = columns.map((c) => `${sqlIdentifier(c.name)} ${DUCKDB_TYPES[c.kind]}`).join(', ');
      await this.connection.run(`CREATE OR REPLACE TABLE ${table} (${declared})`);
      const appender = await this.connection.createAppender(dataset);
      for (const event of events) {
        for (const column of columns) appendValue(appender, column, columnValue(column, event));
        appender.endRow();
      }
      appender.closeSync();
    }
  }

  /** Writes each loaded dataset's table to its own Parquet file; returns the files' total bytes. */
  async copy(groups: readonly DatasetEvents[]): Promise<number> {
    let bytes = 0;
    for (const { dataset } of groups) {
      const file = join(this.folder, `${dataset}-${this.files++}.parquet`);
      await this.connection.run(
        `COPY (SELECT * FROM ${sqlIdentifier(dataset)}) TO ${sqlString(file)} ` +
          `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
      );
      bytes += statSync(file).size;
      rmSync(file);
    }
    return bytes;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    rmSync(this.folder, { recursive: true, force: true });
  }
}
