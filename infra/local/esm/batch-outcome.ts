import type { KinesisStreamBatchResponse } from 'aws-lambda';

/** What one invocation of a batch came to, judged the way Lambda judges it. */
export type BatchOutcome =
  | { readonly kind: 'success' }
  /** Records before `index` are done; the batch resumes at `index` (the lowest failed record). */
  | { readonly kind: 'partial'; readonly index: number }
  /** The whole batch failed: a thrown error, a timeout, or an unusable failure report. */
  | { readonly kind: 'error'; readonly message: string };

/**
 * Lambda's reading of a ReportBatchItemFailures response: checkpoint at the lowest failed
 * sequence number; an empty, missing or unknown itemIdentifier fails the whole batch.
 */
export const judgeResponse = (
  sequenceNumbers: readonly string[],
  response: unknown,
  reportBatchItemFailures: boolean,
): BatchOutcome => {
  if (!reportBatchItemFailures) return { kind: 'success' };
  const failures = (response as KinesisStreamBatchResponse | null | undefined)?.batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'error', message: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? sequenceNumbers.indexOf(id) : -1;
    if (index < 0) {
      return { kind: 'error', message: `batchItemFailures names an unknown record ${JSON.stringify(id)}` };
    }
    lowest = Math.min(lowest, index);
  }
  return { kind: 'partial', index: lowest };
};
