import { describe, expect, it } from 'vitest';
import {
  invocationsPerSecond,
  ON_DEMAND_MIN_SHARDS,
  onDemandShards,
  payloadBytesPerSecond,
  provisionedShards,
  SHARD_HEADROOM,
} from '../../../../commands/cost/stream-capacity.ts';
import { MAX_PAYLOAD_BYTES } from '../../../../infra/local/esm/settings.ts';

describe('shards for a load', () => {
  it('sizes a provisioned stream by records, bytes in and bytes read, at 70 % of each limit', () => {
    expect(SHARD_HEADROOM).toBe(0.7);
    expect(provisionedShards({ recordsPerSecond: 100, bytesPerSecond: 40_000, consumers: 3 })).toBe(1);
    // 1,000 records/s at 70 % of 1,000 per shard: 2 shards (one per 700 records/s).
    expect(provisionedShards({ recordsPerSecond: 1_000, bytesPerSecond: 400_000, consumers: 3 })).toBe(2);
    expect(provisionedShards({ recordsPerSecond: 1_400, bytesPerSecond: 400_000, consumers: 3 })).toBe(2);
    expect(provisionedShards({ recordsPerSecond: 1_401, bytesPerSecond: 400_000, consumers: 3 })).toBe(3);
    // 10,000 × 400 B × 3 consumers = 12 MB/s read at 70 % of 2 MiB per shard: 9; records need 15.
    expect(provisionedShards({ recordsPerSecond: 10_000, bytesPerSecond: 4_000_000, consumers: 3 })).toBe(15);
  });

  it('sizes by bytes once records hold batches: the record limit stops binding', () => {
    // 10,000 events/s in records of 100 events (≈ 300 bytes an event): 100 records/s, 3 MB/s in, 9 MB/s read.
    const batched = { recordsPerSecond: 100, bytesPerSecond: 3_000_000, consumers: 3 };
    const byBytesIn = Math.ceil(3_000_000 / (1_048_576 * 0.7));
    const byBytesOut = Math.ceil((3_000_000 * 3) / (2_097_152 * 0.7));
    expect(byBytesIn).toBe(5);
    expect(provisionedShards(batched)).toBe(byBytesOut);
    expect(provisionedShards(batched)).toBe(7);
    // The same bytes in single-event records: the record limit binds (10,000 / 700).
    expect(provisionedShards({ ...batched, recordsPerSecond: 10_000 })).toBe(15);
    // 1,000 events/s batched: one shard.
    expect(provisionedShards({ recordsPerSecond: 10, bytesPerSecond: 300_000, consumers: 3 })).toBe(1);
  });

  it('runs an on-demand stream with at least the shards of its initial 4 MiB/s', () => {
    expect(onDemandShards({ recordsPerSecond: 100, bytesPerSecond: 40_000, consumers: 3 })).toBe(
      ON_DEMAND_MIN_SHARDS,
    );
    expect(onDemandShards({ recordsPerSecond: 10_000, bytesPerSecond: 4_000_000, consumers: 3 })).toBe(15);
  });
});

describe('invocations of a stream consumer', () => {
  const aggregate = { batchSize: 10_000, windowSeconds: 5 };
  const load = (recordsPerSecond: number, bytesPerRecord = 100) => ({
    recordsPerSecond,
    bytesPerSecond: recordsPerSecond * bytesPerRecord,
  });

  it('invokes once a window per shard while batches do not fill', () => {
    expect(invocationsPerSecond(load(1_000), 4, aggregate)).toBeCloseTo(4 / 5);
  });

  it('invokes once a batch is full when records fill it before the window ends', () => {
    expect(invocationsPerSecond(load(40_000), 2, aggregate)).toBeCloseTo(4);
  });

  it("invokes once Lambda's 6 MiB payload is full, which batch records reach before the record count", () => {
    // 20 records/s of 30,000 bytes on one shard: 800,000 + 8,400 payload bytes a second, full in ≈ 7.8 s.
    const batched = load(20, 30_000);
    expect(payloadBytesPerSecond(batched)).toBeCloseTo((20 * 30_000 * 4) / 3 + 20 * 420);
    const archive = { batchSize: 10_000, windowSeconds: 60 };
    expect(invocationsPerSecond(batched, 1, archive)).toBeCloseTo(
      payloadBytesPerSecond(batched) / MAX_PAYLOAD_BYTES,
    );
    // Within the aggregate's 5 s window the payload does not fill: once a window.
    expect(invocationsPerSecond(batched, 1, aggregate)).toBeCloseTo(1 / 5);
  });

  it('never invokes more often than records arrive, and not at all without records', () => {
    expect(invocationsPerSecond(load(0.1), 4, aggregate)).toBeCloseTo(0.1);
    expect(invocationsPerSecond(load(0), 4, aggregate)).toBe(0);
  });

  it('polls a shard about once a second without a batching window', () => {
    expect(invocationsPerSecond(load(1_000), 2, { batchSize: 100, windowSeconds: 0 })).toBeCloseTo(10);
    expect(invocationsPerSecond(load(10), 2, { batchSize: 100, windowSeconds: 0 })).toBeCloseTo(2);
  });
});
