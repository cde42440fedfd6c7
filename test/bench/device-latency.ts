import { ListShardsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import { LatencyHistogram } from '../../infra/local/metrics/latency-histogram.ts';
import { DeviceFleetSimulator } from '../../producers/devices.ts';
import type { MqttDeviceWriter } from '../../producers/mqtt-device-writer.ts';
import { type ProducedRecord, recordOf } from '../../producers/source.ts';
import { BATCH_EVENTS_FIELD, isEventBatch } from '../../schemas/index.ts';
import { within } from './device-fleet.ts';

/** The event ids of a record: a device's message is one batch record of its events (D36), a bare one holds one. */
const eventIdsOf = (data: string): string[] => {
  const value = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as unknown;
  const events = (isEventBatch(value) ? value[BATCH_EVENTS_FIELD] : [value]) as { eventId?: unknown }[];
  return events.flatMap(({ eventId }) => (typeof eventId === 'string' ? [eventId] : []));
};

// Publish → rollup, per event: each event's publish time is kept by its eventId; the aggregate mapping runs with
// its handler wrapped, and when an invocation returns, every record it did not report failed has its rollup
// written. The record's ApproximateArrivalTimestamp splits the time into the edge's share and the consumer's.
// A warm-up (load not timed) first, so the function's cold start is not in the figures.

export interface DeviceLatency {
  readonly devices: number;
  readonly eventsPerSecond: number;
  readonly seconds: number;
  /** Events published in the timed part (the warm-up's are not counted). */
  readonly published: number;
  /** Published events seen in a rollup write before the wait ended. */
  readonly seen: number;
  /** The aggregate mapping's MaximumBatchingWindowInSeconds, in ms: the floor of what a record waits. */
  readonly batchingWindowMs: number;
  /** Writer hands the event to the device's client → the record is in the stream. */
  readonly toStream: LatencyHistogram;
  /** In the stream → the aggregate invocation that wrote its rollup returned. */
  readonly streamToRollup: LatencyHistogram;
  /** The two together: publish → rollup written. */
  readonly toRollup: LatencyHistogram;
  /** The same for events published in the first and in the second half of the timed load: kept up if alike. */
  readonly toRollupByHalf: readonly [LatencyHistogram, LatencyHistogram];
  /** The aggregate's invocations in the timed part (warm-up's excluded): how many, their records, their duration. */
  readonly invocations: number;
  readonly invokedRecords: number;
  readonly invokeMs: LatencyHistogram;
  /** DynamoDB rollup writes the aggregate made over the same invocations (its RollupWrites metric). */
  readonly rollupWrites: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Moves the aggregate mapping's checkpoints to the stream's tip (a marker record put on each shard), so it reads
 * only what comes next, as a mapping created with StartingPosition LATEST would: the throughput cells' records are
 * no backlog in the latency.
 */
const startAtStreamTip = async (cloud: LocalCloud, mappingId: string): Promise<void> => {
  const { kinesis } = cloud.clients;
  const StreamName = cloud.resources.eventStream.name;
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName }));
  for (const shard of Shards.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber)) {
    const marker = await kinesis.send(
      new PutRecordCommand({
        StreamName,
        PartitionKey: 'bench-stream-tip',
        ExplicitHashKey: shard.HashKeyRange?.StartingHashKey,
        Data: new TextEncoder().encode('{}'),
      }),
    );
    if (!marker.ShardId || !marker.SequenceNumber)
      throw new Error(`no sequence number for the marker on ${shard.ShardId}`);
    cloud.checkpoints.set(mappingId, marker.ShardId, marker.SequenceNumber);
  }
};

const failedIn = (result: unknown): Set<string> => {
  const failures = (result as { batchItemFailures?: { itemIdentifier: string }[] } | undefined)
    ?.batchItemFailures;
  return new Set((failures ?? []).map((failure) => failure.itemIdentifier));
};

/**
 * `devices` devices (already connected through `writer`) publish `eventsPerSecond` new events in all, paced in
 * 100 ms ticks for `seconds`, while the aggregate mapping runs; waits (bounded) until every event's rollup is written.
 */
export const measureDeviceLatency = async (
  cloud: LocalCloud,
  writer: MqttDeviceWriter<ProducedRecord>,
  load: {
    readonly devices: number;
    readonly eventsPerSecond: number;
    readonly seconds: number;
    readonly warmupSeconds: number;
  },
): Promise<DeviceLatency> => {
  const mapping = cloud.resources.mappings.aggregate;
  const aggregate = cloud.localFunction(cloud.resources.functions.aggregate);
  await startAtStreamTip(cloud, mapping.id);
  const publishedAt = new Map<string, number>();
  const toStream = new LatencyHistogram();
  const streamToRollup = new LatencyHistogram();
  const toRollup = new LatencyHistogram();
  const toRollupByHalf = [new LatencyHistogram(), new LatencyHistogram()] as const;
  let halfwayMs = Number.POSITIVE_INFINITY;
  const invokeMs = new LatencyHistogram();
  const aggregateFigures = { timing: false, invocations: 0, records: 0, writesBefore: 0 };
  const observe = (event: KinesisStreamEvent, result: unknown, doneMs: number) => {
    if (aggregateFigures.timing) {
      aggregateFigures.invocations++;
      aggregateFigures.records += event.Records.length;
    }
    const failed = failedIn(result);
    for (const { kinesis } of event.Records) {
      if (failed.has(kinesis.sequenceNumber)) continue;
      for (const eventId of eventIdsOf(kinesis.data)) {
        const published = publishedAt.get(eventId);
        if (published === undefined) continue;
        publishedAt.delete(eventId);
        const arrivalMs = kinesis.approximateArrivalTimestamp * 1000;
        toStream.add(arrivalMs - published);
        streamToRollup.add(doneMs - arrivalMs);
        toRollup.add(doneMs - published);
        toRollupByHalf[published < halfwayMs ? 0 : 1].add(doneMs - published);
      }
    }
  };
  const stop = new AbortController();
  const consuming = cloud.runMappings(stop.signal, {
    include: (id) => id === mapping.id,
    invokeOverride: (id) =>
      id === mapping.id
        ? async (event) => {
            const invokedMs = Date.now();
            const result = await aggregate.invoke(event);
            const doneMs = Date.now();
            if (aggregateFigures.timing) invokeMs.add(doneMs - invokedMs);
            observe(event, result, doneMs);
            return result;
          }
        : undefined,
  });
  const fleet = new DeviceFleetSimulator({
    seed: 14,
    devices: load.devices,
    meanTimeBetweenDropoutsMs: 1e12,
  });
  const writes: Promise<unknown>[] = [];
  let written = 0;
  let published = 0;
  try {
    const startedMs = Date.now();
    const warmupTicks = load.warmupSeconds * 10;
    const ticks = warmupTicks + load.seconds * 10;
    for (let tick = 1; tick <= ticks; tick++) {
      await sleep(Math.max(0, startedMs + tick * 100 - Date.now()));
      if (tick === warmupTicks + 1) {
        halfwayMs = Date.now() + load.seconds * 500;
        aggregateFigures.timing = true;
        aggregateFigures.writesBefore = cloud.metrics.get('RollupWrites');
      }
      const due = Math.round((load.eventsPerSecond * tick) / 10) - written;
      const records = Array.from({ length: due }, () => recordOf(fleet.next(Date.now())));
      written += records.length;
      if (tick > warmupTicks) {
        const now = Date.now();
        for (const record of records) if (record.event) publishedAt.set(record.event.eventId, now);
        published += records.length;
      }
      writes.push(writer.write(records));
    }
    await within(Promise.all(writes), 60_000, 'the latency load’s PUBACKs');
    // The last batch waits out the batching window, then the invocation: at most a few windows.
    const deadline = Date.now() + 3 * mapping.maximumBatchingWindowMs + 30_000;
    while (publishedAt.size > 0 && Date.now() < deadline) await sleep(50);
  } finally {
    stop.abort();
    await consuming;
  }
  return {
    devices: load.devices,
    eventsPerSecond: load.eventsPerSecond,
    seconds: load.seconds,
    published,
    seen: published - publishedAt.size,
    batchingWindowMs: mapping.maximumBatchingWindowMs,
    toStream,
    streamToRollup,
    toRollup,
    toRollupByHalf,
    invocations: aggregateFigures.invocations,
    invokedRecords: aggregateFigures.records,
    invokeMs,
    rollupWrites: cloud.metrics.get('RollupWrites') - aggregateFigures.writesBefore,
  };
};
