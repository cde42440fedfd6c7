import { parquetMetadataAsync } from 'hyparquet';
import type { EventTimePiece } from './event-time-slices.ts';
import type { ListedLakeFile } from './lake-files.ts';
import type { LakeObjects } from './lake-objects.ts';

/** Bytes read from a file's end in the first request: the footer of a lake file is ≈ 5 KB. */
const FOOTER_FETCH_BYTES = 64 * 1024;

const HOUR_MS = 3_600_000;

/** Event times as epoch ms, whatever unit the writer stored (the archive: ms; DuckDB: µs). */
const TIMESTAMP_PARSERS = {
  timestampFromMilliseconds: (value: bigint) => Number(value),
  timestampFromMicroseconds: (value: bigint) => Math.floor(Number(value) / 1000),
  timestampFromNanoseconds: (value: bigint) => Math.floor(Number(value) / 1_000_000),
};

/**
 * The row groups of one lake file with their event-time range, from the footer's row-group statistics alone
 * (one or two ranged GETs, never the data). A row group without statistics is taken to span the whole hour
 * of its partition (`hourStartMs`), which is only slower: its rows are filtered by time like any other.
 */
export const rowGroupRanges = async (
  objects: LakeObjects,
  file: ListedLakeFile,
  hourStartMs: number,
): Promise<EventTimePiece[]> => {
  const metadata = await parquetMetadataAsync(
    {
      byteLength: file.bytes,
      slice: async (start, end) => {
        const bytes = await objects.get(file.key, { start, end: end ?? file.bytes });
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      },
    },
    { parsers: TIMESTAMP_PARSERS, initialFetchSize: FOOTER_FETCH_BYTES },
  );
  return metadata.row_groups.map((rowGroup, index) => {
    const eventTime = rowGroup.columns.find((c) => c.meta_data?.path_in_schema.join('.') === 'event_time');
    const stats = eventTime?.meta_data?.statistics;
    const min = stats?.min_value ?? stats?.min;
    const max = stats?.max_value ?? stats?.max;
    const bytes = rowGroup.columns.reduce(
      (sum, c) => sum + Number(c.meta_data?.total_compressed_size ?? 0),
      0,
    );
    const known = typeof min === 'number' && typeof max === 'number';
    return {
      key: file.key,
      rowGroup: index,
      minMs: known ? min : hourStartMs,
      maxMs: known ? max : hourStartMs + HOUR_MS - 1,
      bytes,
    };
  });
};
