import { asError } from './errors.ts';

/**
 * A write of a stream batch that failed, in the one shape every writer reports it. Lambda retries the batch
 * from the first record the write carried; what already landed is skipped by the high-water marks and the
 * conditional writes, so reporting that record is enough.
 */
export interface WriteFailure {
  /** What could not be written, as the log names it: an item's key, an alert id, a device id. */
  readonly subject: string;
  /** The first stream record whose change the write carried. */
  readonly firstSequenceNumber: string;
  readonly error: Error;
}

/** The failure of a write, from whatever its `catch` caught. */
export const writeFailure = (
  subject: string,
  firstSequenceNumber: string,
  thrown: unknown,
): WriteFailure => ({
  subject,
  firstSequenceNumber,
  error: asError(thrown),
});

/** Lambda's partial batch response (Kinesis and DynamoDB streams alike): one identifier per item. */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Pure: the partial batch response that makes Lambda retry from each failed write's first record, named once. */
export const batchResponseOf = (failures: readonly WriteFailure[]): BatchResponse => {
  const first = new Set(failures.map((failure) => failure.firstSequenceNumber));
  return { batchItemFailures: [...first].map((itemIdentifier) => ({ itemIdentifier })) };
};
