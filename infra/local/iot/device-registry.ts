import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock } from './file-lock.ts';
import { iotFolder, iotLock, writeFileAtomically } from './local-ca.ts';
import { deviceTopic } from './local-iot.ts';

/** ACTIVE certificates may connect; REVOKED ones are refused (IoT Core's INACTIVE/REVOKED). */
export type CertificateStatus = 'ACTIVE' | 'REVOKED';

/** One certificate the local CA issued, and the thing attached to it. */
export interface RegisteredCertificate {
  readonly thingName: string;
  readonly status: CertificateStatus;
  readonly issuedAt: string;
  readonly revokedAt?: string;
}

/** `registry.json`: every certificate ever issued, by certificate id (the SHA-256 of its DER, as on AWS IoT). */
export interface DeviceRegistry {
  readonly certificates: Readonly<Record<string, RegisteredCertificate>>;
}

/** AWS IoT's thing-name pattern: the device id is the thing name and the client id, and names a folder. */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

export const assertDeviceId = (deviceId: string): void => {
  if (!THING_NAME.test(deviceId)) {
    throw new Error(
      `device id ${JSON.stringify(deviceId)} is not a valid thing name: use 1 to 128 letters, digits, ':', '_' or '-'`,
    );
  }
};

export const registryFile = (stateDir: string): string => join(iotFolder(stateDir), 'registry.json');

/** The files a device's folder holds (`<stateDir>/iot/devices/<id>/`), named as the AWS registration names them. */
export const DEVICE_FILES = {
  certificate: 'certificate.pem',
  privateKey: 'private-key.pem',
  ca: 'ca.pem',
  device: 'device.json',
} as const;

export const deviceFolder = (stateDir: string, deviceId: string): string =>
  join(iotFolder(stateDir), 'devices', deviceId);

/** The registry as written; an empty one before the first registration. */
export const readRegistry = (stateDir: string): DeviceRegistry => {
  const file = registryFile(stateDir);
  if (!existsSync(file)) return { certificates: {} };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DeviceRegistry>;
  if (typeof parsed.certificates !== 'object' || parsed.certificates === null) {
    throw new Error(
      `${file} has no "certificates" object (given ${JSON.stringify(parsed).slice(0, 200)}): remove it and register the devices again`,
    );
  }
  return parsed as DeviceRegistry;
};

/**
 * Changes the registry under its lock: `change` gets the current registry and returns the next one (or the same
 * object for no change). Synchronous, so the lock is held for milliseconds.
 */
export const updateRegistry = <T>(
  stateDir: string,
  change: (registry: DeviceRegistry) => { registry: DeviceRegistry; result: T },
): T =>
  withFileLock(iotLock(stateDir, { create: true }), () => {
    const before = readRegistry(stateDir);
    const { registry, result } = change(before);
    if (registry !== before) writeFileAtomically(registryFile(stateDir), JSON.stringify(registry, null, 2));
    return result;
  });

/** The ACTIVE certificate ids attached to `thingName`. */
export const activeCertificates = (registry: DeviceRegistry, thingName: string): string[] =>
  Object.entries(registry.certificates)
    .filter(([, entry]) => entry.thingName === thingName && entry.status === 'ACTIVE')
    .map(([id]) => id);

/**
 * The registry as the broker reads it on each connection: read again whenever registry.json changed (size or
 * mtime), so a device registered or revoked by another process (`npm run device -- register --local`) counts
 * at its next connection, with no restart.
 */
export class RegistryView {
  private seen = '';
  private registry: DeviceRegistry = { certificates: {} };

  constructor(private readonly stateDir: string) {}

  /** The certificate's entry, or undefined for a certificate this registry never recorded. */
  certificate(certificateId: string): RegisteredCertificate | undefined {
    return this.current().certificates[certificateId];
  }

  current(): DeviceRegistry {
    const stat = statSync(registryFile(this.stateDir), { throwIfNoEntry: false });
    const version = stat ? `${stat.size}:${stat.mtimeMs}:${stat.ino}` : '';
    if (version !== this.seen) {
      this.registry = readRegistry(this.stateDir);
      this.seen = version;
    }
    return this.registry;
  }
}

/** What `device.json` says: who the device is and where it publishes. */
export interface DeviceFile {
  readonly deviceId: string;
  readonly clientId: string;
  readonly topic: string;
  readonly certificateId: string;
  /** The broker's `mqtts://127.0.0.1:<port>`, when known at registration (the port may change between starts). */
  readonly endpoint?: string;
}

export const deviceFile = (deviceId: string, certificateId: string, endpoint?: string): DeviceFile => ({
  deviceId,
  clientId: deviceId,
  topic: deviceTopic(deviceId),
  certificateId,
  ...(endpoint ? { endpoint } : {}),
});
