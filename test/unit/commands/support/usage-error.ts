import { expect } from 'vitest';
import { UsageError } from '../../../../producers/cli-options.ts';

/** The UsageError `parse` throws (failing when it throws something else or nothing). */
export const usageErrorOf = (parse: () => unknown): UsageError => {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError, but the arguments parsed');
};
