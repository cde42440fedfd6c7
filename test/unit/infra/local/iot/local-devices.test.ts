import { X509Certificate } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certificateId } from '../../../../../infra/local/iot/certificates.ts';
import {
  DEVICE_FILES,
  RegistryView,
  readRegistry,
  registryFile,
} from '../../../../../infra/local/iot/device-registry.ts';
import { iotFolder, LOCAL_CA_NAME, localCa } from '../../../../../infra/local/iot/local-ca.ts';
import { registerLocalDevice, revokeLocalDevice } from '../../../../../infra/local/iot/local-devices.ts';

describe('the local CA and device registry', () => {
  let stateDir: string;
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
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('issues a device a certificate for its id, signed by the state folder’s CA, and writes its folder', () => {
    // Act
    const device = registerLocalDevice(stateDir, 'dev-1', { endpoint: 'mqtts://127.0.0.1:4572' });

    // Assess
    const certificate = new X509Certificate(device.certificatePem);
    const caPem = readFileSync(join(iotFolder(stateDir), 'ca.pem'), 'utf8');
    const ca = new X509Certificate(caPem);
    expect(certificate.subject).toBe('CN=dev-1');
    expect(certificate.issuer).toBe(`CN=${LOCAL_CA_NAME}`);
    expect(certificate.verify(ca.publicKey)).toBe(true);
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(ca.ca).toBe(true);
    expect(device.caPem).toBe(caPem);
    expect(device.topic).toBe('streamlake/devices/dev-1/telemetry');
    expect(device.certificateId).toBe(certificateId(device.certificatePem));
    expect(readFileSync(join(device.folder, DEVICE_FILES.certificate), 'utf8')).toBe(device.certificatePem);
    expect(readFileSync(join(device.folder, DEVICE_FILES.privateKey), 'utf8')).toBe(device.privateKeyPem);
    expect(JSON.parse(readFileSync(join(device.folder, DEVICE_FILES.device), 'utf8'))).toEqual({
      deviceId: 'dev-1',
      clientId: 'dev-1',
      topic: 'streamlake/devices/dev-1/telemetry',
      certificateId: device.certificateId,
      endpoint: 'mqtts://127.0.0.1:4572',
    });
    expect(readRegistry(stateDir).certificates[device.certificateId]).toMatchObject({
      thingName: 'dev-1',
      status: 'ACTIVE',
    });
  });

  it('makes a CA for a state folder that has none, and keeps it', () => {
    // Prepare
    const fresh = mkdtempSync(join(tmpdir(), 'streamlake-iot-'));

    // Act
    const made = localCa(fresh);
    const again = localCa(fresh);

    // Assess
    expect(again.certificatePem).toBe(made.certificatePem);
    expect(made.certificatePem).not.toBe(localCa(stateDir).certificatePem);
    expect(new X509Certificate(made.certificatePem).subject).toBe(`CN=${LOCAL_CA_NAME}`);
    rmSync(fresh, { recursive: true, force: true });
  });

  it('keeps one CA per state folder and gives a registered device back its credentials', () => {
    // Prepare
    const first = registerLocalDevice(stateDir, 'dev-1');
    const caPem = localCa(stateDir).certificatePem;

    // Act
    const again = registerLocalDevice(stateDir, 'dev-1', { endpoint: 'mqtts://127.0.0.1:9' });

    // Assess
    expect(again.certificatePem).toBe(first.certificatePem);
    expect(again.privateKeyPem).toBe(first.privateKeyPem);
    expect(again.endpoint).toBe('mqtts://127.0.0.1:9');
    expect(localCa(stateDir).certificatePem).toBe(caPem);
    expect(Object.keys(readRegistry(stateDir).certificates)).toEqual([first.certificateId]);
  });

  it('revokes a device’s certificate; registering it again issues a new one and leaves the old revoked', () => {
    // Prepare
    const first = registerLocalDevice(stateDir, 'dev-1');

    // Act
    const revoked = revokeLocalDevice(stateDir, 'dev-1');
    const second = registerLocalDevice(stateDir, 'dev-1');

    // Assess
    expect(revoked).toEqual([first.certificateId]);
    expect(second.certificateId).not.toBe(first.certificateId);
    const { certificates } = readRegistry(stateDir);
    expect(certificates[first.certificateId]?.status).toBe('REVOKED');
    expect(certificates[second.certificateId]?.status).toBe('ACTIVE');
  });

  it('issues a new certificate, revoking the old, when a device’s files are gone', () => {
    // Prepare
    const first = registerLocalDevice(stateDir, 'dev-1');
    rmSync(join(first.folder, DEVICE_FILES.privateKey));

    // Act
    const second = registerLocalDevice(stateDir, 'dev-1');

    // Assess
    expect(second.certificateId).not.toBe(first.certificateId);
    expect(existsSync(join(second.folder, DEVICE_FILES.privateKey))).toBe(true);
    expect(readRegistry(stateDir).certificates[first.certificateId]?.status).toBe('REVOKED');
  });

  it('lets a registry view see what another writer registered and revoked since it last read', () => {
    // Prepare
    const view = new RegistryView(stateDir);
    expect(view.certificate('nothing')).toBeUndefined();

    // Act: as `npm run device -- register --local` in another process would.
    const device = registerLocalDevice(stateDir, 'dev-2');
    const seenRegistered = view.certificate(device.certificateId)?.status;
    revokeLocalDevice(stateDir, 'dev-2');
    const seenRevoked = view.certificate(device.certificateId)?.status;

    // Assess
    expect(seenRegistered).toBe('ACTIVE');
    expect(seenRevoked).toBe('REVOKED');
  });

  it('refuses a device id that is not a thing name, and revoking a device never registered', () => {
    // Assess
    expect(() => registerLocalDevice(stateDir, '../etc')).toThrow(
      'device id "../etc" is not a valid thing name: use 1 to 128 letters, digits',
    );
    expect(() => revokeLocalDevice(stateDir, 'ghost')).toThrow(
      `no device ghost is registered in ${stateDir}`,
    );
  });

  it('names the registry file and what to do when it is not a registry', () => {
    // Prepare
    registerLocalDevice(stateDir, 'dev-1');
    writeFileSync(registryFile(stateDir), '{"devices": []}');

    // Assess
    expect(() => readRegistry(stateDir)).toThrow(
      `${registryFile(stateDir)} has no "certificates" object (given {"devices":[]}): remove it and register the devices again`,
    );
  });
});
