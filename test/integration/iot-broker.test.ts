import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import { registerLocalDevice } from '../../infra/local/iot/local-devices.ts';
import type { DeviceCredentials, IotFigures, LocalIot } from '../../infra/local/iot/local-iot.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { eventually, readShards } from './support/local-cloud-fixture.ts';

/** A telemetry reading of `deviceId`, as a device publishes it. */
const reading = (deviceId: string) => ({
  eventId: randomUUID(),
  eventTime: new Date().toISOString(),
  schema: 'telemetry.reading',
  version: 1,
  deviceId,
  temperature: 21.5,
  humidity: 40,
  battery: 90,
  status: 'ok',
});

/** How an MQTT connection attempt ended: connected, refused by CONNACK, or closed (a TLS refusal) first. */
type Outcome =
  | { kind: 'connected'; client: MqttClient }
  | { kind: 'refused'; message: string }
  | { kind: 'closed' };

const connect = (url: string, options: IClientOptions): Promise<Outcome> =>
  new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 30_000, ...options });
    client.once('connect', () => resolve({ kind: 'connected', client }));
    client.once('error', (error) => {
      client.end(true);
      resolve({ kind: 'refused', message: error.message });
    });
    client.once('close', () => resolve({ kind: 'closed' }));
  });

const asDevice = (credentials: DeviceCredentials, clientId = credentials.deviceId): IClientOptions => ({
  clientId,
  cert: credentials.certificatePem,
  key: credentials.privateKeyPem,
  ca: credentials.caPem,
});

const connected = async (url: string, options: IClientOptions): Promise<MqttClient> => {
  const outcome = await connect(url, options);
  if (outcome.kind !== 'connected') throw new Error(`expected a connection, got ${JSON.stringify(outcome)}`);
  return outcome.client;
};

/** Every record in the event stream, parsed. */
const streamed = async (cloud: LocalCloud) =>
  [...(await readShards(cloud)).values()]
    .flat()
    .map(
      (record) => JSON.parse(Buffer.from(record.data, 'base64').toString('utf8')) as Record<string, unknown>,
    );

/** Every record of the stream with its partition key, parsed. */
const keyedRecords = async (cloud: LocalCloud) =>
  [...(await readShards(cloud)).values()].flat().map((record) => ({
    partitionKey: record.partitionKey,
    body: JSON.parse(Buffer.from(record.data, 'base64').toString('utf8')) as Record<string, unknown>,
  }));

describe('the local IoT Core broker of the real stack', () => {
  let cloud: LocalCloud;
  let iot: LocalIot;
  let stateDir: string;
  const clients: MqttClient[] = [];
  const figures = (): IotFigures => iot.figures();
  const iotLog = () => readFileSync(join(stateDir, 'logs', 'iot.log'), 'utf8');

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'streamlake-iot-broker-'));
    cloud = await LocalCloud.start({ stateDir });
    if (!cloud.iot) throw new Error('the stack declares a device policy, yet the local cloud runs no broker');
    iot = cloud.iot;
  });
  afterAll(async () => {
    for (const client of clients) client.end(true);
    await cloud?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('serves mqtts on 127.0.0.1, named in cloud.json', () => {
    // Assess
    expect(iot.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(readCloudState(stateDir).mqtt).toBe(iot.url);
  });

  it('lets a registered device connect with its certificate and acknowledges its QoS 1 publish, handed to the rule', async () => {
    // Prepare
    const device = await iot.register('dev-1');
    const client = await connected(device.endpoint, asDevice(device));
    clients.push(client);
    const event = reading('dev-1');

    // Act: resolves on PUBACK.
    await client.publishAsync(device.topic, JSON.stringify(event), { qos: 1 });

    // Assess
    expect(device.topic).toBe('streamlake/devices/dev-1/telemetry');
    expect(figures()).toMatchObject({ connected: 1, connections: 1, messagesIn: 1 });
    await eventually(
      async () => (await streamed(cloud)).some((record) => record.eventId === event.eventId),
      30_000,
      'the published reading in the event stream',
    );
    const [record] = (await streamed(cloud)).filter((r) => r.eventId === event.eventId);
    expect(record?.edge).toMatchObject({ clientId: 'dev-1', topic: device.topic });
    expect(
      cloud.metricStore.total({
        namespace: 'AWS/IoT',
        name: 'PublishIn.Success',
        dimensions: { Protocol: 'MQTT' },
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('puts a message of several events into the stream as ONE record: the batch as sent, the edge added once', async () => {
    // Prepare
    const device = await iot.register('dev-11');
    const client = await connected(device.endpoint, asDevice(device));
    clients.push(client);
    const events = [reading('dev-11'), reading('dev-11'), reading('dev-11'), reading('dev-11')];
    const before = figures().messagesIn;

    // Act: one PUBLISH, as a device batching its events sends it.
    await client.publishAsync(device.topic, JSON.stringify({ events }), { qos: 1 });

    // Assess
    const carrying = async () =>
      (await keyedRecords(cloud)).filter(({ body }) =>
        JSON.stringify(body).includes(events[0]?.eventId ?? '-'),
      );
    await eventually(async () => (await carrying()).length > 0, 30_000, 'the batch in the event stream');
    const records = await carrying();
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record?.partitionKey).toBe('dev-11');
    expect(Object.keys(record?.body ?? {}).sort()).toEqual(['edge', 'events']);
    expect(record?.body.events).toEqual(events);
    expect(record?.body.edge).toMatchObject({ clientId: 'dev-11', topic: device.topic });
    expect(figures().messagesIn).toBe(before + 1);
  });

  it('ends the connection of a device publishing a payload over IoT Core’s 128 KB, counted as a client error, and hands nothing of it on', async () => {
    // Prepare: a batch just over the limit, and one just at it.
    const device = await iot.register('dev-12');
    const client = await connected(device.endpoint, asDevice(device));
    const padded = (bytes: number) => {
      const frame = JSON.stringify({ events: [reading('dev-12')], pad: '' });
      return frame.replace('"pad":""', `"pad":"${'x'.repeat(bytes - Buffer.byteLength(frame))}"`);
    };
    const over = padded(128 * 1024 + 1);
    const before = figures();
    const clientErrors = () =>
      cloud.metricStore.total({
        namespace: 'AWS/IoT',
        name: 'PublishIn.ClientError',
        dimensions: { Protocol: 'MQTT' },
      });

    // Act
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(device.topic, over, { qos: 1 });
    await closed;
    client.end(true);
    const again = await connected(device.endpoint, asDevice(device));
    clients.push(again);
    await again.publishAsync(device.topic, padded(128 * 1024), { qos: 1 });

    // Assess: refused, logged with IoT Core's reason; one at the limit is taken.
    expect(Buffer.byteLength(over)).toBe(128 * 1024 + 1);
    expect(figures().refusedPublishes).toBe(before.refusedPublishes + 1);
    expect(figures().messagesIn).toBe(before.messagesIn + 1);
    expect(clientErrors()).toBe(1);
    expect(iotLog()).toMatch(
      /"eventType":"Publish-In".*"clientId":"dev-12".*"reason":"PAYLOAD_LIMIT_EXCEEDED"/,
    );
  });

  it('refuses a connection with another client id than the certificate’s thing: not authorized, logged, counted', async () => {
    // Prepare
    const device = await iot.register('dev-1');
    const before = figures();

    // Act
    const outcome = await connect(device.endpoint, asDevice(device, 'dev-2'));

    // Assess
    expect(outcome).toEqual({ kind: 'refused', message: 'Connection refused: Not authorized' });
    expect(figures().refusedConnections).toBe(before.refusedConnections + 1);
    expect(figures().connections).toBe(before.connections);
    // The broker's lines are JSON (IoT Core's log shape); the rule engine writes its own, plain, to the same file.
    const line = iotLog()
      .split('\n')
      .filter((text) => text.startsWith('{'))
      .map((text) => JSON.parse(text))
      .find((entry) => entry.clientId === 'dev-2');
    expect(line).toMatchObject({ eventType: 'Connect', reason: 'AUTHORIZATION_FAILURE', status: 'Failure' });
    expect(
      cloud.metricStore.total({
        namespace: 'AWS/IoT',
        name: 'Connect.AuthError',
        dimensions: { Protocol: 'MQTT' },
      }),
    ).toBe(1);
  });

  it('fails the TLS handshake of a client without a certificate, or with one from another CA', async () => {
    // Prepare: a device of another state folder's CA.
    const otherDir = mkdtempSync(join(tmpdir(), 'streamlake-other-ca-'));
    const stranger = registerLocalDevice(otherDir, 'dev-1');
    const device = await iot.register('dev-1');
    const before = figures().refusedConnections;

    // Act
    const anonymous = await connect(iot.url, { clientId: 'dev-1', ca: iot.caPem });
    const foreign = await connect(iot.url, {
      ...asDevice({ ...stranger, endpoint: iot.url }),
      ca: device.caPem,
    });

    // Assess
    expect(anonymous.kind).not.toBe('connected');
    expect(foreign.kind).not.toBe('connected');
    await eventually(() => figures().refusedConnections === before + 2, 10_000, 'two TLS refusals counted');
    expect(iotLog()).toContain('TLS handshake refused');
    rmSync(otherDir, { recursive: true, force: true });
  });

  it('ends the connection of a device publishing to another device’s topic, and hands nothing of it on', async () => {
    // Prepare
    const device = await iot.register('dev-5');
    const client = await connected(device.endpoint, asDevice(device));
    const intruding = reading('dev-6');
    const before = figures();

    // Act
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('streamlake/devices/dev-6/telemetry', JSON.stringify(intruding), { qos: 1 });
    await closed;
    client.end(true);
    // A message the device may send, after the refused one: once it is in the stream, the refused one would be.
    const again = await connected(device.endpoint, asDevice(device));
    clients.push(again);
    const marker = reading('dev-5');
    await again.publishAsync(device.topic, JSON.stringify(marker), { qos: 1 });
    await eventually(
      async () => (await streamed(cloud)).some((record) => record.eventId === marker.eventId),
      30_000,
      'the marker reading in the event stream',
    );

    // Assess
    expect(figures().refusedPublishes).toBe(before.refusedPublishes + 1);
    expect(figures().messagesIn).toBe(before.messagesIn + 1);
    expect((await streamed(cloud)).some((record) => record.eventId === intruding.eventId)).toBe(false);
    expect(iotLog()).toContain('"topicName":"streamlake/devices/dev-6/telemetry"');
  });

  it('ends the connection of a device that subscribes: the policy allows no subscription', async () => {
    // Prepare
    const device = await iot.register('dev-10');
    const client = await connected(device.endpoint, asDevice(device));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));

    // Act
    client.subscribe('streamlake/devices/#', { qos: 1 });
    await closed;
    client.end(true);

    // Assess
    expect(
      cloud.metricStore.total({
        namespace: 'AWS/IoT',
        name: 'Subscribe.AuthError',
        dimensions: { Protocol: 'MQTT' },
      }),
    ).toBe(1);
    expect(iotLog()).toMatch(
      /"eventType":"Subscribe".*"topicName":"streamlake\/devices\/#".*"clientId":"dev-10"/,
    );
  });

  it('disconnects a revoked device and refuses it from then on', async () => {
    // Prepare
    const device = await iot.register('dev-7');
    const client = await connected(device.endpoint, asDevice(device));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));

    // Act
    await iot.revoke('dev-7');
    await closed;
    client.end(true);
    const outcome = await connect(device.endpoint, asDevice(device));

    // Assess
    expect(outcome).toEqual({ kind: 'refused', message: 'Connection refused: Not authorized' });
    expect(iotLog()).toMatch(/"clientId":"dev-7".*"reason":"AUTHENTICATION_FAILURE".*is REVOKED/);
  });

  it('accepts a device registered by another process in the state folder, with no restart', async () => {
    // Prepare: as `npm run device -- register dev-8 --local` does.
    const device = registerLocalDevice(stateDir, 'dev-8');

    // Act
    const client = await connected(iot.url, asDevice({ ...device, endpoint: iot.url }));
    clients.push(client);

    // Assess
    expect(client.connected).toBe(true);
  });

  it('lets a device reconnect after the broker restarts, and publish again', async () => {
    // Prepare
    const device = await iot.register('dev-9');
    const client = mqtt.connect(device.endpoint, { ...asDevice(device), reconnectPeriod: 100 });
    clients.push(client);
    await new Promise((resolve) => client.once('connect', resolve));
    const before = figures().connections;

    // Act
    const reconnected = new Promise((resolve) => client.once('connect', resolve));
    await iot.restart();
    await reconnected;
    await client.publishAsync(device.topic, JSON.stringify(reading('dev-9')), { qos: 1 });

    // Assess
    expect(figures().connections).toBeGreaterThan(before);
    expect(client.connected).toBe(true);
  });
});
