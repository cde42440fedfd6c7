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

/**
 * Index of the first character SNS message attributes (XML 1.0 characters), S3 keys or Parquet UTF-8
 * cannot carry: a lone surrogate, a C0 control other than tab/LF/CR, U+FFFE or U+FFFF; -1 if none.
 */
export const firstUnencodable = (text: string): number => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 9 && c !== 10 && c !== 13) return i;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const low = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) return i;
      i++;
    } else if (c >= 0xfffe) {
      return i;
    }
  }
  return -1;
};

/**
 * Whether a JSON text decoded from `utf8Bytes` bytes of valid UTF-8 may hold a string firstUnencodable
 * refuses: controls and lone surrogates can then only arrive as escapes — `\u`, or the short `\b` and
 * `\f` (raw controls are invalid JSON; `\t`, `\n`, `\r` are allowed); U+FFFE/U+FFFF are valid UTF-8, so
 * are looked for raw, unless the text is all ASCII (as many characters as bytes). Native scans, far cheaper than walking every string.
 */
export const mayHoldUnencodable = (text: string, utf8Bytes: number): boolean =>
  text.includes('\\u') ||
  text.includes('\\b') ||
  text.includes('\\f') ||
  (text.length !== utf8Bytes && (text.includes('\uFFFE') || text.includes('\uFFFF')));
