import { describe, expect, it } from 'vitest';
import { deviceBatchFor, iotPerMillionEvents } from '../../../../commands/cost/cost-summary.ts';

const PER_MESSAGE = (1 + 0.15 + 0.15) / 1e6;

describe('IoT Core per event with N events per message (BENCHMARKS.md table)', () => {
  it('costs $1.30 per million events at one 218-byte event per message, and divides by N within one 5 KB unit', () => {
    expect(iotPerMillionEvents(1, 218, 37, PER_MESSAGE)).toBeCloseTo(1.3);
    expect(iotPerMillionEvents(10, 218, 37, PER_MESSAGE)).toBeCloseTo(0.13);
    expect(iotPerMillionEvents(23, 218, 37, PER_MESSAGE)).toBeCloseTo(1.3 / 23);
  });

  it('pays a second 5 KB unit once the message passes it', () => {
    expect(iotPerMillionEvents(24, 218, 37, PER_MESSAGE)).toBeCloseTo((2 * 1.3) / 24);
  });

  it('finds the fewest events per message that reach a target, or none', () => {
    expect(deviceBatchFor(0.1, 218, 37, PER_MESSAGE)).toBe(13);
    expect(deviceBatchFor(0.01, 218, 37, PER_MESSAGE)).toBeUndefined();
  });
});
