import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import type { LatencyHistogram } from '../../infra/local/metrics/latency-histogram.ts';
import { DeviceFleetSimulator, simulatedDeviceId } from '../../producers/devices.ts';
import { connectOverTls, type DeviceConnector } from '../../producers/mqtt-connect.ts';
import type { MqttDeviceWriter } from '../../producers/mqtt-device-writer.ts';
import { type ProducedRecord, recordOf } from '../../producers/source.ts';
import type { RecordOutcome } from '../../producers/write-outcome.ts';
import { delta, drained, type EdgeCounts, edgeCounts, settledOf } from './device-edge-counts.ts';

// Drives simulated devices through the project's MQTT device writer (one TLS connection per device, QoS 1) and,
// as the baseline, the same events straight into Kinesis; counts what the stream accepted, not what was sent.

/** Dropouts would silence devices mid-cell: a mean time between them far beyond any run. */
const NO_DROPOUTS_MS = 1e12;

/** Each device's own telemetry (about `total` events in all), made once so a cell spends nothing making events. */
export const telemetryPool = (devices: number, total: number, seed = 13): ProducedRecord[][] => {
  const fleet = new DeviceFleetSimulator({ seed, devices, meanTimeBetweenDropoutsMs: NO_DROPOUTS_MS });
  const byDevice = new Map<string, ProducedRecord[]>();
  const start = Date.now();
  for (let i = 0; i < Math.max(total, devices); i++) {
    const record = recordOf(fleet.next(start + i));
    const own = byDevice.get(record.partitionKey) ?? [];
    own.push(record);
    byDevice.set(record.partitionKey, own);
  }
  return Array.from({ length: devices }, (_, i) => {
    const own = byDevice.get(simulatedDeviceId(i));
    if (!own) throw new Error(`the fleet simulator made no event for ${simulatedDeviceId(i)}: raise total`);
    return own;
  });
};

/** The device writer's TLS connector, timing each connection from the socket's opening to the broker's CONNACK. */
export const timedConnector =
  (connectMs: LatencyHistogram): DeviceConnector =>
  (credentials, settings) => {
    const startedMs = performance.now();
    const client = connectOverTls(credentials, settings);
    client.once('connect', () => connectMs.add(performance.now() - startedMs));
    return client;
  };

/** Rejects with `what` once `ms` pass: every wait of the bench is bounded. */
export const within = async <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
};

const firstFailure = (outcomes: readonly RecordOutcome<ProducedRecord>[]) => {
  const failed = outcomes.find((outcome) => outcome.status !== 'accepted');
  return failed && failed.status === 'unsent' ? `${failed.errorCode}: ${failed.errorMessage}` : undefined;
};

/**
 * Opens the connections of devices [from, to) `waveSize` at a time: each device publishes its first message and
 * the next wave starts once the whole wave has its PUBACKs, so the broker never faces a thousand TLS handshakes
 * at once. Returns the seconds it took.
 */
export const connectInWaves = async (
  writer: MqttDeviceWriter<ProducedRecord>,
  pool: readonly ProducedRecord[][],
  range: { readonly from: number; readonly to: number; readonly waveSize: number },
): Promise<number> => {
  const startedMs = performance.now();
  for (let first = range.from; first < range.to; first += range.waveSize) {
    const devices = pool.slice(first, Math.min(range.to, first + range.waveSize));
    const wave = devices.map((records) => writer.write(records.slice(0, 1)));
    const what = `connecting devices ${simulatedDeviceId(first)}… (a wave of ${devices.length})`;
    const failure = firstFailure((await within(Promise.all(wave), 60_000, what)).flat());
    if (failure) throw new Error(`${what}: a device did not publish its first message (${failure})`);
  }
  return (performance.now() - startedMs) / 1000;
};

/** One edge cell: `devices` devices each publishing `window` messages at a time, back to back. */
export interface EdgeCell {
  readonly devices: number;
  /** At most this many messages between the devices and the stream; undefined: as fast as PUBACKs come. */
  readonly maxInPath: number | undefined;
  /** Messages acknowledged (PUBACK) and the seconds the devices published for. */
  readonly acknowledged: number;
  readonly publishSeconds: number;
  /** From the first publish to the last record in the stream. */
  readonly seconds: number;
  readonly counts: EdgeCounts;
  /** Messages the writer could not send, by error code. */
  readonly unsent: Readonly<Record<string, number>>;
}

export interface EdgeCellLimits {
  readonly devices: number;
  readonly cellMs: number;
  readonly maxMessages: number;
  /** Messages a device writes at a time and waits the PUBACKs of. */
  readonly window: number;
  /**
   * Messages at most between the devices and the stream (written, their rule not yet done): the broker
   * acknowledges a QoS 1 publish before its rule runs, so PUBACKs alone never slow a fleet down, and an unbounded
   * fleet overruns the rule engine's queue (throttled). Undefined: unbounded.
   */
  readonly maxInPath?: number;
}

/** Runs the first `devices` devices of `pool` until `cellMs` passed or `maxMessages` were written, then drains. */
export const runEdgeCell = async (
  cloud: LocalCloud,
  writer: MqttDeviceWriter<ProducedRecord>,
  pool: readonly ProducedRecord[][],
  limits: EdgeCellLimits,
): Promise<EdgeCell> => {
  const before = edgeCounts(cloud);
  const unsent: Record<string, number> = {};
  let written = 0;
  let acknowledged = 0;
  let settled = 0;
  const startedMs = performance.now();
  const deadline = startedMs + limits.cellMs;
  const maxInPath = limits.maxInPath ?? Number.POSITIVE_INFINITY;
  const room = () => maxInPath - (written - settled);
  // Devices held back wait in turn; every 5 ms the edge's counts say how many windows may go.
  const waiting: (() => void)[] = [];
  const ticker = setInterval(() => {
    settled = settledOf(delta(edgeCounts(cloud), before));
    const over = performance.now() >= deadline;
    for (let free = room(); waiting.length > 0 && (over || free >= limits.window); free -= limits.window)
      waiting.shift()?.();
  }, 5);
  const device = async (records: readonly ProducedRecord[]) => {
    let cursor = 1; // the first one opened the connection
    while (performance.now() < deadline && written < limits.maxMessages) {
      if (room() < limits.window) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const chunk = Array.from({ length: limits.window }, (_, i) => records[(cursor + i) % records.length]);
      cursor += limits.window;
      written += chunk.length;
      for (const outcome of await writer.write(chunk as ProducedRecord[])) {
        if (outcome.status === 'accepted') acknowledged++;
        else unsent[outcome.errorCode] = (unsent[outcome.errorCode] ?? 0) + 1;
      }
    }
  };
  try {
    const devices = pool.slice(0, limits.devices).map(device);
    await within(Promise.all(devices), limits.cellMs + 60_000, `${limits.devices} devices publishing`);
  } finally {
    clearInterval(ticker);
  }
  const publishSeconds = (performance.now() - startedMs) / 1000;
  const counts = await drained(cloud, before, 120_000);
  return {
    devices: limits.devices,
    maxInPath: limits.maxInPath,
    acknowledged,
    publishSeconds,
    seconds: (performance.now() - startedMs) / 1000,
    counts,
    unsent,
  };
};

/** The baseline: the same events as PutRecords of `batch` records, `inFlight` at once, as the rule's batcher sends. */
export interface DirectCell {
  readonly records: number;
  readonly seconds: number;
  readonly failures: Readonly<Record<string, number>>;
}

export const runDirectCell = async (
  kinesis: KinesisClient,
  streamName: string,
  records: readonly ProducedRecord[],
  limits: {
    readonly cellMs: number;
    readonly maxRecords: number;
    readonly batch: number;
    readonly inFlight: number;
  },
): Promise<DirectCell> => {
  const failures: Record<string, number> = {};
  let sent = 0;
  let accepted = 0;
  let cursor = 0;
  const startedMs = performance.now();
  const deadline = startedMs + limits.cellMs;
  const loop = async () => {
    while (performance.now() < deadline && sent < limits.maxRecords) {
      const batch = Array.from({ length: limits.batch }, (_, i) => records[(cursor + i) % records.length]);
      cursor = (cursor + limits.batch) % records.length;
      sent += batch.length;
      try {
        const output = await kinesis.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: (batch as ProducedRecord[]).map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })),
          }),
        );
        accepted += batch.length - (output.FailedRecordCount ?? 0);
        if (output.FailedRecordCount) failures.FailedRecordCount = (failures.FailedRecordCount ?? 0) + 1;
      } catch (error) {
        const name = error instanceof Error ? error.name : String(error);
        failures[name] = (failures[name] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: limits.inFlight }, loop));
  return { records: accepted, seconds: (performance.now() - startedMs) / 1000, failures };
};
