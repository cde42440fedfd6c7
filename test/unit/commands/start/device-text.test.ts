import { describe, expect, it } from 'vitest';
import { registerDemoDevices } from '../../../../commands/start/demo-devices.ts';
import { deviceLiveText, deviceSummaryLines } from '../../../../commands/start/device-text.ts';
import type { DeviceCredentials, IotFigures, LocalIot } from '../../../../infra/local/iot/local-iot.ts';
import type { LocalCloud } from '../../../../infra/local/local-cloud.ts';
import type { DeviceFigures } from '../../../../producers/device-figures.ts';

const devices: DeviceFigures = {
  devices: 50,
  connected: 48,
  published: 12_000,
  publishedEvents: 12_000,
  resent: 3,
  resentEvents: 3,
  reconnects: 2,
  dropped: 0,
  refusedDevices: 1,
  refused: 40,
};
const broker: IotFigures = {
  connected: 48,
  connections: 52,
  refusedConnections: 2,
  messagesIn: 12_003,
  refusedPublishes: 0,
  ruleErrors: 0,
  actionFailures: 1,
};

describe('device figures in npm start', () => {
  it('shows connected devices, messages in, refusals and rule errors on the live line, live from the broker', () => {
    expect(deviceLiveText(devices, broker)).toBe(
      'mqtt 48/50 devices, 12,003 in, 1 devices REFUSED, refused 2 conn, 0 pub, rule errors 0, action failures 1',
    );
    expect(deviceLiveText({ ...devices, dropped: 7, refusedDevices: 0 }, undefined)).toBe(
      'mqtt 48/50 devices, 12,000 pub, DROPPED 7',
    );
  });

  it('says nothing on the live line before any device has sent', () => {
    expect(deviceLiveText(undefined, broker)).toBe('');
    expect(deviceLiveText({ ...devices, devices: 0 }, broker)).toBe('');
  });

  it('gives the devices and the broker a summary line each', () => {
    const [client, server] = deviceSummaryLines(devices, broker);
    expect(client).toBe(
      '  devices (MQTT)          48/50 connected, 12,000 messages published (PUBACK) with 12,000 events, 3 resent (3 events) after 2 reconnects, 0 events dropped from full buffers, refused 1 devices (40 events)',
    );
    expect(server).toContain('52 connections (2 refused), 12,003 messages in (0 refused)');
    expect(server).toContain('Kinesis action failures 1');
    expect(deviceSummaryLines(undefined, undefined)).toEqual([]);
  });
});

/** A local IoT Core that hands out credentials and counts registrations. */
const fakeIot = () => {
  const registered: string[] = [];
  const iot = {
    url: 'mqtts://127.0.0.1:4573',
    register: async (deviceId: string): Promise<DeviceCredentials> => {
      registered.push(deviceId);
      return {
        deviceId,
        endpoint: 'mqtts://127.0.0.1:4573',
        certificatePem: `cert of ${deviceId}`,
        privateKeyPem: 'key',
        caPem: 'ca',
        topic: `streamlake/devices/${deviceId}/telemetry`,
      };
    },
  } as Partial<LocalIot> as LocalIot;
  return { iot, registered };
};
const cloudWith = (iot: LocalIot | undefined) => ({ iot }) as unknown as LocalCloud;

describe('registerDemoDevices', () => {
  it('registers every simulated device before producing, and hands their credentials to the device edge', async () => {
    // Prepare
    const { iot, registered } = fakeIot();
    // Act
    const demo = await registerDemoDevices(cloudWith(iot), { devices: 3 });
    // Assess
    expect(registered).toEqual(['dev-0000', 'dev-0001', 'dev-0002']);
    expect(demo?.registered).toBe(3);
    expect(demo?.credentials.get('dev-0001')?.certificatePem).toBe('cert of dev-0001');
    expect(registered).toHaveLength(3);
  });

  it('sends devices to Kinesis when asked, or when the stack has no device edge', async () => {
    expect(
      await registerDemoDevices(cloudWith(fakeIot().iot), { devices: 3, devicesVia: 'kinesis' }),
    ).toBeUndefined();
    expect(await registerDemoDevices(cloudWith(undefined), { devices: 3 })).toBeUndefined();
  });

  it('refuses MQTT for a stack without the device edge, saying what to use instead', async () => {
    await expect(
      registerDemoDevices(cloudWith(undefined), { devices: 3, devicesVia: 'mqtt' }),
    ).rejects.toThrow('the local cloud runs no broker: use --devices-via kinesis');
  });
});
