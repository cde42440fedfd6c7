/**
 * The lake's visibility rule (D31, `processors/lake/lake-files.ts` `lakeSnapshot`) as SQL that runs unchanged on
 * Athena (Trino) and DuckDB. Per (dt, hour): G* = the newest complete compaction generation; visible are G*'s
 * parts and the stream files whose Last-Modified, cut to the second, is after G*; every stream file where the
 * hour has no complete generation. Incomplete generations and foreign names are never visible.
 *
 * Only functions both engines share, with the same meaning: `regexp_extract` (DuckDB returns '' where Trino
 * returns NULL on no match, hence NULLIF), `TRY_CAST`, `floor`, `count(DISTINCT …)`.
 */

/** `compacted-<13-digit ms>-<part>-of-<parts>.parquet` (lake-files.ts COMPACTED). */
const COMPACTED = String.raw`^compacted-([0-9]{13})-([0-9]+)-of-([0-9]+)\.parquet$`;
/** `<shard>-<first>-<last>.parquet` (lake-files.ts STREAM); a compacted name never matches it (`-of-`). */
const STREAM = String.raw`^(.+)-([0-9]+)-([0-9]+)\.parquet$`;

const extracted = (column: string, pattern: string, group: number) =>
  `NULLIF(regexp_extract(${column}, '${pattern}', ${group}), '')`;

/** The number in a group of the compacted pattern; NULL for any other name (or beyond BIGINT). */
const compactedNumber = (group: number) => `TRY_CAST(${extracted('name', COMPACTED, group)} AS BIGINT)`;

/**
 * The rule as common table expressions over `listing`, a query with one row per object of one dataset:
 * `path` (varchar), `dt` (varchar), `hour` (integer), `modified_seconds` (epoch seconds, any precision). Defines
 * `visible_files (path, dt, hour)`; prefix it with WITH and select from it, or from a join with it.
 */
export const visibleFilesCtes = (listing: string): string =>
  [
    `lake_listing AS (${listing})`,
    `named_files AS (SELECT path, dt, hour, CAST(floor(modified_seconds) AS BIGINT) * 1000 AS modified_ms, ` +
      `${extracted('path', '[^/]+$', 0)} AS name FROM lake_listing)`,
    `lake_files AS (SELECT path, dt, hour, modified_ms, ` +
      `${extracted('name', STREAM, 0)} IS NOT NULL AS is_stream, ` +
      `${compactedNumber(1)} AS generation_ms, ${compactedNumber(2)} AS part, ${compactedNumber(3)} AS parts ` +
      'FROM named_files)',
    // Complete: parts 1..n all there, every part agreeing on n (a part outside 1..n is foreign, as in lake-files.ts).
    'complete_generations AS (SELECT dt, hour, generation_ms FROM lake_files ' +
      'WHERE generation_ms IS NOT NULL AND part BETWEEN 1 AND parts GROUP BY dt, hour, generation_ms ' +
      'HAVING count(DISTINCT parts) = 1 AND count(DISTINCT part) = max(parts))',
    'newest_generations AS (SELECT dt, hour, max(generation_ms) AS generation_ms ' +
      'FROM complete_generations GROUP BY dt, hour)',
    'visible_files AS (SELECT f.path, f.dt, f.hour FROM lake_files f LEFT JOIN newest_generations g ' +
      'ON f.dt = g.dt AND f.hour = g.hour WHERE ' +
      '(f.is_stream AND (g.generation_ms IS NULL OR f.modified_ms > g.generation_ms)) OR ' +
      '(f.generation_ms = g.generation_ms AND f.part BETWEEN 1 AND f.parts))',
  ].join(',\n');

/**
 * Athena's listing of a Glue table's objects, from its hidden columns (engine version 3): `"$path"` and
 * `"$file_modified_time"` (S3's Last-Modified). It reads no data column.
 */
export const athenaListingSql = (table: string): string =>
  'SELECT DISTINCT "$path" AS path, dt, hour, to_unixtime("$file_modified_time") AS modified_seconds ' +
  `FROM ${table}`;

export interface LakeViewSqlOptions {
  /** The base relation: every object's rows, with the data columns, `"$path"`, `dt` and `hour`. */
  readonly base: string;
  /** The objects of the base relation, as `visibleFilesCtes` takes them. */
  readonly listing: string;
  /** The data columns, in order; the view adds `"$path"`, `dt` and `hour` after them. */
  readonly columns: readonly string[];
}

/** Athena's hidden column naming each row's object; the views expose it as a plain column, as the local ones do. */
export const PATH_COLUMN = '$path';

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * A dataset's view: the base relation's rows from visible files only. The join on `dt` and `hour` as well as
 * the path lets a `dt`/`hour` predicate on the view reach both scans of the base (Trino infers it across
 * equi-join keys), so the listing pass reads only the partitions the query asks for.
 */
export const lakeViewSql = ({ base, listing, columns }: LakeViewSqlOptions): string => {
  const select = [...columns, PATH_COLUMN, 'dt', 'hour'].map((c) => `lake_rows.${quoted(c)}`).join(', ');
  return [
    `WITH ${visibleFilesCtes(listing)}`,
    `SELECT ${select}`,
    `FROM ${base} lake_rows`,
    'JOIN visible_files v ON lake_rows.dt = v.dt AND lake_rows.hour = v.hour AND lake_rows."$path" = v.path',
  ].join('\n');
};
