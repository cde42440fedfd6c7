import { join } from 'node:path';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import { deviceFolder } from '../../infra/local/iot/device-registry.ts';
import type { DeviceCredentials } from '../../infra/local/iot/local-iot.ts';
import { deviceFiguresText } from '../../producers/device-figures.ts';
import { SingleDeviceSource } from '../../producers/device-source.ts';
import type { MqttDeviceWriterOptions } from '../../producers/mqtt-device-writer.ts';
import { ProgressDisplay } from '../../producers/progress.ts';
import { runProducers } from '../../producers/run-producers.ts';
import type { ProducedRecord } from '../../producers/source.ts';
import { formatSummary } from '../../producers/summary-text.ts';
import { readDeviceFolder } from './device-files.ts';
import type { DeviceOptions } from './device-options.ts';

/** The broker of the local cloud running on `stateDir`, from its cloud.json; undefined when none runs there. */
export const runningLocalBroker = (stateDir: string): string | undefined => {
  try {
    return readCloudState(stateDir).mqtt;
  } catch {
    return undefined;
  }
};

/**
 * The device's credentials from its folder, with the endpoint to use: the one asked for, else (locally) the
 * running cloud's broker, whose port may have changed since registration, else the one its folder names.
 */
export const deviceCredentialsOf = (options: DeviceOptions): DeviceCredentials => {
  const { deviceId, local, stateDir } = options;
  const folder = local ? deviceFolder(stateDir, deviceId) : join(options.dir, deviceId);
  const device = readDeviceFolder(folder, deviceId);
  const endpoint =
    options.run.endpoint ?? (local ? runningLocalBroker(stateDir) : undefined) ?? device.endpoint;
  if (!endpoint) {
    throw new Error(
      `no endpoint for device ${deviceId}: start the local cloud (npm start) so ${join(stateDir, 'cloud.json')} names its broker, or pass --endpoint mqtts://host:port`,
    );
  }
  return {
    deviceId,
    endpoint,
    certificatePem: device.certificatePem,
    privateKeyPem: device.privateKeyPem,
    caPem: device.caPem,
    topic: device.topic,
  };
};

/**
 * The device program: one simulated sensor publishing over MQTT with the device's own certificate, at `rate`
 * events per second, until the duration ends or `signal` aborts. Prints progress, then what was sent and what
 * the device saw of the broker. Exit status 0 when every message was acknowledged.
 */
export const runDeviceProgram = async (
  credentials: DeviceCredentials,
  options: DeviceOptions,
  signal: AbortSignal,
  /** Tests give the memory broker's connector. @default connectOverTls */
  connect?: MqttDeviceWriterOptions<ProducedRecord>['connect'],
): Promise<number> => {
  const { run } = options;
  const { eventsPerMessage, maxMessageBytes, maxDelayMs } = run;
  const batching = {
    ...(eventsPerMessage === undefined ? {} : { eventsPerMessage }),
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
    ...(maxDelayMs === undefined ? {} : { maxDelayMs }),
  };
  console.error(
    `device ${credentials.deviceId} → ${credentials.endpoint} topic ${credentials.topic}, ${run.rate} events/s ${run.forever ? 'until Ctrl-C' : `for ${run.durationSeconds}s`}`,
  );
  const display = new ProgressDisplay();
  try {
    const summary = await runProducers({
      source: new SingleDeviceSource(credentials.deviceId, run.seed),
      deviceEdge: { credentials: async () => credentials, ...batching, ...(connect ? { connect } : {}) },
      rate: run.rate,
      durationSeconds: run.durationSeconds,
      forever: run.forever,
      signal,
      onProgress: (progress) => display.update(progress),
    });
    display.close();
    console.log(formatSummary(summary));
    if (summary.devices) console.log(`device: ${deviceFiguresText(summary.devices)}`);
    return summary.unsentCount > 0 || summary.fatalError ? 1 : 0;
  } finally {
    display.close();
  }
};
