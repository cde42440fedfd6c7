import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeleteConflictException,
  DeleteThingCommand,
  DescribeCertificateCommand,
  DescribeEndpointCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  ListAttachedPoliciesCommand,
  ListThingPrincipalsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { assertDeviceId } from '../../infra/local/iot/device-registry.ts';
import { deviceTopic } from '../../infra/local/iot/local-iot.ts';
import { amazonRootCaPem } from './amazon-root-ca.ts';
import { type DeviceFolder, hasDeviceFolder, readDeviceFolder, writeDeviceFolder } from './device-files.ts';
import type { IotSender } from './iot-client.ts';

/** The stack's device policy and thing type (its DevicePolicyName and DeviceThingTypeName outputs). */
export interface AwsDeviceStack {
  readonly policyName: string;
  readonly thingTypeName: string;
}

export interface AwsDeviceCalls {
  readonly iot: IotSender;
  /** Progress lines for the person waiting. @default none */
  readonly log?: (line: string) => void;
  /** @default a setTimeout-based sleep */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What register did: a new certificate, or the device's active one kept. */
export interface AwsRegistration {
  readonly device: DeviceFolder;
  readonly created: boolean;
}

const messageOf = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** The device's data endpoint for MQTT over TLS signed by Amazon's root CA (ATS). */
const dataEndpoint = async (iot: IotSender): Promise<string> => {
  const { endpointAddress } = await iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
  if (!endpointAddress) throw new Error('DescribeEndpoint (iot:Data-ATS) answered no endpointAddress');
  return `mqtts://${endpointAddress}:8883`;
};

/** The device's files when they hold a certificate AWS still has ACTIVE; undefined otherwise. */
const activeDevice = async (
  iot: IotSender,
  folder: string,
  deviceId: string,
): Promise<DeviceFolder | undefined> => {
  if (!hasDeviceFolder(folder)) return undefined;
  const kept = readDeviceFolder(folder, deviceId);
  try {
    const { certificateDescription } = await iot.send(
      new DescribeCertificateCommand({ certificateId: kept.certificateId }),
    );
    return certificateDescription?.status === 'ACTIVE' ? kept : undefined;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

/** Takes back a certificate whose attachments failed, so no usable orphan is left; best effort. */
const withdraw = async (
  iot: IotSender,
  certificateId: string,
  certificateArn: string,
  policyName: string,
) => {
  const attempts = [
    new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }),
    new DetachPolicyCommand({ policyName, target: certificateArn }),
    new DeleteCertificateCommand({ certificateId }),
  ];
  for (const command of attempts) await iot.send(command as never).catch(() => undefined);
};

/**
 * Registers `deviceId` on AWS IoT Core, as the stack expects a device: a thing of the stack's thing type, a new
 * key pair and ACTIVE certificate, the stack's device policy attached to the certificate and the certificate to
 * the thing; then writes the device's folder (certificate, private key, Amazon Root CA 1, device.json with the
 * ATS endpoint, client id and topic). Idempotent: a folder whose certificate is still ACTIVE is kept.
 */
export const registerOnAws = async (
  calls: AwsDeviceCalls,
  deviceId: string,
  folder: string,
  stack: AwsDeviceStack,
): Promise<AwsRegistration> => {
  assertDeviceId(deviceId);
  const { iot } = calls;
  const log = calls.log ?? (() => undefined);
  const kept = await activeDevice(iot, folder, deviceId);
  if (kept) return { device: kept, created: false };
  const endpoint = await dataEndpoint(iot);
  try {
    await iot.send(new CreateThingCommand({ thingName: deviceId, thingTypeName: stack.thingTypeName }));
  } catch (error) {
    if (!(error instanceof ResourceAlreadyExistsException)) throw error;
    throw new Error(
      `thing ${deviceId} already exists with another thing type than ${stack.thingTypeName} (${error.message}): revoke it first (npm run device -- revoke ${deviceId}) or pick another device id`,
    );
  }
  log(`thing ${deviceId} (type ${stack.thingTypeName})`);
  const created = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  const { certificateId, certificateArn, certificatePem } = created;
  const privateKeyPem = created.keyPair?.PrivateKey;
  if (!certificateId || !certificateArn || !certificatePem || !privateKeyPem) {
    throw new Error('CreateKeysAndCertificate answered without a certificate id, ARN, PEM or private key');
  }
  try {
    await iot.send(new AttachPolicyCommand({ policyName: stack.policyName, target: certificateArn }));
    await iot.send(new AttachThingPrincipalCommand({ thingName: deviceId, principal: certificateArn }));
  } catch (error) {
    await withdraw(iot, certificateId, certificateArn, stack.policyName);
    throw new Error(
      `could not attach policy ${stack.policyName} and thing ${deviceId} to the new certificate (${messageOf(error)}); the certificate was deactivated and deleted: check the policy name (the stack's DevicePolicyName output)`,
    );
  }
  log(`certificate ${certificateId} ACTIVE, policy ${stack.policyName} attached`);
  const device: DeviceFolder = {
    deviceId,
    endpoint,
    topic: deviceTopic(deviceId),
    certificatePem,
    privateKeyPem,
    caPem: amazonRootCaPem(),
    certificateId,
    certificateArn,
  };
  writeDeviceFolder(folder, device);
  return { device, created: true };
};

/** Every principal (certificate ARN) attached to the thing; throws naming the thing when there is none such. */
const principalsOf = async (iot: IotSender, thingName: string): Promise<string[]> => {
  const principals: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 100; page++) {
    try {
      const answer = await iot.send(new ListThingPrincipalsCommand({ thingName, nextToken }));
      principals.push(...(answer.principals ?? []));
      nextToken = answer.nextToken;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        throw new Error(
          `there is no thing ${thingName} on AWS IoT in this account and region: nothing to revoke`,
        );
      }
      throw error;
    }
    if (!nextToken) break;
  }
  return principals;
};

/** Deletes a detached certificate; detaching is eventually consistent, so a conflict is retried a few times. */
const deleteCertificate = async (calls: AwsDeviceCalls, certificateId: string) => {
  const sleep = calls.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      await calls.iot.send(new DeleteCertificateCommand({ certificateId }));
      return;
    } catch (error) {
      if (!(error instanceof DeleteConflictException) || attempt >= 6) throw error;
      await sleep(500 * attempt);
    }
  }
};

/**
 * Revokes `deviceId` on AWS IoT Core: each certificate attached to its thing is made INACTIVE first (IoT Core
 * refuses its next connection at once), then its policies and the thing are detached and it is deleted; the
 * thing is deleted last. Returns the certificate ids revoked.
 */
export const revokeOnAws = async (calls: AwsDeviceCalls, deviceId: string): Promise<string[]> => {
  assertDeviceId(deviceId);
  const { iot } = calls;
  const log = calls.log ?? (() => undefined);
  const revoked: string[] = [];
  for (const principal of await principalsOf(iot, deviceId)) {
    const certificateId = principal.split('/').pop();
    if (!principal.includes(':cert/') || !certificateId) continue;
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
    const { policies } = await iot.send(new ListAttachedPoliciesCommand({ target: principal }));
    for (const { policyName } of policies ?? []) {
      if (policyName) await iot.send(new DetachPolicyCommand({ policyName, target: principal }));
    }
    await iot.send(new DetachThingPrincipalCommand({ thingName: deviceId, principal }));
    await deleteCertificate(calls, certificateId);
    log(`certificate ${certificateId} INACTIVE, detached and deleted`);
    revoked.push(certificateId);
  }
  await iot.send(new DeleteThingCommand({ thingName: deviceId }));
  log(`thing ${deviceId} deleted`);
  return revoked;
};
