/** A shard takes 1,000 records/s and 1 MiB/s in, 2 MiB/s out (shared by the standard consumers). */
const SHARD = { recordsIn: 1000, bytesIn: 1_048_576, bytesOut: 2_097_152 } as const;

/**
 * The share of a shard's limits a provisioned stream is sized to: traffic is not flat, and a shard at its limit
 * throttles. An assumption, not a measurement.
 */
export const SHARD_HEADROOM = 0.75;

/** A new on-demand stream starts at 4 MiB/s of write capacity (4 shards) and grows to twice its peak. */
export const ON_DEMAND_MIN_SHARDS = 4;

export interface StreamLoad {
  /** Records per second into the stream. */
  readonly recordsPerSecond: number;
  /** Bytes per second into the stream (data + partition keys). */
  readonly bytesPerSecond: number;
  /** Standard consumers reading every record (event source mappings, Firehose). */
  readonly consumers: number;
}

/** Shards a provisioned stream needs for the load, with SHARD_HEADROOM (at least one). */
export const provisionedShards = (load: StreamLoad): number =>
  Math.max(
    1,
    Math.ceil(load.recordsPerSecond / (SHARD.recordsIn * SHARD_HEADROOM)),
    Math.ceil(load.bytesPerSecond / (SHARD.bytesIn * SHARD_HEADROOM)),
    Math.ceil((load.bytesPerSecond * load.consumers) / (SHARD.bytesOut * SHARD_HEADROOM)),
  );

/** Shards an on-demand stream runs with for the load (what its consumers' invocations follow). */
export const onDemandShards = (load: StreamLoad): number =>
  Math.max(ON_DEMAND_MIN_SHARDS, provisionedShards(load));

/** An event source mapping's batching, as the stack declares it (infra/defaults.ts). */
export interface Batching {
  readonly batchSize: number;
  readonly windowSeconds: number;
}

/**
 * Invocations per second of a mapping reading `shards` shards at `recordsPerSecond` in all: each shard invokes once
 * its batch is full or its window has passed (Lambda polls a shard about once a second without one), whichever
 * comes first, and never more often than records arrive (ParallelizationFactor 1).
 */
export const invocationsPerSecond = (
  recordsPerSecond: number,
  shards: number,
  batching: Batching,
): number => {
  if (recordsPerSecond <= 0 || shards <= 0) return 0;
  const perShard = recordsPerSecond / shards;
  const everySeconds = Math.max(batching.windowSeconds, 1);
  return shards * Math.min(perShard, Math.max(1 / everySeconds, perShard / batching.batchSize));
};
