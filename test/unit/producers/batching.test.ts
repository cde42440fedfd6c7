import { describe, expect, it } from 'vitest';
import { planBatches, recordBytes } from '../../../producers/batching.ts';
import { KINESIS_MAX_RECORD_BYTES } from '../../../schemas/index.ts';

const record = (bytes: number, partitionKey = 'k') => ({ data: new Uint8Array(bytes), partitionKey });

describe('planBatches', () => {
  it('batches never exceed 500 records or 5 MiB', () => {
    // Prepare
    const small = Array.from({ length: 1234 }, (_, i) => record(100, `key-${i}`));
    const large = Array.from({ length: 30 }, () => record(900 * 1024));
    // Act
    const plans = [planBatches(small), planBatches(large)];
    // Assess
    for (const { batches } of plans) {
      for (const batch of batches) {
        expect(batch.length).toBeLessThanOrEqual(500);
        expect(batch.reduce((sum, r) => sum + recordBytes(r), 0)).toBeLessThanOrEqual(5 * 1024 * 1024);
      }
    }
    expect(plans[0]?.batches.map((b) => b.length)).toEqual([500, 500, 234]);
    expect(plans[1]?.batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 5, 5]);
  });

  it('keeps the input order across batches', () => {
    // Prepare
    const records = Array.from({ length: 1200 }, (_, i) => record(10, `key-${i}`));
    // Act
    const { batches } = planBatches(records);
    // Assess
    expect(batches.flat()).toEqual(records);
  });

  it('counts the partition key towards the size', () => {
    // Prepare
    const exactlyAtLimit = record(KINESIS_MAX_RECORD_BYTES - 4, 'abcd');
    const oneOver = record(KINESIS_MAX_RECORD_BYTES - 4, 'abcde');
    // Act
    const plan = planBatches([exactlyAtLimit, oneOver]);
    // Assess
    expect(plan.batches).toEqual([[exactlyAtLimit]]);
    expect(plan.rejected.map((r) => r.record)).toEqual([oneOver]);
  });

  it('a record over 1 MiB is rejected with the size in the message, not batched', () => {
    // Prepare
    const before = record(10, 'a');
    const tooLarge = record(KINESIS_MAX_RECORD_BYTES + 1, 'b');
    const after = record(10, 'c');
    // Act
    const plan = planBatches([before, tooLarge, after]);
    // Assess
    expect(plan.batches).toEqual([[before, after]]);
    expect(plan.rejected).toHaveLength(1);
    expect(plan.rejected[0]?.error.name).toBe('RecordTooLargeError');
    expect(plan.rejected[0]?.error.message).toContain(`${KINESIS_MAX_RECORD_BYTES + 2} bytes`);
  });

  it('no records make no batches', () => {
    // Act
    const plan = planBatches([]);
    // Assess
    expect(plan).toEqual({ batches: [], rejected: [] });
  });
});
