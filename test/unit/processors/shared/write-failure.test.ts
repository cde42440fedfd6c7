import { describe, expect, it } from 'vitest';
import { batchResponseOf, writeFailure } from '../../../../processors/shared/write-failure.ts';

describe('writeFailure', () => {
  it('keeps what failed, its first record and the error thrown', () => {
    // Prepare
    const error = new Error('throttled');

    // Act
    const failure = writeFailure('page_views#/home H#2026-11-22T05', '101', error);

    // Assess
    expect(failure).toEqual({
      subject: 'page_views#/home H#2026-11-22T05',
      firstSequenceNumber: '101',
      error,
    });
  });

  it('turns whatever a client threw into an Error', () => {
    // Act
    const failure = writeFailure('device-1', '102', 'socket hang up');

    // Assess
    expect(failure.error).toBeInstanceOf(Error);
    expect(failure.error.message).toBe('socket hang up');
  });
});

describe('batchResponseOf', () => {
  it('names each failed write by its first record, each record once, in the order reported', () => {
    // Prepare
    const failures = [
      writeFailure('a', '102', new Error('x')),
      writeFailure('b', '101', new Error('y')),
      writeFailure('c', '102', new Error('z')),
    ];

    // Act
    const response = batchResponseOf(failures);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }, { itemIdentifier: '101' }] });
  });

  it('names nothing when nothing failed, so Lambda moves past the batch', () => {
    expect(batchResponseOf([])).toEqual({ batchItemFailures: [] });
  });
});
