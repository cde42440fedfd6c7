import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseDeviceArgs } from '../../../../commands/device/device-options.ts';
import { deviceCredentialsOf, runDeviceProgram } from '../../../../commands/device/device-program.ts';
import { writeCloudState } from '../../../../infra/local/cloud-state.ts';
import { registerLocalDevice } from '../../../../infra/local/iot/local-devices.ts';
import type { Reading } from '../../../../schemas/index.ts';
import { MemoryBroker, memoryCredentials } from '../../support/memory-broker.ts';

const optionsOf = (...argv: string[]) => {
  const options = parseDeviceArgs(argv);
  if (!options) throw new Error('parsed --help');
  return options;
};

const brokers: MemoryBroker[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const broker of brokers.splice(0)) await broker.stop();
});

describe("the device program's credentials", () => {
  it("reads a local device's folder and takes the running local broker's endpoint, unless one is given", () => {
    // Prepare
    const stateDir = mkdtempSync(join(tmpdir(), 'device-state-'));
    const registered = registerLocalDevice(stateDir, 'dev-0001');
    const local = optionsOf('run', 'dev-0001', '--local', '--state-dir', stateDir);
    // Act, Assess: no broker has run yet, and the folder names none.
    expect(() => deviceCredentialsOf(local)).toThrow(
      'no endpoint for device dev-0001: start the local cloud',
    );
    writeCloudState(stateDir, {
      lakeBucket: 'l',
      s3Directory: 's',
      rollupsTable: 'r',
      mqtt: 'mqtts://127.0.0.1:4573',
    });
    expect(deviceCredentialsOf(local)).toEqual({
      deviceId: 'dev-0001',
      endpoint: 'mqtts://127.0.0.1:4573',
      certificatePem: registered.certificatePem,
      privateKeyPem: registered.privateKeyPem,
      caPem: registered.caPem,
      topic: 'streamlake/devices/dev-0001/telemetry',
    });
    const given = optionsOf('run', 'dev-0001', '--local', '--state-dir', stateDir, '--endpoint=mqtts://h:1');
    expect(deviceCredentialsOf(given).endpoint).toBe('mqtts://h:1');
  });

  it('says how to register a device whose folder is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'devices-'));
    expect(() => deviceCredentialsOf(optionsOf('run', 'dev-0002', '--dir', dir))).toThrow(
      'register it first (npm run device -- register dev-0002',
    );
  });
});

describe('runDeviceProgram', () => {
  it("publishes one sensor's telemetry under the device's own id and topic, every message acknowledged", async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    brokers.push(broker);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const credentials = await memoryCredentials('sensor-7');
    const options = optionsOf('run', 'sensor-7', '--rate=100', '--duration=0.2');
    // Act
    const status = await runDeviceProgram(credentials, options, new AbortController().signal, broker.connect);
    // Assess
    expect(status).toBe(0);
    const published = printed.find((line) => line.startsWith('device: '));
    expect(published).toMatch(/^device: 0\/1 connected, \d+ messages published \(PUBACK\) with \d+ events/);
    const count = Number(published?.match(/with (\d+) events/)?.[1]);
    expect(count).toBeGreaterThan(0);
    const events = await broker.tookEvents<Reading>(count);
    expect(broker.messages.every((m) => m.clientId === 'sensor-7' && m.topic === credentials.topic)).toBe(
      true,
    );
    expect(events.every((event) => event.deviceId === 'sensor-7')).toBe(true);
  });

  it('publishes each event bare, one message each, with --events-per-message 1', async () => {
    // Prepare
    const broker = await MemoryBroker.started();
    brokers.push(broker);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const credentials = await memoryCredentials('sensor-8');
    const options = optionsOf('run', 'sensor-8', '--rate=100', '--duration=0.1', '--events-per-message=1');
    // Act
    const status = await runDeviceProgram(credentials, options, new AbortController().signal, broker.connect);
    // Assess
    expect(status).toBe(0);
    const [, messages, events] =
      printed
        .find((line) => line.startsWith('device: '))
        ?.match(/(\d+) messages published \(PUBACK\) with (\d+) events/) ?? [];
    expect(Number(events)).toBeGreaterThan(0);
    expect(messages).toBe(events);
    const published = await broker.took(Number(messages));
    expect(published.every((m) => (JSON.parse(m.payload) as Reading).deviceId === 'sensor-8')).toBe(true);
  });
});
