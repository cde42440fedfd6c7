import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { SourceRecord } from './delivery-buffer.ts';
import type { LocalCompression } from './delivery-stream-plan.ts';

const gzipAsync = promisify(gzip);

/** An object's bytes before and after compression. */
export interface ObjectBody {
  /** What is stored. */
  readonly body: Uint8Array;
  /** The records' bytes and delimiters, before compression: DeliveryToS3.Bytes. */
  readonly rawBytes: number;
}

/** The records' bytes back to back, each followed by the delimiter when there is one. */
export const concatenated = (records: readonly SourceRecord[], delimiter = ''): Buffer => {
  const separator = Buffer.from(delimiter, 'utf8');
  const chunks: Uint8Array[] = [];
  for (const record of records) {
    chunks.push(record.data);
    if (separator.length > 0) chunks.push(separator);
  }
  return Buffer.concat(chunks);
};

/** An object as Firehose writes it: records concatenated (with the delimiter), then compressed as a whole. */
export const objectBody = async (
  records: readonly SourceRecord[],
  compression: LocalCompression,
  delimiter?: string,
): Promise<ObjectBody> => {
  const raw = concatenated(records, delimiter);
  // zlib on libuv's thread pool: a large object does not hold up the pollers sharing this thread.
  const body = compression === 'GZIP' ? await gzipAsync(raw) : raw;
  return { body, rawBytes: raw.length };
};
