import { describe, expect, it } from 'vitest';
import {
  invocationsPerSecond,
  ON_DEMAND_MIN_SHARDS,
  onDemandShards,
  provisionedShards,
} from '../../../../commands/cost/stream-capacity.ts';

describe('shards for a load', () => {
  it('sizes a provisioned stream by records, bytes in and bytes read, with headroom', () => {
    expect(provisionedShards({ recordsPerSecond: 100, bytesPerSecond: 40_000, consumers: 3 })).toBe(1);
    // 1,000 records/s at 75 % of 1,000 per shard: 2 shards.
    expect(provisionedShards({ recordsPerSecond: 1_000, bytesPerSecond: 400_000, consumers: 3 })).toBe(2);
    // 10,000 × 400 B × 3 consumers = 12 MB/s read at 75 % of 2 MiB per shard: 8; records need 14.
    expect(provisionedShards({ recordsPerSecond: 10_000, bytesPerSecond: 4_000_000, consumers: 3 })).toBe(14);
  });

  it('runs an on-demand stream with at least the shards of its initial 4 MiB/s', () => {
    expect(onDemandShards({ recordsPerSecond: 100, bytesPerSecond: 40_000, consumers: 3 })).toBe(
      ON_DEMAND_MIN_SHARDS,
    );
    expect(onDemandShards({ recordsPerSecond: 10_000, bytesPerSecond: 4_000_000, consumers: 3 })).toBe(14);
  });
});

describe('invocations of a stream consumer', () => {
  const aggregate = { batchSize: 10_000, windowSeconds: 5 };

  it('invokes once a window per shard while batches do not fill', () => {
    expect(invocationsPerSecond(1_000, 4, aggregate)).toBeCloseTo(4 / 5);
  });

  it('invokes once a batch is full when records fill it before the window ends', () => {
    expect(invocationsPerSecond(40_000, 2, aggregate)).toBeCloseTo(4);
  });

  it('never invokes more often than records arrive, and not at all without records', () => {
    expect(invocationsPerSecond(0.1, 4, aggregate)).toBeCloseTo(0.1);
    expect(invocationsPerSecond(0, 4, aggregate)).toBe(0);
  });

  it('polls a shard about once a second without a batching window', () => {
    expect(invocationsPerSecond(1_000, 2, { batchSize: 100, windowSeconds: 0 })).toBeCloseTo(10);
    expect(invocationsPerSecond(10, 2, { batchSize: 100, windowSeconds: 0 })).toBeCloseTo(2);
  });
});
