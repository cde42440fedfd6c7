import { describe, expect, it } from 'vitest';
import {
  capacityUsePerEvent,
  DEFAULT_TARGET_UTILIZATION,
  provisionedCapacity,
  unitsFor,
} from '../../../../commands/cost/table-capacity.ts';

const counts = (
  writeUnits: number,
  readUnits: number,
  indexes?: Record<string, { writeUnits: number; readUnits: number }>,
) => ({
  requests: 1,
  writeUnits,
  readUnits,
  conditionFailures: 0,
  ...(indexes ? { indexes } : {}),
});

describe('provisioned DynamoDB capacity', () => {
  it('holds the units a second at the target utilization, in whole units, at least one', () => {
    expect(DEFAULT_TARGET_UTILIZATION).toBe(0.7);
    expect(unitsFor(0, 0.7)).toBe(1);
    expect(unitsFor(0.3, 0.7)).toBe(1);
    expect(unitsFor(7, 0.7)).toBe(10);
    expect(unitsFor(7.01, 0.7)).toBe(11);
    expect(unitsFor(100, 0.5)).toBe(200);
    expect(() => unitsFor(1, 0)).toThrow('the target utilization must be above 0 and at most 1 (given 0)');
    expect(() => unitsFor(1, 1.5)).toThrow(RangeError);
  });

  it("splits a table's units into its own and each index's, per event", () => {
    const uses = capacityUsePerEvent(
      { derived: counts(50, 2, { TopByCount: { writeUnits: 20, readUnits: 0.5 } }), rollups: counts(30, 1) },
      1_000,
    );
    expect(uses).toEqual([
      { table: 'derived', writeUnits: 0.03, readUnits: 0.0015 },
      { table: 'derived', index: 'TopByCount', writeUnits: 0.02, readUnits: 0.0005 },
      { table: 'rollups', writeUnits: 0.03, readUnits: 0.001 },
    ]);
  });

  it('provisions what the template declares even where the run consumed nothing', () => {
    const uses = capacityUsePerEvent({ rollups: counts(30, 0) }, 1_000, {
      rollups: [],
      deviceState: ['BySilence'],
    });
    expect(uses.map((u) => [u.table, u.index])).toEqual([
      ['rollups', undefined],
      ['deviceState', undefined],
      ['deviceState', 'BySilence'],
    ]);
    const capacity = provisionedCapacity(uses, 100, 0.7);
    // rollups: 0.03 WRU an event × 100/s = 3 a second ÷ 0.7 → 5 WCU; no reads → 1 RCU. The idle table and index: 1 each.
    expect(capacity).toEqual([
      { table: 'rollups', writeUnits: 5, readUnits: 1 },
      { table: 'deviceState', writeUnits: 1, readUnits: 1 },
      { table: 'deviceState', index: 'BySilence', writeUnits: 1, readUnits: 1 },
    ]);
  });

  it('grows with the rate, past the minimum', () => {
    const uses = capacityUsePerEvent({ rollups: counts(20, 1) }, 1_000);
    const units = [100, 1_000, 10_000].map((rate) => provisionedCapacity(uses, rate, 0.7)[0]?.writeUnits);
    expect(units).toEqual([3, 29, 286]);
  });
});
