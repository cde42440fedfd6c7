import { type KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { retryTransient, untilStopped } from '../esm/transient-errors.ts';
import { type DeliveryStreamPlan, fileExtensionOf, type S3DestinationPlan } from './delivery-stream-plan.ts';
import type { ObjectNaming } from './object-key.ts';
import { compilePrefixes } from './prefix-expression.ts';
import { ShardDelivery, type ShardDeliveryDependencies } from './shard-delivery.ts';

/** How often DeliveryToS3.DataFreshness is measured (CloudWatch gets it once a minute; a local chart wants more). */
const FRESHNESS_EVERY_MS = 5_000;

/** How a destination names its objects: its prefixes checked and compiled, its extension and time zone. */
export const namingOf = (destination: S3DestinationPlan): ObjectNaming => ({
  prefixes: compilePrefixes(destination.prefix, destination.errorOutputPrefix),
  extension: fileExtensionOf(destination),
  timeZone: destination.customTimeZone ?? 'UTC',
});

const shardIdsOf = async (kinesis: KinesisClient, StreamName: string, signal: AbortSignal) => {
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const token = NextToken;
    const page = await retryTransient(
      () => kinesis.send(new ListShardsCommand(token ? { NextToken: token } : { StreamName })),
      signal,
    );
    ids.push(...(page.Shards ?? []).map((shard) => shard.ShardId ?? ''));
    NextToken = page.NextToken;
  } while (NextToken);
  return ids;
};

/**
 * Runs one delivery stream until the signal aborts: every shard of its source (as listed when it starts) by a
 * ShardDelivery of its own, and its DataFreshness measured meanwhile. `startAtMs`: records that arrived before
 * are not delivered.
 */
export const runDeliveryStream = async (
  plan: DeliveryStreamPlan,
  startAtMs: number,
  deps: ShardDeliveryDependencies,
): Promise<void> => {
  const { signal, observer } = deps;
  const shardIds = await untilStopped(shardIdsOf(deps.kinesis, plan.source.streamName, signal));
  if (!shardIds) return;
  const setup = { plan, naming: namingOf(plan.destination), startAtMs };
  const shards = shardIds.map((shardId) => new ShardDelivery(setup, shardId, deps));
  const measureFreshness = () => {
    const now = Date.now();
    const oldest = Math.min(...shards.map((shard) => shard.oldestUndeliveredMs ?? now));
    observer.freshness(plan.name, Math.max(0, (now - oldest) / 1000));
  };
  const timer = setInterval(measureFreshness, FRESHNESS_EVERY_MS);
  timer.unref();
  try {
    await Promise.all(shards.map((shard) => shard.run()));
  } finally {
    clearInterval(timer);
    measureFreshness();
  }
};
