import { tableToIPC } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import type { Dataset } from '../../schemas/index.ts';
import { toArrowBatch } from '../archive/arrow-table.ts';
import { writerProperties } from '../archive/parquet-encoder.ts';

const CREATED_BY = 'streamlake compaction (apache-arrow + parquet-wasm)';

/** One slice's events → record batches in WebAssembly memory, with the dataset's full column set. */
const batchesOf = (dataset: Dataset, events: readonly object[]) => {
  const { table, distinctShare } = toArrowBatch(dataset, events);
  return { batches: parquet.Table.fromIPCStream(tableToIPC(table, 'stream')).recordBatches(), distinctShare };
};

/**
 * Writes one compacted part from its slices, in order, encoded exactly as the archive encodes a stream file
 * (processors/archive/parquet-encoder.ts). Slices are pulled one at a time as the streaming writer asks for
 * them, so memory holds one slice, one row group and the compressed part, never the part's rows. The
 * dictionary choice per column is made on the first slice (ids stay plain, names stay dictionaries).
 */
export const writePart = async (
  dataset: Dataset,
  slices: AsyncIterator<readonly object[]>,
): Promise<Uint8Array> => {
  const first = await slices.next();
  const { batches, distinctShare } = batchesOf(dataset, first.done ? [] : first.value);
  const input = new ReadableStream({
    start(controller) {
      for (const batch of batches) controller.enqueue(batch);
      if (first.done) controller.close();
    },
    async pull(controller) {
      if (first.done) return;
      const next = await slices.next();
      if (next.done) controller.close();
      else for (const batch of batchesOf(dataset, next.value).batches) controller.enqueue(batch);
    },
  });
  const output = await parquet.transformParquetStream(
    input,
    writerProperties(dataset, distinctShare, CREATED_BY),
  );
  const chunks: Uint8Array[] = [];
  for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
};
