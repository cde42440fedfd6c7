import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateId, deviceCertificate } from './certificates.ts';
import {
  activeCertificates,
  assertDeviceId,
  DEVICE_FILES,
  type DeviceFile,
  type DeviceRegistry,
  deviceFile,
  deviceFolder,
  type RegisteredCertificate,
  updateRegistry,
} from './device-registry.ts';
import { localCa, writeFileAtomically } from './local-ca.ts';
import type { DeviceCredentials } from './local-iot.ts';

/** A device registered with the local CA: its credentials (the endpoint when known) and where they are kept. */
export interface LocalDevice extends Omit<DeviceCredentials, 'endpoint'> {
  readonly endpoint?: string;
  readonly certificateId: string;
  /** `<stateDir>/iot/devices/<id>/`: certificate.pem, private-key.pem, ca.pem, device.json. */
  readonly folder: string;
}

/** The device's files as written, when they hold the certificate `expectedId`; else undefined. */
const readDeviceFiles = (stateDir: string, deviceId: string, expectedId: string): LocalDevice | undefined => {
  const folder = deviceFolder(stateDir, deviceId);
  const path = (name: string) => join(folder, name);
  if (!Object.values(DEVICE_FILES).every((name) => existsSync(path(name)))) return undefined;
  const certificatePem = readFileSync(path(DEVICE_FILES.certificate), 'utf8');
  if (certificateId(certificatePem) !== expectedId) return undefined;
  const described = JSON.parse(readFileSync(path(DEVICE_FILES.device), 'utf8')) as DeviceFile;
  return {
    deviceId,
    certificatePem,
    privateKeyPem: readFileSync(path(DEVICE_FILES.privateKey), 'utf8'),
    caPem: readFileSync(path(DEVICE_FILES.ca), 'utf8'),
    topic: described.topic,
    certificateId: expectedId,
    folder,
    ...(described.endpoint ? { endpoint: described.endpoint } : {}),
  };
};

const writeDeviceFiles = (stateDir: string, device: Omit<LocalDevice, 'folder'>): LocalDevice => {
  const folder = deviceFolder(stateDir, device.deviceId);
  writeFileAtomically(join(folder, DEVICE_FILES.privateKey), device.privateKeyPem, 0o600);
  writeFileAtomically(join(folder, DEVICE_FILES.certificate), device.certificatePem);
  writeFileAtomically(join(folder, DEVICE_FILES.ca), device.caPem);
  writeFileAtomically(
    join(folder, DEVICE_FILES.device),
    JSON.stringify(deviceFile(device.deviceId, device.certificateId, device.endpoint), null, 2),
  );
  return { ...device, folder };
};

/** The registry's certificates with `ids` marked REVOKED. */
const revoked = (
  registry: DeviceRegistry,
  ids: readonly string[],
  now: Date,
): Record<string, RegisteredCertificate> => {
  const certificates = { ...registry.certificates };
  for (const id of ids) {
    const entry = certificates[id];
    if (entry) certificates[id] = { ...entry, status: 'REVOKED', revokedAt: now.toISOString() };
  }
  return certificates;
};

/**
 * Registers `deviceId` with the state folder's local CA, as `npm run device -- register` does on AWS (thing,
 * certificate, attachment): issues a certificate (subject CN = the device id, an EC P-256 key), records the
 * thing ↔ certificate attachment in registry.json and writes the device's folder. Idempotent: a device with an
 * ACTIVE certificate whose files are intact gets them back (with `endpoint` updated). Needs no running cloud; a
 * running broker accepts the device at its next connection.
 */
export const registerLocalDevice = (
  stateDir: string,
  deviceId: string,
  options: { readonly endpoint?: string; readonly now?: Date } = {},
): LocalDevice => {
  assertDeviceId(deviceId);
  const ca = localCa(stateDir);
  return updateRegistry(stateDir, (registry) => {
    for (const id of activeCertificates(registry, deviceId)) {
      const kept = readDeviceFiles(stateDir, deviceId, id);
      if (!kept) continue;
      const device =
        options.endpoint && kept.endpoint !== options.endpoint
          ? writeDeviceFiles(stateDir, { ...kept, endpoint: options.endpoint })
          : kept;
      return { registry, result: device };
    }
    // No usable certificate (none yet, or its files are gone): a new one; a lost one is revoked, as it may leak.
    const now = options.now ?? new Date();
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const certificatePem = deviceCertificate(deviceId, publicKey, ca.issuer, now);
    const id = certificateId(certificatePem);
    const device = writeDeviceFiles(stateDir, {
      deviceId,
      certificatePem,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      caPem: ca.certificatePem,
      topic: deviceFile(deviceId, id).topic,
      certificateId: id,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    const certificates = revoked(registry, activeCertificates(registry, deviceId), now);
    certificates[id] = { thingName: deviceId, status: 'ACTIVE', issuedAt: now.toISOString() };
    return { registry: { certificates }, result: device };
  });
};

/**
 * Revokes every ACTIVE certificate of `deviceId` (as `npm run device -- revoke` makes it INACTIVE on AWS): the
 * broker refuses it from its next connection (and a broker in this process ends its live one). The files stay.
 * Returns the certificate ids revoked; throws for a device never registered here.
 */
export const revokeLocalDevice = (stateDir: string, deviceId: string, now = new Date()): string[] => {
  assertDeviceId(deviceId);
  return updateRegistry(stateDir, (registry) => {
    const known = Object.values(registry.certificates).some((entry) => entry.thingName === deviceId);
    if (!known) {
      throw new Error(
        `no device ${deviceId} is registered in ${stateDir}: nothing to revoke (register it with npm run device -- register ${deviceId} --local)`,
      );
    }
    const active = activeCertificates(registry, deviceId);
    if (active.length === 0) return { registry, result: active };
    return { registry: { certificates: revoked(registry, active, now) }, result: active };
  });
};
