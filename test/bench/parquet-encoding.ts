import { createRequire } from 'node:module';
import { encodeParquet } from '../../processors/archive/parquet-encoder.ts';
import { MixedSource } from '../../producers/mixed.ts';
import {
  type Column,
  DATASETS,
  type Dataset,
  datasetColumns,
  datasetOf,
  type StreamlakeEvent,
} from '../../schemas/index.ts';
import { type DatasetEvents, DuckdbParquet } from './parquet-duckdb.ts';

/** The baseline writer ships no types; this is the slice of its API the benchmark uses. */
interface ParquetjsLite {
  ParquetSchema: new (
    fields: Record<string, { type: string; optional: boolean; compression: string }>,
  ) => object;
  ParquetWriter: {
    openStream(
      schema: object,
      out: { write(b: Buffer, cb: (e?: Error) => void): void; end(cb: (e?: Error) => void): void },
      opts: { rowGroupSize: number },
    ): Promise<{ appendRow(row: Record<string, unknown>): Promise<void>; close(): Promise<void> }>;
  };
}
const parquetjs = createRequire(import.meta.url)('parquetjs-lite') as ParquetjsLite;

/** The compression parquetjs-lite is most often run with; its default is none, and it also offers GZIP. */
export const BASELINE_COMPRESSION = 'SNAPPY';
/** Both writers get the archive's row-group size, so bytes compare like for like. */
const ROW_GROUP_SIZE = 65_536;

/** `count` simulated events (web sessions and devices, 70/30), the same for every seed-1 run. */
export const simulatedEvents = (count: number): StreamlakeEvent[] => {
  const source = new MixedSource({ seed: 1 });
  const start = Date.parse('2026-11-22T05:00:00.000Z');
  return Array.from({ length: count }, (_, i) => source.next(start + i).event as StreamlakeEvent);
};

const byDataset = (events: readonly StreamlakeEvent[]): DatasetEvents[] =>
  DATASETS.map((dataset) => ({ dataset, events: events.filter((e) => datasetOf(e.schema) === dataset) }));

const LITE_TYPES: Record<Column['kind'], string> = {
  timestamp: 'TIMESTAMP_MILLIS',
  int32: 'INT32',
  int64: 'INT64',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  string: 'UTF8',
  json: 'JSON',
};

/** parquetjs-lite: its own schema from the same columns, one row object per event (the way it is fed). */
const encodeWithParquetjs = async (
  dataset: Dataset,
  events: readonly StreamlakeEvent[],
  compression: string,
): Promise<number> => {
  const columns = datasetColumns(dataset);
  const schema = new parquetjs.ParquetSchema(
    Object.fromEntries(
      columns.map((c) => [c.name, { type: LITE_TYPES[c.kind], optional: c.nullable, compression }]),
    ),
  );
  let bytes = 0;
  const out = {
    write: (chunk: Buffer, done: (e?: Error) => void) => {
      bytes += chunk.length;
      done();
    },
    end: (done: (e?: Error) => void) => done(),
  };
  const writer = await parquetjs.ParquetWriter.openStream(schema, out, { rowGroupSize: ROW_GROUP_SIZE });
  for (const event of events) {
    const fields = event as unknown as Record<string, unknown>;
    const row: Record<string, unknown> = {};
    for (const c of columns) {
      const value = fields[c.field];
      if (value !== undefined) row[c.name] = c.kind === 'timestamp' ? Date.parse(value as string) : value;
    }
    await writer.appendRow(row);
  }
  await writer.close();
  return bytes;
};

export interface WriterResult {
  readonly rowsPerSecond: number;
  readonly bytesPerRow: number;
}

export interface ParquetEncodingResult {
  readonly events: number;
  /** Ours: apache-arrow columns built from the events, then parquet-wasm (processors/archive). */
  readonly arrow: WriterResult;
  readonly parquetjs: WriterResult;
  /** DuckDB's COPY … TO parquet from its own in-memory table (rows already loaded, not timed). */
  readonly duckdbCopy: WriterResult;
  /** DuckDB from the same JS rows: table created and filled through its appender, then COPY. */
  readonly duckdbFromRows: WriterResult;
  readonly runs: number;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

interface Sample {
  readonly seconds: number;
  readonly bytes: number;
}

const time = async (work: () => number | Promise<number>): Promise<Sample> => {
  const start = process.hrtime.bigint();
  const bytes = await work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes };
};

/**
 * Encodes the same events (one file per dataset) with apache-arrow + parquet-wasm, parquetjs-lite and
 * DuckDB's writer (from its own table, and from the JS rows through its appender), the writers taking
 * turns run by run after one warm-up each; reports medians.
 */
export const measureParquetEncoding = async (
  count = 100_000,
  runs = 5,
  baselineCompression = BASELINE_COMPRESSION,
): Promise<ParquetEncodingResult> => {
  const groups = byDataset(simulatedEvents(count));
  const duckdb = await DuckdbParquet.open();
  try {
    await duckdb.load(groups);
    const writers = {
      arrow: () => groups.reduce((sum, g) => sum + encodeParquet(g.dataset, g.events).byteLength, 0),
      parquetjs: async () => {
        let bytes = 0;
        for (const g of groups) bytes += await encodeWithParquetjs(g.dataset, g.events, baselineCompression);
        return bytes;
      },
      duckdbCopy: () => duckdb.copy(groups),
      duckdbFromRows: async () => {
        await duckdb.load(groups);
        return duckdb.copy(groups);
      },
    };
    const samples = Object.fromEntries(Object.keys(writers).map((name) => [name, [] as Sample[]])) as Record<
      keyof typeof writers,
      Sample[]
    >;
    const names = Object.keys(writers) as (keyof typeof writers)[];
    for (const name of names) await time(writers[name]);
    for (let i = 0; i < runs; i++) for (const name of names) samples[name].push(await time(writers[name]));
    const resultOf = (name: keyof typeof writers): WriterResult => ({
      rowsPerSecond: count / median(samples[name].map((s) => s.seconds)),
      bytesPerRow: median(samples[name].map((s) => s.bytes)) / count,
    });
    return {
      events: count,
      arrow: resultOf('arrow'),
      parquetjs: resultOf('parquetjs'),
      duckdbCopy: resultOf('duckdbCopy'),
      duckdbFromRows: resultOf('duckdbFromRows'),
      runs,
    };
  } finally {
    duckdb.close();
  }
};

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });

/** `npm run bench`'s Parquet section: every writer on the same rows, and our ratios to the anchors. */
export const printParquetBench = async (quick: boolean): Promise<ParquetEncodingResult> => {
  const result = await measureParquetEncoding(100_000, quick ? 3 : 5);
  const { arrow, parquetjs, duckdbCopy, duckdbFromRows } = result;
  console.log(
    `\n## Parquet encoding, ${n(result.events)} simulated events (one file per dataset, median of ${result.runs} interleaved runs)`,
  );
  for (const [label, r] of [
    ['ours: apache-arrow + parquet-wasm (ZSTD)', arrow],
    ['DuckDB COPY from its table (ZSTD, 1 thread)', duckdbCopy],
    ['DuckDB appender + COPY, from JS rows', duckdbFromRows],
    [`parquetjs-lite (${BASELINE_COMPRESSION})`, parquetjs],
  ] as const) {
    console.log(
      `${label.padEnd(44)} ${n(r.rowsPerSecond).padStart(9)} rows/s  ${n(r.bytesPerRow, 1).padStart(5)} bytes/row`,
    );
  }
  console.log(
    `ours / DuckDB: bytes ${n(arrow.bytesPerRow / duckdbCopy.bytesPerRow, 2)}× (bar ≤ 0.9×); rows/s ${n(arrow.rowsPerSecond / duckdbCopy.rowsPerSecond, 2)}× its COPY from its own table (bar ≥ 0.5×), ${n(arrow.rowsPerSecond / duckdbFromRows.rowsPerSecond, 2)}× from the same JS rows`,
  );
  console.log(
    `ours / parquetjs-lite: rows/s ${n(arrow.rowsPerSecond / parquetjs.rowsPerSecond, 1)}× (bar ≥ 10×); bytes ${n(arrow.bytesPerRow / parquetjs.bytesPerRow, 2)}×`,
  );
  return result;
};

if (process.argv[1]?.endsWith('parquet-encoding.ts'))
  await printParquetBench(process.argv.includes('--quick'));
