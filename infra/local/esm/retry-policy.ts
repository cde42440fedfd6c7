import type { BatchOutcome } from './batch-outcome.ts';
import type { DeliverySettings } from './settings.ts';

/** What a mapping does next with a batch, given how its invocation went. */
export type NextStep<T> =
  /** Every record was handled: checkpoint past the batch. */
  | { readonly kind: 'checkpoint' }
  /** BisectBatchOnFunctionError: deliver each half on its own; splitting uses up no retry. */
  | { readonly kind: 'bisect'; readonly halves: readonly [readonly T[], readonly T[]] }
  /** Checkpoint past `handled` (what a partial failure reported done), then retry `failing`. */
  | { readonly kind: 'retry'; readonly handled: readonly T[]; readonly failing: readonly T[] };

/**
 * Lambda's reading of an invocation of a stream batch: a partial failure resumes at the lowest
 * failed record; a failed batch of more than one record is split in two when bisection is on, and
 * retried whole otherwise.
 */
export const nextStep = <T>(
  batch: readonly T[],
  outcome: BatchOutcome,
  settings: Pick<DeliverySettings, 'bisectBatchOnFunctionError'>,
): NextStep<T> => {
  if (outcome.kind === 'success') return { kind: 'checkpoint' };
  if (outcome.kind === 'partial') {
    return { kind: 'retry', handled: batch.slice(0, outcome.index), failing: batch.slice(outcome.index) };
  }
  if (settings.bisectBatchOnFunctionError && batch.length > 1) {
    const half = Math.ceil(batch.length / 2);
    return { kind: 'bisect', halves: [batch.slice(0, half), batch.slice(half)] };
  }
  return { kind: 'retry', handled: [], failing: batch };
};

/** MaximumRetryAttempts is used up after `retries` failed attempts (-1: retry until the records expire). */
export const retriesExhausted = (retries: number, maximumRetryAttempts: number): boolean =>
  maximumRetryAttempts >= 0 && retries > maximumRetryAttempts;

/** The pause before retry number `retries` (1, 2, …) when none is configured: doubling from 200 ms, at most 5 s. */
export const defaultRetryDelayMs = (retries: number): number => Math.min(100 * 2 ** retries, 5_000);
