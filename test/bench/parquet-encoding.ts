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

const byDataset = (events: readonly StreamlakeEvent[]) =>
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
  readonly arrow: WriterResult;
  readonly parquetjs: WriterResult;
  readonly runs: number;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/**
 * Encodes the same events (one file per dataset) with apache-arrow + parquet-wasm and with
 * parquetjs-lite, alternating the writers run by run after one warm-up each; reports medians.
 */
export const measureParquetEncoding = async (
  count = 100_000,
  runs = 5,
  baselineCompression = BASELINE_COMPRESSION,
): Promise<ParquetEncodingResult> => {
  const groups = byDataset(simulatedEvents(count));
  const arrowRun = () => groups.reduce((sum, g) => sum + encodeParquet(g.dataset, g.events).byteLength, 0);
  const liteRun = async () => {
    let bytes = 0;
    for (const g of groups) bytes += await encodeWithParquetjs(g.dataset, g.events, baselineCompression);
    return bytes;
  };
  const time = async (work: () => number | Promise<number>) => {
    const start = process.hrtime.bigint();
    const bytes = await work();
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes };
  };
  await time(arrowRun);
  await time(liteRun);
  const arrow: { seconds: number; bytes: number }[] = [];
  const lite: { seconds: number; bytes: number }[] = [];
  for (let i = 0; i < runs; i++) {
    arrow.push(await time(arrowRun));
    lite.push(await time(liteRun));
  }
  const resultOf = (samples: { seconds: number; bytes: number }[]): WriterResult => ({
    rowsPerSecond: count / median(samples.map((s) => s.seconds)),
    bytesPerRow: median(samples.map((s) => s.bytes)) / count,
  });
  return { events: count, arrow: resultOf(arrow), parquetjs: resultOf(lite), runs };
};

if (process.argv[1]?.endsWith('parquet-encoding.ts')) {
  console.log(JSON.stringify(await measureParquetEncoding(), null, 2));
}
