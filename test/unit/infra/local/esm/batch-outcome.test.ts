import { describe, expect, it } from 'vitest';
import { judgeResponse } from '../../../../../infra/local/esm/batch-outcome.ts';
import { sequence } from '../../../support/kinesis-records.ts';

const batch = [sequence(1), sequence(2), sequence(3), sequence(4), sequence(5)];

describe('judgeResponse', () => {
  it.each([
    ['no response', undefined],
    ['a null response', null],
    ['an empty object', {}],
    ['an empty failure list', { batchItemFailures: [] }],
    ['a null failure list', { batchItemFailures: null }],
  ])('counts %s as a fully successful batch', (_, response) => {
    // Prepare
    const reportBatchItemFailures = true;

    // Act
    const outcome = judgeResponse(batch, response, reportBatchItemFailures);

    // Assess
    expect(outcome).toEqual({ kind: 'success' });
  });

  it('resumes at the failed record when one record fails', () => {
    // Prepare
    const response = { batchItemFailures: [{ itemIdentifier: sequence(3) }] };

    // Act
    const outcome = judgeResponse(batch, response, true);

    // Assess
    expect(outcome).toEqual({ kind: 'partial', index: 2 });
  });

  it('resumes at the lowest failed record even when failures are listed out of order', () => {
    // Prepare
    const response = {
      batchItemFailures: [
        { itemIdentifier: sequence(5) },
        { itemIdentifier: sequence(2) },
        { itemIdentifier: sequence(4) },
      ],
    };

    // Act
    const outcome = judgeResponse(batch, response, true);

    // Assess
    expect(outcome).toEqual({ kind: 'partial', index: 1 });
  });

  it('resumes at the first record when the first record fails', () => {
    // Prepare
    const response = {
      batchItemFailures: [{ itemIdentifier: sequence(4) }, { itemIdentifier: sequence(1) }],
    };

    // Act
    const outcome = judgeResponse(batch, response, true);

    // Assess
    expect(outcome).toEqual({ kind: 'partial', index: 0 });
  });

  it('tolerates the same failure listed twice', () => {
    // Prepare
    const response = {
      batchItemFailures: [{ itemIdentifier: sequence(3) }, { itemIdentifier: sequence(3) }],
    };

    // Act
    const outcome = judgeResponse(batch, response, true);

    // Assess
    expect(outcome).toEqual({ kind: 'partial', index: 2 });
  });

  it.each([
    ['an empty itemIdentifier', { itemIdentifier: '' }, '""'],
    ['a missing itemIdentifier', {}, 'undefined'],
    ['a null failure', null, 'undefined'],
    ['a numeric itemIdentifier', { itemIdentifier: 3 }, '3'],
    ['an unknown itemIdentifier', { itemIdentifier: sequence(99) }, sequence(99)],
  ])('fails the whole batch for %s', (_, failure, named) => {
    // Prepare
    const response = { batchItemFailures: [{ itemIdentifier: sequence(2) }, failure] };

    // Act
    const outcome = judgeResponse(batch, response, true);

    // Assess
    expect(outcome.kind).toBe('error');
    expect(outcome.kind === 'error' && outcome.message).toContain(named);
  });

  it('fails the whole batch when batchItemFailures is not a list', () => {
    // Prepare
    const response = { batchItemFailures: { itemIdentifier: sequence(2) } };

    // Act
    const outcome = judgeResponse(batch, response, true);

    // Assess
    expect(outcome).toEqual({ kind: 'error', message: 'batchItemFailures is not a list' });
  });

  it.each([
    ['reported failures', { batchItemFailures: [{ itemIdentifier: sequence(2) }] }],
    ['an unusable failure report', { batchItemFailures: [{ itemIdentifier: '' }] }],
  ])('ignores %s when the mapping does not report batch item failures', (_, response) => {
    // Prepare
    const reportBatchItemFailures = false;

    // Act
    const outcome = judgeResponse(batch, response, reportBatchItemFailures);

    // Assess
    expect(outcome).toEqual({ kind: 'success' });
  });
});
