import type { KinesisStreamEvent } from 'aws-lambda';
import type { Invoke, PollerObserver } from '../../../infra/local/esm/kinesis-poller.ts';
import type { LocalCloud } from '../../../infra/local/local-cloud.ts';
import { eventually } from './local-cloud-fixture.ts';

export interface DrainLog {
  invocations: { records: number; outcome: string; events: KinesisStreamEvent }[];
  discarded: { records: number; condition: string; key?: string }[];
  handled: number;
}

/**
 * Runs the cloud's event source mappings until `expected` records are checkpointed (handled or
 * discarded), then stops them the way Ctrl-C does. `wrap` can stand between poller and function.
 */
export const runUntilDrained = async (
  cloud: LocalCloud,
  expected: number,
  wrap?: (invoke: Invoke) => Invoke,
  timeoutMs = 90_000,
): Promise<DrainLog> => {
  const log: DrainLog = { invocations: [], discarded: [], handled: 0 };
  const aggregate = cloud.resources.mappings.aggregate.id;
  const controller = new AbortController();
  const fn = cloud.localFunction(cloud.resources.functions.aggregate);
  const real: Invoke = (event) => fn.invoke(event);
  const wrapped = wrap ? wrap(real) : real;
  // One batch at a time per shard, so the shard's latest event is the one this outcome belongs to.
  const latestByShard = new Map<string, KinesisStreamEvent>();
  const observer: PollerObserver = {
    onInvoke: (info) => {
      if (info.mappingId !== aggregate) return;
      log.invocations.push({ ...info, events: latestByShard.get(info.shardId) as KinesisStreamEvent });
    },
    onCheckpoint: (info) => {
      if (info.mappingId === aggregate) log.handled += info.records;
    },
    onDiscard: (info) => {
      if (info.mappingId === aggregate) log.discarded.push(info);
    },
  };
  const running = cloud.runMappings(controller.signal, {
    observer,
    invokeOverride: (id) =>
      id !== aggregate
        ? undefined
        : (event) => {
            latestByShard.set(event.Records[0]?.eventID.split(':')[0] ?? '', event);
            return wrapped(event);
          },
  });
  try {
    await eventually(() => log.handled >= expected, timeoutMs, `${expected} records to be checkpointed`);
  } finally {
    controller.abort();
    await running;
  }
  return log;
};
