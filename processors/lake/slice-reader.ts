import { type Table, tableFromIPC, type Vector } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { type Column, type Dataset, datasetColumns } from '../../schemas/index.ts';
import type { EventTimeSlice } from './event-time-slices.ts';

/** The rows of one slice, as events the archive's encoder takes, in the order they are written. */
export interface SliceRows {
  readonly events: object[];
  /** Rows of the slice's time range read from the inputs, duplicates included. */
  readonly rowsRead: number;
  /** Later copies of an event_id already in the slice, left out. */
  readonly duplicates: number;
}

interface Row {
  readonly event: Record<string, unknown>;
  readonly eventId: string;
  readonly timeMs: number;
  readonly key: string;
  readonly index: number;
}

/** A value as read from Parquet → the value of the event field the archive's encoder takes. */
const fieldValue = (column: Column, value: unknown): unknown => {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return Number(value);
  if (column.kind === 'json' && typeof value === 'string') return JSON.parse(value);
  return value;
};

/** The rows of `table` whose event time lies in [startMs, endMs), as events (columns the file lacks are absent). */
const rowsIn = (
  table: Table,
  columns: readonly Column[],
  slice: EventTimeSlice,
  key: string,
  rows: Row[],
) => {
  const vectors = columns
    .map((column) => ({ column, vector: table.getChild(column.name) as Vector | null }))
    .filter((c): c is { column: Column; vector: Vector } => c.vector !== null);
  const times = table.getChild('event_time');
  const ids = table.getChild('event_id');
  if (!times || !ids) throw new Error(`lake file ${key} has no event_time or event_id column`);
  for (let i = 0; i < table.numRows; i++) {
    const timeMs = times.get(i) as number;
    if (!(timeMs >= slice.startMs && timeMs < slice.endMs)) continue;
    const event: Record<string, unknown> = {};
    for (const { column, vector } of vectors) {
      const value = fieldValue(column, vector.get(i));
      if (value === undefined) continue;
      if (column.subfield === undefined) event[column.field] = value;
      else {
        const parent = (event[column.field] ?? {}) as Record<string, unknown>;
        parent[column.subfield] = value;
        event[column.field] = parent;
      }
    }
    rows.push({ event, eventId: String(ids.get(i)), timeMs, key, index: i });
  }
};

/** By event time, then the file's key, then the row's place in it: the first copy of an event comes first. */
const byTimeKeyRow = (a: Row, b: Row) =>
  a.timeMs - b.timeMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.index - b.index;

/**
 * Reads one slice of a partition: the overlapping row groups of each input (only those), the rows whose event
 * time falls in the slice, unified to the dataset's columns (older files lack newer nullable columns), sorted
 * by event time, and with producer duplicates (the same event_id) kept once: the first by event time, then key.
 * A duplicate has the same event time as its original, so both always fall into the same slice.
 */
export const readSlice = async (
  dataset: Dataset,
  slice: EventTimeSlice,
  bytesOf: (key: string) => Promise<Uint8Array>,
): Promise<SliceRows> => {
  const columns = datasetColumns(dataset);
  const groups = new Map<string, number[]>();
  for (const piece of slice.pieces) groups.set(piece.key, [...(groups.get(piece.key) ?? []), piece.rowGroup]);
  const rows: Row[] = [];
  for (const [key, rowGroups] of groups) {
    const bytes = await bytesOf(key);
    // readParquet's table lives in WebAssembly memory; intoIPCStream moves it out and frees it.
    const table = tableFromIPC(parquet.readParquet(bytes, { rowGroups }).intoIPCStream());
    rowsIn(table, columns, slice, key, rows);
  }
  rows.sort(byTimeKeyRow);
  const seen = new Set<string>();
  const events: object[] = [];
  for (const row of rows) {
    if (seen.has(row.eventId)) continue;
    seen.add(row.eventId);
    events.push(row.event);
  }
  return { events, rowsRead: rows.length, duplicates: rows.length - events.length };
};
