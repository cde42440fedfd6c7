import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteConflictException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-iot';
import { describe, expect, it } from 'vitest';
import { amazonRootCaPem } from '../../../../commands/device/amazon-root-ca.ts';
import { registerOnAws, revokeOnAws } from '../../../../commands/device/aws-devices.ts';
import { readDeviceFolder } from '../../../../commands/device/device-files.ts';
import type { IotSender } from '../../../../commands/device/iot-client.ts';
import { iotClientConfig } from '../../../../commands/device/iot-client.ts';
import { deviceStackFromOutputs } from '../../../../commands/device/stack-outputs.ts';

interface Call {
  readonly command: string;
  readonly input: Record<string, unknown>;
}
type Answer = Record<string, unknown> | Error;

/** A stand-in IoT control plane: keeps each call and answers by command name (an Error is thrown). */
const fakeIot = (answers: Record<string, Answer | ((call: number) => Answer)> = {}) => {
  const calls: Call[] = [];
  const counts = new Map<string, number>();
  const iot = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push({ command: name, input: command.input });
      const count = (counts.get(name) ?? 0) + 1;
      counts.set(name, count);
      const given = answers[name];
      const answer = typeof given === 'function' ? given(count) : (given ?? {});
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as IotSender;
  return { iot, calls, names: () => calls.map((c) => c.command) };
};

const CERT_ARN = 'arn:aws:iot:eu-west-1:123456789012:cert/abc123';
const created = {
  DescribeEndpoint: { endpointAddress: 'xyz-ats.iot.eu-west-1.amazonaws.com' },
  CreateKeysAndCertificate: {
    certificateId: 'abc123',
    certificateArn: CERT_ARN,
    certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    keyPair: { PrivateKey: '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n' },
  },
};
const stack = { policyName: 'Streamlake-DevicesPolicy-X1', thingTypeName: 'Streamlake-DevicesThingType-Y2' };
const meta = { $metadata: {} };
const folderIn = () => join(mkdtempSync(join(tmpdir(), 'device-')), 'dev-0001');

describe('registerOnAws', () => {
  it('creates the thing, an active certificate with the policy, attaches them, and writes the device folder', async () => {
    // Prepare
    const { iot, calls, names } = fakeIot(created);
    const folder = folderIn();
    // Act
    const { device, created: isNew } = await registerOnAws({ iot }, 'dev-0001', folder, stack);
    // Assess
    expect(names()).toEqual([
      'DescribeEndpoint',
      'CreateThing',
      'CreateKeysAndCertificate',
      'AttachPolicy',
      'AttachThingPrincipal',
    ]);
    expect(calls.map((c) => c.input)).toEqual([
      { endpointType: 'iot:Data-ATS' },
      { thingName: 'dev-0001', thingTypeName: stack.thingTypeName },
      { setAsActive: true },
      { policyName: stack.policyName, target: CERT_ARN },
      { thingName: 'dev-0001', principal: CERT_ARN },
    ]);
    expect(isNew).toBe(true);
    expect(readDeviceFolder(folder, 'dev-0001')).toEqual(device);
    expect(device).toMatchObject({
      endpoint: 'mqtts://xyz-ats.iot.eu-west-1.amazonaws.com:8883',
      topic: 'streamlake/devices/dev-0001/telemetry',
      certificateId: 'abc123',
      certificateArn: CERT_ARN,
      caPem: amazonRootCaPem(),
    });
    expect(JSON.parse(readFileSync(join(folder, 'device.json'), 'utf8'))).toMatchObject({
      clientId: 'dev-0001',
    });
    expect(statSync(join(folder, 'private-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('keeps a device whose certificate is still active, making nothing new', async () => {
    // Prepare
    const folder = folderIn();
    await registerOnAws({ iot: fakeIot(created).iot }, 'dev-0001', folder, stack);
    const { iot, names } = fakeIot({ DescribeCertificate: { certificateDescription: { status: 'ACTIVE' } } });
    // Act
    const again = await registerOnAws({ iot }, 'dev-0001', folder, stack);
    // Assess
    expect(again.created).toBe(false);
    expect(names()).toEqual(['DescribeCertificate']);
  });

  it('takes the new certificate back when the policy cannot be attached, naming the policy', async () => {
    // Prepare
    const { iot, calls, names } = fakeIot({
      ...created,
      AttachPolicy: new ResourceNotFoundException({ message: 'no such policy', ...meta }),
    });
    // Act
    const registering = registerOnAws({ iot }, 'dev-0001', folderIn(), stack);
    // Assess
    await expect(registering).rejects.toThrow(
      `could not attach policy ${stack.policyName} and thing dev-0001 to the new certificate (ResourceNotFoundException: no such policy); the certificate was deactivated and deleted`,
    );
    expect(names().slice(-3)).toEqual(['UpdateCertificate', 'DetachPolicy', 'DeleteCertificate']);
    expect(calls.at(-3)?.input).toEqual({ certificateId: 'abc123', newStatus: 'INACTIVE' });
  });

  it('explains a thing that exists with another type', async () => {
    const { iot } = fakeIot({
      ...created,
      CreateThing: new ResourceAlreadyExistsException({ message: 'exists', resourceId: 'x', ...meta }),
    });
    await expect(registerOnAws({ iot }, 'dev-0001', folderIn(), stack)).rejects.toThrow(
      'thing dev-0001 already exists with another thing type than Streamlake-DevicesThingType-Y2',
    );
  });

  it('refuses a device id that is not a thing name before calling AWS', async () => {
    const { iot, calls } = fakeIot(created);
    await expect(registerOnAws({ iot }, 'dev/1', folderIn(), stack)).rejects.toThrow(
      'not a valid thing name',
    );
    expect(calls).toHaveLength(0);
  });
});

describe('revokeOnAws', () => {
  it('deactivates each certificate first, detaches and deletes it, then deletes the thing', async () => {
    // Prepare: the first delete meets a detachment AWS has not finished yet.
    const { iot, calls, names } = fakeIot({
      ListThingPrincipals: { principals: [CERT_ARN] },
      ListAttachedPolicies: { policies: [{ policyName: stack.policyName }] },
      DeleteCertificate: (call) =>
        call === 1 ? new DeleteConflictException({ message: 'still attached', ...meta }) : {},
    });
    const sleeps: number[] = [];
    // Act
    const revoked = await revokeOnAws({ iot, sleep: async (ms) => void sleeps.push(ms) }, 'dev-0001');
    // Assess
    expect(revoked).toEqual(['abc123']);
    expect(names()).toEqual([
      'ListThingPrincipals',
      'UpdateCertificate',
      'ListAttachedPolicies',
      'DetachPolicy',
      'DetachThingPrincipal',
      'DeleteCertificate',
      'DeleteCertificate',
      'DeleteThing',
    ]);
    expect(calls[1]?.input).toEqual({ certificateId: 'abc123', newStatus: 'INACTIVE' });
    expect(sleeps).toHaveLength(1);
  });

  it('says so when there is no such thing', async () => {
    const { iot } = fakeIot({
      ListThingPrincipals: new ResourceNotFoundException({ message: 'none', ...meta }),
    });
    await expect(revokeOnAws({ iot }, 'dev-0009')).rejects.toThrow('there is no thing dev-0009 on AWS IoT');
  });
});

describe('device command set-up', () => {
  it('configures the IoT client from the environment, an endpoint override included', () => {
    expect(iotClientConfig({ env: { AWS_REGION: 'eu-west-1' } })).toEqual({
      region: 'eu-west-1',
      maxAttempts: 3,
    });
    expect(iotClientConfig({ env: { AWS_ENDPOINT_URL_IOT: 'http://127.0.0.1:9' } })).toMatchObject({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
    });
  });

  it('reads the policy and thing type from the outputs cdk deploy wrote, or says what to pass', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outputs-'));
    const file = join(dir, 'cdk-outputs.json');
    writeFileSync(
      file,
      JSON.stringify({ Streamlake: { DevicePolicyName: 'P', DeviceThingTypeName: 'T', StreamName: 's' } }),
    );
    expect(deviceStackFromOutputs(file)).toEqual({ policyName: 'P', thingTypeName: 'T' });
    expect(() => deviceStackFromOutputs(join(dir, 'none.json'))).toThrow('--outputs-file');
    writeFileSync(file, JSON.stringify({ Other: { StreamName: 's' } }));
    expect(() => deviceStackFromOutputs(file)).toThrow('holds no stack with DevicePolicyName');
  });

  it("finds Amazon Root CA 1 in Node's root store", () => {
    expect(amazonRootCaPem()).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
  });
});
