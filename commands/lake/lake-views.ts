import { type DuckDBConnection, DuckDBInstance, type DuckDBResultReader } from '@duckdb/node-api';
import { type CloudState, objectFolder, S3RVER_OBJECT_SUFFIX } from '../../infra/local/cloud-state.ts';
import { DEFAULT_LAKE_PREFIX } from '../../processors/shared/lake-layout.ts';
import { type ColumnKind, datasetColumns } from '../../schemas/columns.ts';
import { DATASETS, type Dataset } from '../../schemas/envelope.ts';
import { localLakeSnapshot, localObjectPath } from './lake-listing.ts';

/** Key prefix of the archive's Parquet files in the lake bucket: `lake/<dataset>/dt=…/hour=…/`. */
export const LAKE_PREFIX = DEFAULT_LAKE_PREFIX;

/** DuckDB types matching the Glue column types of schemas/columns.ts. */
export const DUCKDB_TYPES: Record<ColumnKind, string> = {
  timestamp: 'TIMESTAMP',
  int32: 'INTEGER',
  int64: 'BIGINT',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  string: 'VARCHAR',
  json: 'VARCHAR',
};

/**
 * Partition columns typed as the Glue tables declare them: `dt` a string (`'2026-11-22'`), `hour` an int
 * (0–23, two digits in the key), so `WHERE dt = '2026-11-22' AND hour = 5` runs unchanged on Athena.
 */
const PARTITIONS = [
  { name: 'dt', type: 'VARCHAR' },
  { name: 'hour', type: 'INTEGER' },
] as const;

/** Athena exposes each row's object as the hidden column `"$path"`; the views expose it as a plain column. */
export const PATH_COLUMN = '$path';

export const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;
export const sqlIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The glob of a dataset's Parquet objects in s3rver's folder. */
export const datasetGlob = (state: Pick<CloudState, 's3Directory' | 'lakeBucket'>, dataset: Dataset) =>
  `${objectFolder(state, `${LAKE_PREFIX}${dataset}/`)}*/*/*.parquet${S3RVER_OBJECT_SUFFIX}`;

/**
 * read_parquet over a glob or an explicit list of files, with `dt`/`hour` from the path (so a `dt` predicate
 * prunes files).
 */
export const parquetSource = (files: string | readonly string[]) =>
  `read_parquet(${typeof files === 'string' ? sqlString(files) : `[${files.map(sqlString).join(', ')}]`}, ` +
  'hive_partitioning = true, union_by_name = true, filename = true, ' +
  `hive_types = {${PARTITIONS.map((p) => `${sqlString(p.name)}: ${p.type}`).join(', ')}})`;

/**
 * The view of one dataset, named like its Glue table. Every column of the dataset's contracts is there
 * even when no file has it yet (older files, or no files at all), so saved queries always bind.
 * `present` lists the columns the files have; undefined means there are no files.
 */
export const datasetViewSql = (
  dataset: Dataset,
  files: string | readonly string[],
  present?: readonly string[],
): string => {
  const columns = datasetColumns(dataset);
  const typed = (name: string, type: string) => `CAST(NULL AS ${type}) AS ${sqlIdentifier(name)}`;
  if (!present) {
    const all = [
      ...columns.map((c) => typed(c.name, DUCKDB_TYPES[c.kind])),
      typed(PATH_COLUMN, 'VARCHAR'),
      ...PARTITIONS.map((p) => typed(p.name, p.type)),
    ];
    return `CREATE OR REPLACE VIEW ${sqlIdentifier(dataset)} AS SELECT ${all.join(', ')} WHERE false`;
  }
  const missing = columns.filter((c) => !present.includes(c.name));
  const select = [
    '* EXCLUDE (filename)',
    ...missing.map((c) => typed(c.name, DUCKDB_TYPES[c.kind])),
    `filename AS ${sqlIdentifier(PATH_COLUMN)}`,
  ];
  return `CREATE OR REPLACE VIEW ${sqlIdentifier(dataset)} AS SELECT ${select.join(', ')} FROM ${parquetSource(files)}`;
};

export interface LakeView {
  readonly name: Dataset;
  /** Files the view reads: per hour, the newest complete compaction and the stream files written after it. */
  readonly files: number;
}

export interface QueryResult {
  readonly columns: string[];
  /** JSON-friendly values: numbers, strings (timestamps, big integers), booleans, null. */
  readonly rows: unknown[][];
}

/** An in-memory DuckDB with one view per dataset over the local lake's Parquet files. */
export class Lake {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly views: readonly LakeView[],
  ) {}

  /**
   * Opens the local lake: one view per dataset over the files a query reads now (D31: per hour, the newest
   * complete compaction generation and the stream files written after it; every stream file where an hour was
   * never compacted), listed once here, as Athena lists once when it plans a query.
   */
  static async open(state: Pick<CloudState, 's3Directory' | 'lakeBucket'>): Promise<Lake> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const snapshot = localLakeSnapshot(state);
    const views: LakeView[] = [];
    for (const dataset of DATASETS) {
      const partitions = snapshot.filter((p) => p.dataset === dataset);
      const files = partitions.flatMap((p) => p.visible.map((f) => localObjectPath(state, f.key)));
      let present: string[] | undefined;
      if (files.length > 0) {
        const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${parquetSource(files)}`);
        present = described.getRowObjectsJS().map((row) => String(row.column_name));
      }
      await connection.run(datasetViewSql(dataset, files, present));
      views.push({ name: dataset, files: files.length });
    }
    return new Lake(instance, connection, views);
  }

  /** Runs one or more statements; the result of each that returns rows, in order. */
  async query(sql: string): Promise<QueryResult[]> {
    const statements = await this.connection.extractStatements(sql);
    const results: QueryResult[] = [];
    for (let i = 0; i < statements.count; i++) {
      const reader = await (await statements.prepare(i)).runAndReadAll();
      results.push(jsonResult(reader));
    }
    return results;
  }

  /** The rows of one query as objects, numbers as JS numbers (big integers converted). */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader
      .getRowObjectsJS()
      .map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : (v as unknown)]),
        ),
      );
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Numbers of every width as JS numbers (big ones as digits); everything else as DuckDB renders it in JSON. */
const jsonResult = (reader: DuckDBResultReader): QueryResult => {
  const js = reader.getRowsJS();
  return {
    columns: reader.columnNames(),
    rows: reader.getRowsJson().map((row, i) =>
      row.map((json, j) => {
        const value = js[i]?.[j];
        if (typeof value === 'number') return value;
        if (typeof value === 'bigint')
          return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
        return json;
      }),
    ),
  };
};
