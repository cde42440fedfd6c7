import { MAX_PAYLOAD_BYTES } from '../../infra/local/esm/settings.ts';

/** A shard takes 1,000 records/s and 1 MiB/s in, 2 MiB/s out (shared by the standard consumers). */
export const SHARD = { recordsIn: 1000, bytesIn: 1_048_576, bytesOut: 2_097_152 } as const;

/**
 * The share of a shard's limits a provisioned stream is sized to — every limit, records and bytes alike: traffic
 * is not flat, and a shard at its limit throttles. An assumption, not a measurement; the same 70 % as the
 * stack's shard guidance (about 700 events/s a shard of single-event records, infra/constructs/event-stream.ts)
 * and DynamoDB auto scaling's usual target utilization.
 */
export const SHARD_HEADROOM = 0.7;

/** A new on-demand stream starts at 4 MiB/s of write capacity (4 shards) and grows to twice its peak. */
export const ON_DEMAND_MIN_SHARDS = 4;

export interface StreamLoad {
  /** Records per second into the stream (a record may hold several events: Kinesis limits records). */
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
 * Bytes a record adds to a Kinesis-triggered invocation's payload besides its base64 data and partition key: the
 * JSON around it (event id, ARNs, sequence number), as the local event source mapping reckons it
 * (infra/local/esm/kinesis-event.ts).
 */
export const RECORD_PAYLOAD_OVERHEAD_BYTES = 420;

/** Invocation payload bytes per second of `load`: each record's data base64-encoded, with its JSON around it. */
export const payloadBytesPerSecond = (load: Omit<StreamLoad, 'consumers'>): number =>
  (load.bytesPerSecond * 4) / 3 + load.recordsPerSecond * RECORD_PAYLOAD_OVERHEAD_BYTES;

/**
 * Invocations per second of a mapping reading `shards` shards at `load`: each shard invokes once its batch is
 * full — `batchSize` records or Lambda's 6 MiB payload, whichever comes first — or its window has passed (Lambda
 * polls a shard about once a second without one), and never more often than records arrive
 * (ParallelizationFactor 1). With batch records the payload fills before the record count does.
 */
export const invocationsPerSecond = (
  load: Omit<StreamLoad, 'consumers'>,
  shards: number,
  batching: Batching,
): number => {
  if (load.recordsPerSecond <= 0 || shards <= 0) return 0;
  const perShard = load.recordsPerSecond / shards;
  const payloadPerShard = payloadBytesPerSecond(load) / shards;
  const everySeconds = Math.max(batching.windowSeconds, 1);
  const full = Math.max(perShard / batching.batchSize, payloadPerShard / MAX_PAYLOAD_BYTES);
  return shards * Math.min(perShard, Math.max(1 / everySeconds, full));
};
