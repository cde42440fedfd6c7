/**
 * Kinesis sequence numbers are decimal strings of varying length. DynamoDB compares strings
 * lexicographically, so high-water marks are stored zero-padded to one fixed width.
 */
export const SEQUENCE_WIDTH = 64;

const DIGITS = /^\d+$/;

/** Zero-pads a sequence number so that string order equals numeric order. */
export const padSequence = (sequenceNumber: string): string => {
  if (!DIGITS.test(sequenceNumber)) {
    throw new Error(`sequence number must be decimal digits (given ${JSON.stringify(sequenceNumber)})`);
  }
  if (sequenceNumber.length > SEQUENCE_WIDTH) {
    throw new Error(
      `sequence number has ${sequenceNumber.length} digits, more than the ${SEQUENCE_WIDTH} the high-water mark stores (given ${sequenceNumber}); raise SEQUENCE_WIDTH`,
    );
  }
  return sequenceNumber.padStart(SEQUENCE_WIDTH, '0');
};

/** Numeric comparison of two unpadded sequence numbers: negative, zero or positive. */
export const compareSequence = (a: string, b: string): number => {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
};
