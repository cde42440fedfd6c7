// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IoT policy variables (${iot:ClientId}) are the subject of these tests.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeviceAuthority, isRefusal } from '../../../../../infra/local/iot/device-authority.ts';
import { RegistryView } from '../../../../../infra/local/iot/device-registry.ts';
import { IotPolicy } from '../../../../../infra/local/iot/iot-policy.ts';
import { iotFolder, localCa } from '../../../../../infra/local/iot/local-ca.ts';
import { registerLocalDevice, revokeLocalDevice } from '../../../../../infra/local/iot/local-devices.ts';

const PREFIX = 'arn:aws:iot:us-east-1:000000000000';
const THING = '${iot:Connection.Thing.ThingName}';
const policy = IotPolicy.compile({
  logicalId: 'DevicesPolicy',
  name: 'streamlake-DevicesPolicy',
  document: {
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${PREFIX}:client/${THING}` },
      {
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: `${PREFIX}:topic/streamlake/devices/${THING}/telemetry`,
      },
    ],
  },
});

describe('DeviceAuthority', () => {
  let stateDir: string;
  let authority: DeviceAuthority;
  // One CA for every test (an RSA key is the slow part), copied into each test's state folder.
  let seedDir: string;
  beforeAll(() => {
    seedDir = mkdtempSync(join(tmpdir(), 'streamlake-iot-ca-'));
    localCa(seedDir);
  });
  afterAll(() => rmSync(seedDir, { recursive: true, force: true }));
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'streamlake-iot-'));
    cpSync(iotFolder(seedDir), iotFolder(stateDir), { recursive: true });
    authority = new DeviceAuthority(new RegistryView(stateDir), policy, {
      region: 'us-east-1',
      accountId: '000000000000',
    });
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('lets a registered device connect as itself and publish to its own topic, not another’s', () => {
    // Prepare
    const device = registerLocalDevice(stateDir, 'dev-1');

    // Act
    const session = authority.connect(device.certificateId, 'dev-1');

    // Assess
    if (isRefusal(session)) throw new Error(`refused: ${session.details}`);
    expect(session.thingName).toBe('dev-1');
    expect(authority.mayPublish(session, 'streamlake/devices/dev-1/telemetry')).toBe(true);
    expect(authority.mayPublish(session, 'streamlake/devices/dev-2/telemetry')).toBe(false);
    expect(authority.maySubscribe(session, 'streamlake/devices/#')).toBe(false);
  });

  it('refuses another client id with a device’s certificate: not authorized by the policy', () => {
    // Prepare
    const device = registerLocalDevice(stateDir, 'dev-1');
    registerLocalDevice(stateDir, 'dev-2');

    // Act
    const decision = authority.connect(device.certificateId, 'dev-2');

    // Assess
    expect(decision).toEqual({
      reason: 'AUTHORIZATION_FAILURE',
      metric: 'Connect.AuthError',
      details:
        'policy streamlake-DevicesPolicy does not allow iot:Connect as client dev-2 with the certificate of thing dev-1',
    });
  });

  it('refuses an unknown certificate and a revoked one: not authenticated', () => {
    // Prepare
    const device = registerLocalDevice(stateDir, 'dev-1');
    revokeLocalDevice(stateDir, 'dev-1');

    // Act
    const revoked = authority.connect(device.certificateId, 'dev-1');
    const unknown = authority.connect('f'.repeat(64), 'dev-1');

    // Assess
    expect(revoked).toMatchObject({ reason: 'AUTHENTICATION_FAILURE', metric: 'Connection.AuthNError' });
    expect(isRefusal(revoked) && revoked.details).toBe(
      `certificate ${device.certificateId} of dev-1 is REVOKED`,
    );
    expect(isRefusal(unknown) && unknown.details).toBe(`certificate ${'f'.repeat(64)} is not registered`);
  });

  it('sees a live session’s certificate revoked by another writer', () => {
    // Prepare
    const device = registerLocalDevice(stateDir, 'dev-1');
    const session = authority.connect(device.certificateId, 'dev-1');
    if (isRefusal(session)) throw new Error(`refused: ${session.details}`);

    // Act
    revokeLocalDevice(stateDir, 'dev-1');

    // Assess
    expect(authority.stillActive(session)).toBe(false);
  });
});
