import { generateKeyPairSync } from 'node:crypto';
import type { MetricStore } from '../metrics/metric-store.ts';
import { BrokerRecord } from './broker-record.ts';
import { serverCertificate } from './certificates.ts';
import { DeviceAuthority } from './device-authority.ts';
import { RegistryView } from './device-registry.ts';
import { IotPolicy, type IotPolicyPlan } from './iot-policy.ts';
import { localCa } from './local-ca.ts';
import { registerLocalDevice, revokeLocalDevice } from './local-devices.ts';
import type { DeviceCredentials, IotFigures, LocalIot, PublishSink } from './local-iot.ts';
import { MqttBroker } from './mqtt-broker.ts';

export interface LocalIotOptions {
  /** The loopback port the broker listens on (mqtts). */
  readonly port: number;
  /** The folder whose `iot/` holds the CA, the registry and the devices' files: the state folder, or a scratch one. */
  readonly filesDir: string;
  /** `logs/iot.log` (a RotatingLog with IOT_LOG_ROTATION): one line per refusal; none when unset. */
  readonly log?: { append(line: string): void };
  /** The IoT policy every registered device's certificate has attached (the stack's DevicePolicyName). */
  readonly policy: IotPolicyPlan;
  /** Where accepted publishes go: the rule engine. */
  readonly sink: PublishSink;
  readonly store: MetricStore;
  readonly account: { readonly region: string; readonly accountId: string };
}

/** The local IoT Core: the broker, the CA and the registry of one local cloud (see local-iot.ts). */
class RunningLocalIot implements LocalIot {
  readonly url: string;

  constructor(
    private readonly broker: MqttBroker,
    private readonly record: BrokerRecord,
    private readonly options: LocalIotOptions,
    readonly caPem: string,
  ) {
    this.url = `mqtts://127.0.0.1:${options.port}`;
  }

  async register(deviceId: string): Promise<DeviceCredentials> {
    const {
      endpoint: _,
      folder: __,
      certificateId: ___,
      ...device
    } = registerLocalDevice(this.options.filesDir, deviceId, { endpoint: this.url });
    return { ...device, endpoint: this.url };
  }

  async revoke(deviceId: string): Promise<void> {
    this.broker.disconnect(revokeLocalDevice(this.options.filesDir, deviceId));
  }

  figures(): IotFigures {
    return this.record.figures(this.broker.connected, this.options.sink.figures?.());
  }

  async restart(): Promise<void> {
    await this.broker.stop();
    await this.broker.start();
  }

  async stop(): Promise<void> {
    await this.broker.stop();
    await this.options.sink.stop?.();
  }
}

/**
 * Starts the local IoT Core: the CA of `filesDir` (made on first start), a server certificate for 127.0.0.1 signed
 * by it, the template's device policy compiled (a statement it cannot evaluate fails here, naming the policy) and
 * the broker listening on 127.0.0.1:`port`.
 */
export const startLocalIot = async (options: LocalIotOptions): Promise<LocalIot> => {
  const policy = IotPolicy.compile(options.policy);
  const ca = localCa(options.filesDir);
  const server = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tls = {
    caPem: ca.certificatePem,
    certificatePem: serverCertificate(server.publicKey, ca.issuer),
    privateKeyPem: server.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
  const record = new BrokerRecord(options.store, options.account, options.log);
  const authority = new DeviceAuthority(new RegistryView(options.filesDir), policy, options.account);
  const broker = new MqttBroker(options.port, { tls, authority, record, sink: options.sink });
  await broker.start();
  return new RunningLocalIot(broker, record, options, ca.certificatePem);
};
