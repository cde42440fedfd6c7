import { DeviceFleetSimulator } from './devices.ts';
import { type ProducedRecord, type RecordSource, recordOf } from './source.ts';

/**
 * One simulated sensor under a real thing name: what the device program (`npm run device -- run`) publishes.
 * The fleet simulator's sensor, drift, anomalies and dropouts included, renamed from dev-0000 to `deviceId`.
 */
export class SingleDeviceSource implements RecordSource {
  private readonly sensor: DeviceFleetSimulator;

  constructor(
    private readonly deviceId: string,
    seed: number,
  ) {
    this.sensor = new DeviceFleetSimulator({ seed, devices: 1 });
  }

  next(nowMs: number): ProducedRecord {
    return recordOf({ ...this.sensor.next(nowMs), deviceId: this.deviceId });
  }
}
