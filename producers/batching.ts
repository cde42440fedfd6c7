import { KINESIS_MAX_RECORD_BYTES, RecordTooLargeError } from '../schemas/index.ts';

/** What a single PutRecords call accepts. */
export interface PutRecordsLimits {
  /** @default 500 */
  readonly maxRecords: number;
  /** Data plus partition keys of the whole call. @default 5 MiB */
  readonly maxBytes: number;
  /** Data plus partition key of one record. @default 1 MiB */
  readonly maxRecordBytes: number;
}

export const PUT_RECORDS_LIMITS: PutRecordsLimits = {
  maxRecords: 500,
  maxBytes: 5 * 1024 * 1024,
  maxRecordBytes: KINESIS_MAX_RECORD_BYTES,
};

export interface SizedRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
}

export interface BatchPlan<T> {
  /** Batches in input order, each within the limits. */
  readonly batches: T[][];
  /** Records no call could carry, with why; they must be reported, never silently dropped. */
  readonly rejected: { readonly record: T; readonly error: RecordTooLargeError }[];
}

/** Kinesis counts the partition key's UTF-8 bytes towards the record and the call. */
export const recordBytes = (record: SizedRecord): number =>
  record.data.byteLength + Buffer.byteLength(record.partitionKey);

/** Splits records into PutRecords calls, preserving order; records over the per-record limit are rejected. */
export const planBatches = <T extends SizedRecord>(
  records: readonly T[],
  limits: PutRecordsLimits = PUT_RECORDS_LIMITS,
): BatchPlan<T> => {
  const batches: T[][] = [];
  const rejected: { record: T; error: RecordTooLargeError }[] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const record of records) {
    const bytes = recordBytes(record);
    if (bytes > limits.maxRecordBytes) {
      rejected.push({
        record,
        error: new RecordTooLargeError(bytes, limits.maxRecordBytes, 'Kinesis record'),
      });
      continue;
    }
    if (
      current.length > 0 &&
      (current.length >= limits.maxRecords || currentBytes + bytes > limits.maxBytes)
    ) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(record);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return { batches, rejected };
};
