import {
  type Bool,
  type Data,
  type DataType,
  type Dictionary,
  type Float64,
  type Int32,
  type Int64,
  makeData,
  makeVector,
  RecordBatch,
  Struct,
  Table,
  type TimestampMillisecond,
  Utf8,
} from 'apache-arrow';
import {
  arrowSchemaOf,
  type Column,
  type Dataset,
  datasetColumns,
  parseUtcMillis,
} from '../../schemas/index.ts';

const TWO_32 = 2 ** 32;

/**
 * One column being filled row by row into typed arrays. A single class (kind switch rather than one
 * class per kind) keeps the per-value call monomorphic.
 */
class ColumnBuilder {
  readonly validity: Uint8Array;
  valid = 0;
  /** int32 values, dictionary indices, or the two int32 halves of each int64/timestamp. */
  readonly ints: Int32Array;
  readonly int64s: BigInt64Array;
  readonly doubles: Float64Array;
  readonly positions = new Map<string, number>();
  readonly strings: string[] = [];

  constructor(
    readonly column: Column,
    readonly length: number,
  ) {
    this.validity = new Uint8Array((length + 7) >> 3);
    const wide = column.kind === 'timestamp' || column.kind === 'int64';
    this.int64s = new BigInt64Array(wide ? length : 0);
    this.ints = wide
      ? new Int32Array(this.int64s.buffer)
      : new Int32Array(column.kind === 'double' ? 0 : length);
    this.doubles = new Float64Array(column.kind === 'double' ? length : 0);
    if (column.kind === 'json') this.strings.length = length;
  }

  /** Stores one value; a value of the wrong type (never after validation) stays null. */
  add(i: number, value: unknown): void {
    switch (this.column.kind) {
      case 'string': {
        const text = typeof value === 'string' ? value : String(value);
        let position = this.positions.get(text);
        if (position === undefined) {
          position = this.strings.length;
          this.positions.set(text, position);
          this.strings.push(text);
        }
        this.ints[i] = position;
        break;
      }
      case 'timestamp':
      case 'int64': {
        const ms =
          typeof value === 'string' ? parseUtcMillis(value) : typeof value === 'number' ? value : NaN;
        if (!Number.isSafeInteger(ms)) return;
        this.ints[2 * i] = (ms % TWO_32) | 0;
        this.ints[2 * i + 1] = Math.floor(ms / TWO_32);
        break;
      }
      case 'int32':
        if (typeof value !== 'number') return;
        this.ints[i] = value;
        break;
      case 'double':
        if (typeof value !== 'number') return;
        this.doubles[i] = value;
        break;
      case 'bool':
        if (typeof value !== 'boolean') return;
        this.ints[i] = value ? 1 : 0;
        break;
      case 'json':
        this.strings[i] = JSON.stringify(value);
        break;
    }
    this.validity[i >> 3] = (this.validity[i >> 3] as number) | (1 << (i & 7));
    this.valid++;
  }

  /** The column as Arrow data of the schema's type. */
  build(type: DataType): Data {
    const { length } = this;
    const base = { length, nullCount: length - this.valid, nullBitmap: this.validity };
    switch (this.column.kind) {
      case 'string':
        return makeData({
          ...base,
          type: type as Dictionary<Utf8, Int32>,
          data: this.ints,
          dictionary: makeVector(utf8Data(this.strings)),
        });
      case 'timestamp':
        return makeData({ ...base, type: type as TimestampMillisecond, data: this.int64s });
      case 'int64':
        return makeData({ ...base, type: type as Int64, data: this.int64s });
      case 'int32':
        return makeData({ ...base, type: type as Int32, data: this.ints });
      case 'double':
        return makeData({ ...base, type: type as Float64, data: this.doubles });
      case 'bool': {
        const bits = new Uint8Array((length + 7) >> 3);
        for (let i = 0; i < length; i++)
          if (this.ints[i]) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
        return makeData({ ...base, type: type as Bool, data: bits });
      }
      case 'json': {
        const strings = Array.from(this.strings, (s) => s ?? '');
        const data = utf8Data(strings);
        return makeData({ ...base, type: type as Utf8, valueOffsets: data.valueOffsets, data: data.values });
      }
    }
  }

  /** Distinct values over non-null values: near 1 for ids, where a dictionary only costs. */
  get distinctShare(): number {
    return this.column.kind === 'string' && this.valid > 0 ? this.strings.length / this.valid : 0;
  }
}

/** UTF-8 bytes and offsets of many strings, encoded in one call (a second pass only for non-ASCII). */
const utf8Data = (strings: readonly string[]): Data<Utf8> => {
  const joined = strings.join('');
  const bytes = Buffer.from(joined, 'utf8');
  const ascii = bytes.length === joined.length;
  const offsets = new Int32Array(strings.length + 1);
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i] as string;
    offsets[i + 1] = (offsets[i] as number) + (ascii ? s.length : Buffer.byteLength(s, 'utf8'));
  }
  return makeData({ type: new Utf8(), length: strings.length, valueOffsets: offsets, data: bytes });
};

export interface ArrowBatch {
  readonly table: Table;
  /** Per column name, distinct values over non-null values (string columns; 0 for others). */
  readonly distinctShare: ReadonlyMap<string, number>;
}

type Builders = Record<string, ColumnBuilder>;

/** Adds the properties of a field stored as one column per property (the edge context) to their columns. */
const addProperties = (builders: Builders, i: number, value: unknown): void => {
  if (typeof value !== 'object' || value === null) return;
  const properties = value as Record<string, unknown>;
  for (const key in properties) {
    const property = properties[key];
    if (property !== undefined && property !== null) builders[key]?.add(i, property);
  }
};

/**
 * Events of one dataset → an Arrow table with the dataset's columns, filled column-wise in one pass
 * over each event's own fields (looking up absent fields one by one costs more than all the rest).
 * Fields the dataset has no column for cannot occur: contracts are closed. Absent fields are nulls.
 */
export const toArrowBatch = (dataset: Dataset, events: readonly object[]): ArrowBatch => {
  const schema = arrowSchemaOf(dataset);
  const columns = datasetColumns(dataset);
  const builders = columns.map((column) => new ColumnBuilder(column, events.length));
  const byField: Builders = Object.create(null);
  // Columns of one property of a field, by field then property: `edge` → `receivedAt` → edge_received_at.
  const byProperty: Record<string, Builders> = Object.create(null);
  for (const builder of builders) {
    const { field, subfield } = builder.column;
    if (subfield === undefined) {
      byField[field] = builder;
      continue;
    }
    const properties: Builders = byProperty[field] ?? Object.create(null);
    properties[subfield] = builder;
    byProperty[field] = properties;
  }
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as Record<string, unknown>;
    for (const field in event) {
      const value = event[field];
      if (value === undefined || value === null) continue;
      const builder = byField[field];
      if (builder) builder.add(i, value);
      else if (byProperty[field]) addProperties(byProperty[field], i, value);
    }
  }
  const children = builders.map((b, i) => b.build((schema.fields[i] as (typeof schema.fields)[0]).type));
  const struct = makeData({ type: new Struct(schema.fields), length: events.length, nullCount: 0, children });
  return {
    table: new Table(schema, [new RecordBatch(schema, struct)]),
    distinctShare: new Map(builders.map((b) => [b.column.name, b.distinctShare])),
  };
};
