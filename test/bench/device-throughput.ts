import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceCredentials } from '../../infra/local/iot/local-iot.ts';
import { deviceTopic } from '../../infra/local/iot/local-iot.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { LatencyHistogram } from '../../infra/local/metrics/latency-histogram.ts';
import { simulatedDeviceId } from '../../producers/devices.ts';
import { MqttDeviceWriter } from '../../producers/mqtt-device-writer.ts';
import type { ProducedRecord } from '../../producers/source.ts';
import { deviceCostLines } from './device-cost.ts';
import { drained, edgeCounts } from './device-edge-counts.ts';
import {
  connectInWaves,
  type DirectCell,
  type EdgeCell,
  runDirectCell,
  runEdgeCell,
  telemetryPool,
  timedConnector,
  within,
} from './device-fleet.ts';
import { type DeviceLatency, measureDeviceLatency } from './device-latency.ts';

// The device edge on 127.0.0.1 (MQTT over TLS → broker → topic rule → Kinesis action → kinesalite) against the same
// events put straight into Kinesis, in one run, on one fresh local cloud. `npx tsx test/bench/device-throughput.ts [--quick]`

/** Messages each device keeps unacknowledged in a cell (the writer allows 20, AWS IoT Core 100). */
const DEVICE_WINDOW = 10;
/** Messages at most between the devices and the stream in the paced cell: half the rule engine's queue (20,000). */
const MAX_IN_PATH = 10_000;
/** Connections opened at once: each wave's devices have their first PUBACK before the next wave starts. */
const WAVE_SIZE = 50;
/** The rule's Kinesis batcher sends PutRecords of up to 500 records, 4 at once: so does the baseline. */
const DIRECT = { batch: 500, inFlight: 4 } as const;
/** The fleet at its nominal pace for the latency run: one reading a second per device, at most. */
const LATENCY_EVENTS_PER_DEVICE_SECOND = 1;
/** Untimed load before the latency is timed: the aggregate's first (cold) invocation and one batching window. */
const LATENCY_WARMUP_SECONDS = 8;

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
const ms = (histogram: LatencyHistogram, percent: number) => {
  const value = histogram.percentile(percent);
  return value === undefined ? '–' : n(value, value >= 100 ? 0 : 1);
};

interface FleetStep {
  readonly devices: number;
  readonly registerMsPerDevice: number;
  readonly connectSeconds: number;
  readonly brokerConnected: number;
  /** Held to MAX_IN_PATH (the edge's capacity without loss), then unbounded (what a fleet's burst does). */
  readonly paced: EdgeCell;
  readonly unbounded: EdgeCell;
  readonly direct: DirectCell;
}

const CELL_HEADER =
  'devices  publishing              PUBACK msg/s  in stream msg/s  drain s  throttled  direct PutRecords rec/s  edge/direct';

const formatCell = (edge: EdgeCell, direct: DirectCell): string => {
  const toStream = edge.counts.streamRecords / edge.seconds;
  const directRate = direct.records / direct.seconds;
  const mode = edge.maxInPath === undefined ? 'unbounded' : `≤ ${n(edge.maxInPath)} in the path`;
  const other = edge.counts.actionsFailed + edge.counts.ruleErrors;
  const unsent = Object.entries({ ...edge.unsent, ...direct.failures }).map(
    ([why, count]) => `${why} ${count}`,
  );
  return (
    `${n(edge.devices).padStart(7)}  ${mode.padEnd(20)}  ${n(edge.acknowledged / edge.publishSeconds).padStart(12)}  ${n(toStream).padStart(15)}  ` +
    `${n(edge.seconds - edge.publishSeconds, 1).padStart(7)}  ${n(edge.counts.throttled).padStart(9)}  ${n(directRate).padStart(22)}  ${n(toStream / directRate, 2).padStart(11)}` +
    (other
      ? `   rule failures: ${n(edge.counts.actionsFailed)} failed, ${n(edge.counts.ruleErrors)} not evaluated`
      : '') +
    (unsent.length ? `   unsent/failed: ${unsent.join(', ')}` : '')
  );
};

const connectLine = (step: FleetStep, connectMs: LatencyHistogram, from: number) =>
  `devices ${n(from)}–${n(step.devices - 1)}: registered ${n(step.registerMsPerDevice, 1)} ms each; ` +
  `connected in waves of ${WAVE_SIZE} in ${n(step.connectSeconds, 1)} s (${n((step.devices - from) / step.connectSeconds)}/s); ` +
  `TLS + CONNECT → CONNACK p50 ${ms(connectMs, 50)} ms, p99 ${ms(connectMs, 99)} ms (all ${n(connectMs.count)} so far); broker sees ${n(step.brokerConnected)} connected`;

/**
 * Registers devices [from, to) through cloud.iot.register (certificate from the local CA), opens their connections
 * in waves, then runs devices [0, to) paced and unbounded, and the direct baseline with the same events.
 */
const fleetStep = async (
  cloud: LocalCloud,
  writer: MqttDeviceWriter<ProducedRecord>,
  credentials: Map<string, DeviceCredentials>,
  range: { readonly from: number; readonly to: number; readonly cellMs: number },
): Promise<FleetStep> => {
  const iot = cloud.iot;
  if (!iot)
    throw new Error(
      'the local cloud runs no MQTT broker: the stack declares no device policy and topic rule',
    );
  const registering = performance.now();
  for (let i = range.from; i < range.to; i++)
    credentials.set(simulatedDeviceId(i), await iot.register(simulatedDeviceId(i)));
  const registerMsPerDevice = (performance.now() - registering) / (range.to - range.from);
  const pool = telemetryPool(range.to, 20_000);
  const beforeConnecting = edgeCounts(cloud);
  const connectSeconds = await connectInWaves(writer, pool, { ...range, waveSize: WAVE_SIZE });
  // The first messages reach the stream before the cell counts anything.
  await drained(cloud, beforeConnecting, 60_000);
  const brokerConnected = iot.figures().connected;
  const cell = { devices: range.to, cellMs: range.cellMs, maxMessages: 500_000, window: DEVICE_WINDOW };
  const paced = await runEdgeCell(cloud, writer, pool, { ...cell, maxInPath: MAX_IN_PATH });
  const unbounded = await runEdgeCell(cloud, writer, pool, cell);
  const direct = await runDirectCell(cloud.clients.kinesis, cloud.resources.eventStream.name, pool.flat(), {
    cellMs: range.cellMs,
    maxRecords: 2_000_000,
    ...DIRECT,
  });
  return {
    devices: range.to,
    registerMsPerDevice,
    connectSeconds,
    brokerConnected,
    paced,
    unbounded,
    direct,
  };
};

const latencyLines = (latency: DeviceLatency): string[] => {
  const behind = latency.seen < latency.published;
  const meanRecords = latency.invokedRecords / Math.max(1, latency.invocations);
  const [first, second] = latency.toRollupByHalf;
  // Kept up: the later events waited no longer than the earlier ones, give or take a batching window.
  const kept = (second.percentile(50) ?? 0) <= (first.percentile(50) ?? 0) + latency.batchingWindowMs;
  return [
    `latency, ${n(latency.devices)} devices publishing ${n(latency.eventsPerSecond)} events/s in all for ${latency.seconds} s (after a ${n(LATENCY_WARMUP_SECONDS)} s warm-up), aggregate mapping running (batching window ${n(latency.batchingWindowMs / 1000, 1)} s): ` +
      `${n(latency.seen)} of ${n(latency.published)} events seen in a rollup write${behind ? ' — NOT ALL within the wait: the aggregate fell behind; the percentiles are of the events seen only' : ''}`,
    `  publish → in the stream (ApproximateArrivalTimestamp)       p50 ${ms(latency.toStream, 50)} ms, p99 ${ms(latency.toStream, 99)} ms`,
    `  in the stream → its aggregate invocation returned          p50 ${ms(latency.streamToRollup, 50)} ms, p99 ${ms(latency.streamToRollup, 99)} ms`,
    `  publish → rollup written (end to end)                     p50 ${ms(latency.toRollup, 50)} ms, p99 ${ms(latency.toRollup, 99)} ms` +
      ` (p50 of events published in the first half ${ms(first, 50)} ms, in the second ${ms(second, 50)} ms: ${kept ? 'kept up' : 'growing, the consumer falls behind'})`,
    `  the aggregate meanwhile: ${n(latency.invocations)} invocations of ${n(meanRecords)} records on average, each p50 ${ms(latency.invokeMs, 50)} ms, p99 ${ms(latency.invokeMs, 99)} ms; ${n(latency.rollupWrites)} rollup writes (${n(latency.rollupWrites / Math.max(1, latency.invocations))} per invocation)`,
  ];
};

export const printDeviceBench = async (quick: boolean): Promise<void> => {
  const cellMs = quick ? 3_000 : 10_000;
  console.log(
    `\n## Device edge, local (MQTT over TLS → aedes → topic rule → Kinesis action → kinesalite), ${cellMs / 1000} s per cell, fresh local cloud`,
  );
  // Cells are comparable within a run only: the machine's load (other processes) moves all of them.
  console.log(
    `load average at start ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  );
  const connectMs = new LatencyHistogram();
  const credentials = new Map<string, DeviceCredentials>();
  const cloud = await LocalCloud.start();
  const writer = new MqttDeviceWriter<ProducedRecord>({
    credentials: async (deviceId) => {
      const known = credentials.get(deviceId);
      if (!known) throw new Error(`device ${deviceId} was not registered by the bench`);
      return known;
    },
    connect: timedConnector(connectMs),
    flushTimeoutMs: 10_000,
    // The broker and rule engine's throughput per message: one event a message, as before devices batched (D36).
    eventsPerMessage: 1,
  });
  try {
    const steps: FleetStep[] = [];
    for (const [from, to] of [
      [0, 100],
      [100, 1000],
    ] as const) {
      const step = await fleetStep(cloud, writer, credentials, { from, to, cellMs });
      console.log(connectLine(step, connectMs, from));
      steps.push(step);
      const capacity = step.paced.counts.streamRecords / step.paced.seconds;
      // Half the measured capacity at most: latency at saturation would measure the queue, not the path.
      const eventsPerSecond = Math.max(
        10,
        Math.round(Math.min(step.devices * LATENCY_EVENTS_PER_DEVICE_SECOND, capacity / 2)),
      );
      const latency = await measureDeviceLatency(cloud, writer, {
        devices: step.devices,
        eventsPerSecond,
        seconds: quick ? 8 : 20,
        warmupSeconds: LATENCY_WARMUP_SECONDS,
      });
      for (const line of latencyLines(latency)) console.log(line);
    }
    console.log(
      `throughput, ${cellMs / 1000} s per cell, devices writing ${DEVICE_WINDOW} messages at a time (QoS 1), no consumer running; PUBACK = what the broker acknowledged while the devices published; ` +
        `in stream = records kinesalite took from the rule's Kinesis action, first publish → last record in; throttled = dropped by the rule engine, its queue full; ` +
        `direct = the same events as PutRecords of ${DIRECT.batch}, ${DIRECT.inFlight} at once (as the rule's batcher sends them)`,
    );
    console.log(CELL_HEADER);
    for (const step of steps) {
      console.log(formatCell(step.paced, step.direct));
      console.log(formatCell(step.unbounded, step.direct));
    }
    const pool = telemetryPool(100, 2_000).flat();
    const eventBytes = pool.reduce((sum, r) => sum + r.data.byteLength, 0) / pool.length;
    for (const line of deviceCostLines(
      Math.round(eventBytes),
      Buffer.byteLength(deviceTopic(simulatedDeviceId(0))),
    ))
      console.log(line);
  } finally {
    await within(writer.close(), 30_000, 'closing the device connections').catch((error: unknown) =>
      console.log(String(error)),
    );
    await cloud.stop();
  }
};

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  process.removeAllListeners('warning');
  await printDeviceBench(process.argv.includes('--quick'));
  process.exit(0);
}
