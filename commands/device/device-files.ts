import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE_FILES, type DeviceFile, deviceFile } from '../../infra/local/iot/device-registry.ts';
import { writeFileAtomically } from '../../infra/local/iot/local-ca.ts';
import type { DeviceCredentials } from '../../infra/local/iot/local-iot.ts';

/**
 * What a device's folder holds, on AWS as locally: certificate.pem, private-key.pem, ca.pem and device.json
 * (the names and device.json's shape are the local registry's, infra/local/iot/device-registry.ts).
 */
export interface DeviceFolder extends Omit<DeviceCredentials, 'endpoint'> {
  /** Absent for a local device registered while no broker ran. */
  readonly endpoint?: string;
  readonly certificateId: string;
  /** The certificate's ARN on AWS; absent for a local device. */
  readonly certificateArn?: string;
}

/** device.json of a device registered on AWS: the local one plus the certificate's ARN. */
interface AwsDeviceFile extends DeviceFile {
  readonly certificateArn?: string;
}

/** Writes the device's four files into `folder` (made if need be); the private key readable by its owner only. */
export const writeDeviceFolder = (folder: string, device: DeviceFolder): void => {
  writeFileAtomically(join(folder, DEVICE_FILES.privateKey), device.privateKeyPem, 0o600);
  writeFileAtomically(join(folder, DEVICE_FILES.certificate), device.certificatePem);
  writeFileAtomically(join(folder, DEVICE_FILES.ca), device.caPem);
  const described: AwsDeviceFile = {
    ...deviceFile(device.deviceId, device.certificateId, device.endpoint),
    ...(device.certificateArn ? { certificateArn: device.certificateArn } : {}),
  };
  writeFileAtomically(join(folder, DEVICE_FILES.device), `${JSON.stringify(described, null, 2)}\n`);
};

/** Whether `folder` holds a device's four files. */
export const hasDeviceFolder = (folder: string): boolean =>
  Object.values(DEVICE_FILES).every((name) => existsSync(join(folder, name)));

/** Reads the device's files back; throws naming the folder and how to fill it. */
export const readDeviceFolder = (folder: string, deviceId: string): DeviceFolder => {
  if (!hasDeviceFolder(folder)) {
    throw new Error(
      `${folder} does not hold device ${deviceId}'s ${Object.values(DEVICE_FILES).join(', ')}: register it first (npm run device -- register ${deviceId}, with --local for the local cloud)`,
    );
  }
  const read = (name: string) => readFileSync(join(folder, name), 'utf8');
  const described = JSON.parse(read(DEVICE_FILES.device)) as Partial<AwsDeviceFile>;
  if (described.deviceId !== deviceId || typeof described.topic !== 'string' || !described.certificateId) {
    throw new Error(
      `${join(folder, DEVICE_FILES.device)} is not device ${deviceId}'s (given ${JSON.stringify(described).slice(0, 200)}): register it again`,
    );
  }
  return {
    deviceId,
    topic: described.topic,
    certificateId: described.certificateId,
    certificatePem: read(DEVICE_FILES.certificate),
    privateKeyPem: read(DEVICE_FILES.privateKey),
    caPem: read(DEVICE_FILES.ca),
    ...(described.endpoint ? { endpoint: described.endpoint } : {}),
    ...(described.certificateArn ? { certificateArn: described.certificateArn } : {}),
  };
};
