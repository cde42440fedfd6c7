/** Kinesis rejects a record whose data blob plus partition key exceeds 1 MiB. */
export const KINESIS_MAX_RECORD_BYTES = 1024 * 1024;
/** Kinesis partition keys are 1–256 Unicode characters. */
export const KINESIS_MAX_PARTITION_KEY_LENGTH = 256;

export class RecordTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly limit: number,
    readonly what: string,
  ) {
    super(
      `${what} is ${bytes} bytes, over the ${limit}-byte limit: shrink the event or split it into several events`,
    );
    this.name = 'RecordTooLargeError';
  }
}

/** Throws a RecordTooLargeError naming the size when a Kinesis record would be refused. */
export const assertKinesisRecordSize = (data: Uint8Array, partitionKey: string, what = 'record'): void => {
  const bytes = data.byteLength + Buffer.byteLength(partitionKey);
  if (bytes > KINESIS_MAX_RECORD_BYTES) throw new RecordTooLargeError(bytes, KINESIS_MAX_RECORD_BYTES, what);
};
