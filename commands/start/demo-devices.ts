import type { DeviceCredentials, LocalIot } from '../../infra/local/iot/local-iot.ts';
import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import { simulatedDeviceId } from '../../producers/devices.ts';
import type { DeviceBatchSettings } from '../../producers/mqtt-device-options.ts';
import type { StartOptions } from './start-options.ts';

/** The simulated devices registered with the local CA, ready to publish over MQTT. */
export interface DemoDevices {
  readonly iot: LocalIot;
  /** Each simulated device's certificate, key, CA, endpoint and topic, by device id. */
  readonly credentials: ReadonlyMap<string, DeviceCredentials>;
  /** How each device packs its events into messages, as given (the writer's defaults for the rest). */
  readonly batching?: DeviceBatchSettings;
  readonly registered: number;
  /** How long registering them took (a new certificate each the first time, the kept one after). */
  readonly registerMs: number;
}

/**
 * Registers every simulated device with the local cloud's CA and registry (kept in the state folder, so a
 * restart reuses them) before producing, so no device waits for its certificate mid-run. Undefined when the
 * devices go straight to Kinesis: asked for, or the default for a stack without the device edge.
 */
export const registerDemoDevices = async (
  cloud: LocalCloud,
  options: Pick<StartOptions, 'devices' | 'devicesVia' | 'deviceBatching'>,
): Promise<DemoDevices | undefined> => {
  const { iot } = cloud;
  if ((options.devicesVia ?? (iot ? 'mqtt' : 'kinesis')) === 'kinesis') return undefined;
  if (!iot) {
    throw new Error(
      '--devices-via mqtt needs the device edge, but the stack declares no IoT topic rule and device policy, so the local cloud runs no broker: use --devices-via kinesis',
    );
  }
  const startedMs = performance.now();
  const credentials = new Map<string, DeviceCredentials>();
  for (let index = 0; index < options.devices; index++) {
    const deviceId = simulatedDeviceId(index);
    credentials.set(deviceId, await iot.register(deviceId));
  }
  return {
    iot,
    credentials,
    ...(options.deviceBatching ? { batching: options.deviceBatching } : {}),
    registered: credentials.size,
    registerMs: performance.now() - startedMs,
  };
};
