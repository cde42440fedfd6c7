import { tableToIPC } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { type Dataset, datasetColumns } from '../../schemas/index.ts';
import { toArrowBatch } from './arrow-table.ts';

/**
 * Rows per Parquet row group. A Lambda batch holds at most 10,000 records, so a file is normally one
 * row group; the cap bounds the writer's memory if a caller passes more in one file.
 */
export const ROW_GROUP_SIZE = 65_536;

/**
 * Above this share of distinct values a string column is written without a dictionary: for ids
 * (event_id) a dictionary repeats every value once and adds an index per row on top.
 */
export const DICTIONARY_MAX_DISTINCT_SHARE = 0.5;

/**
 * How every lake file is encoded (the archive's files and compaction's parts alike): ZSTD, dictionaries for
 * repetitive strings, DELTA_BINARY_PACKED event times, row-group statistics. `createdBy` names the writer.
 */
export const writerProperties = (
  dataset: Dataset,
  distinctShare: ReadonlyMap<string, number>,
  createdBy = 'streamlake archive (apache-arrow + parquet-wasm)',
) => {
  let builder = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.ZSTD)
    .setDictionaryEnabled(true)
    .setMaxRowGroupSize(ROW_GROUP_SIZE)
    // Row-group min/max (event_time above all) is what Athena and DuckDB prune files with; page-level
    // statistics would cost about a fifth of the write time for a file that is one row group anyway.
    .setStatisticsEnabled(parquet.EnabledStatistics.Chunk)
    .setCreatedBy(createdBy);
  for (const column of datasetColumns(dataset)) {
    if (column.kind === 'timestamp') {
      // Event times within a file are nearly sorted: deltas pack into a few bits per row.
      builder = builder
        .setColumnDictionaryEnabled(column.name, false)
        .setColumnEncoding(column.name, parquet.Encoding.DELTA_BINARY_PACKED);
    } else if ((distinctShare.get(column.name) ?? 0) > DICTIONARY_MAX_DISTINCT_SHARE) {
      builder = builder.setColumnDictionaryEnabled(column.name, false);
    }
  }
  return builder.build();
};

/**
 * Events of one dataset → the bytes of one Parquet file: the dataset's typed columns
 * (schemas/columns.ts), absent optional fields as nulls, rows in the order given, ZSTD pages,
 * dictionary encoding for repetitive strings, delta encoding for event_time.
 */
export const encodeParquet = (dataset: Dataset, events: readonly object[]): Uint8Array => {
  const { table, distinctShare } = toArrowBatch(dataset, events);
  const wasmTable = parquet.Table.fromIPCStream(tableToIPC(table, 'stream'));
  // Both the table and the properties move into WebAssembly memory; writeParquet frees them.
  return parquet.writeParquet(wasmTable, writerProperties(dataset, distinctShare));
};
