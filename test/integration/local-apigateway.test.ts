import { randomUUID } from 'node:crypto';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { App } from 'aws-cdk-lib';
import { Template as Synthesized } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRestApis, startRestApis } from '../../infra/local/apigateway/start-rest-apis.ts';
import { localKinesisClient } from '../../infra/local/clients.ts';
import { type KinesisServer, startKinesis } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { type CloudPlan, planFromTemplate, type Template } from '../../infra/local/template.ts';
import { CollectorApiStack, SHOP_ORIGIN } from './support/collector-api-stack.ts';
import { EventsApiStack, LIMITED_BURST, SERVER_KEY } from './support/events-api-stack.ts';
import { ALLOWED_ORIGINS } from './support/events-api-templates.ts';
import { KinesisRefusalsProxy } from './support/kinesis-refusals-api-proxy.ts';

let plan: CloudPlan;
let kinesisServer: KinesisServer;
let proxy: KinesisRefusalsProxy;
let kinesis: KinesisClient;
let apis: LocalRestApis;
let base: string;
let streamName: string;

/** An event as the contracts shape one, with a unique id per call. */
let eventCount = 0;
const anEvent = (fields: Record<string, unknown> = {}) => ({
  schema: 'page_view',
  version: 1,
  eventId: randomUUID(),
  sessionId: `s-${++eventCount}`,
  eventTime: '2024-03-05T10:11:12.345Z',
  url: 'https://shop.example/p/1',
  ...fields,
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Every record in the stream's one shard, oldest first. */
const streamRecords = async (stream = streamName) => {
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const page = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
  return (page.Records ?? []).map((r) => ({
    data: Buffer.from(r.Data ?? []).toString('utf8'),
    partitionKey: r.PartitionKey,
  }));
};

const recordsOf = async (events: { eventId: string }[]) => {
  const ids = new Set(events.map((e) => e.eventId));
  return (await streamRecords()).filter((r) => ids.has((JSON.parse(r.data) as { eventId: string }).eventId));
};

beforeAll(async () => {
  const template = Synthesized.fromStack(new EventsApiStack(new App(), 'EventsApiTest')).toJSON() as Template;
  plan = planFromTemplate(template, {
    region: 'us-east-1',
    accountId: '000000000000',
    stackName: 'streamlake',
  });
  streamName = plan.streams[0]?.name ?? '';
  kinesisServer = await startKinesis(await freePort());
  proxy = await KinesisRefusalsProxy.start(kinesisServer.endpoint, await freePort());
  kinesis = localKinesisClient(kinesisServer.endpoint);
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: streamName });
  apis = await startRestApis(plan.restApis, {
    endpoints: { kinesis: proxy.endpoint, dynamodb: proxy.endpoint },
  });
  base = apis.urls.get(plan.restApis[0]?.logicalId ?? '') ?? '';
});

afterAll(async () => {
  await apis?.stop();
  kinesis?.destroy();
  await proxy?.stop();
  await kinesisServer?.stop();
});

describe('the local API Gateway, served from the synthesized template', () => {
  it('serves each API on loopback under its stage, as CDK names its URL', () => {
    // Assess
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/prod\/$/);
    expect(apis.undeployed).toEqual([]);
  });

  it('puts a batch into Kinesis, each record the event with the edge context first', async () => {
    // Prepare
    const events = [anEvent(), anEvent({ sessionId: undefined, deviceId: 'device-7' })];
    const before = Date.now();

    // Act
    const response = await post('v1/events', events, {
      Origin: ALLOWED_ORIGINS[1],
      'User-Agent': "shop/1.0 (it's)",
    });
    const after = Date.now();

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 2, refused: [] });
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGINS[1]);
    expect(response.headers.get('vary')).toBe('Origin');
    const requestId = response.headers.get('x-amzn-requestid');
    const records = await recordsOf(events);
    expect(records.map((r) => r.partitionKey)).toEqual([events[0]?.sessionId, 'device-7']);
    for (const [i, record] of records.entries()) {
      const receivedAt = (JSON.parse(record.data) as { edge: { receivedAt: string } }).edge.receivedAt;
      expect(Date.parse(receivedAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(receivedAt)).toBeLessThanOrEqual(after);
      const edge = `{"edge":{"receivedAt":"${receivedAt}","requestId":"${requestId}","sourceIp":"127.0.0.0","userAgent":"shop\\/1.0 (it's)","origin":"${ALLOWED_ORIGINS[1].replaceAll('/', '\\/')}"}`;
      expect(record.data).toBe(`${edge},${JSON.stringify(events[i]).slice(1)}`);
    }
  });

  it('reads a text/plain body as JSON (what sendBeacon sends)', async () => {
    // Prepare
    const events = [anEvent()];

    // Act
    const response = await post('v1/events', JSON.stringify(events), {
      'Content-Type': 'text/plain;charset=UTF-8',
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await recordsOf(events)).toHaveLength(1);
  });

  it('refuses another content type with 415', async () => {
    // Act
    const response = await post('v1/events', '<events/>', { 'Content-Type': 'application/xml' });

    // Assess
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ message: 'Unsupported Media Type' });
  });

  it('refuses a batch the request model rejects with 400 and the validator reason', async () => {
    // Prepare
    const { eventId: _, ...withoutId } = anEvent();

    // Act
    const response = await post('v1/events', [withoutId]);
    const tooMany = await post(
      'v1/events',
      Array.from({ length: 501 }, () => anEvent()),
    );

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      message: '[object has missing required properties (["eventId"])]',
    });
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGINS[0]);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({
      message: '[array is too long: must have at most 500 elements but instance has 501 elements]',
    });
  });

  it('maps entries Kinesis refused back to their index with 207, writing only the others', async () => {
    // Prepare
    const events = [anEvent(), anEvent(), anEvent()];
    proxy.refuseNext({ kind: 'entries', indexes: [1] });

    // Act
    const response = await post('v1/events', events);

    // Assess
    expect(response.status).toBe(207);
    expect(await response.json()).toEqual({
      accepted: 2,
      refused: [{ index: 1, error: 'ProvisionedThroughputExceededException', retryable: true }],
    });
    expect((await recordsOf(events)).map((r) => JSON.parse(r.data).eventId)).toEqual([
      events[0]?.eventId,
      events[2]?.eventId,
    ]);
  });

  it('answers 429 with Retry-After when Kinesis throttles every entry or the whole request', async () => {
    // Prepare
    proxy.refuseNext({ kind: 'entries', indexes: [0, 1] });

    // Act
    const everyEntry = await post('v1/events', [anEvent(), anEvent()]);
    proxy.refuseNext({ kind: 'request', status: 400, type: 'ProvisionedThroughputExceededException' });
    const wholeRequest = await post('v1/events', [anEvent()]);

    // Assess
    expect(everyEntry.status).toBe(429);
    expect(everyEntry.headers.get('retry-after')).toBe('1');
    expect(await everyEntry.json()).toMatchObject({ accepted: 0 });
    expect(wholeRequest.status).toBe(429);
    expect(wholeRequest.headers.get('retry-after')).toBe('1');
  });

  it('answers 503 with Retry-After when Kinesis fails', async () => {
    // Prepare
    proxy.refuseNext({ kind: 'request', status: 500, type: 'InternalFailure' });

    // Act
    const response = await post('v1/events', [anEvent()]);

    // Assess
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toEqual({ message: 'the event stream is unavailable; retry later' });
  });

  it('requires a known API key where the method says so (403 Forbidden otherwise)', async () => {
    // Act
    const missing = await post('v1/server-events', [anEvent()]);
    const unknown = await post('v1/server-events', [anEvent()], { 'x-api-key': 'not-a-key' });
    const known = await post('v1/server-events', [anEvent()], { 'X-Api-Key': SERVER_KEY });

    // Assess
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ message: 'Forbidden' });
    expect(unknown.status).toBe(403);
    expect(known.status).toBe(200);
    expect(apis.apiKeys.get(plan.restApis[0]?.usagePlans[0]?.keys[0]?.logicalId ?? '')).toBe(SERVER_KEY);
  });

  it("throttles a key past its usage plan's method limit with 429", async () => {
    // Act
    const answers = [];
    for (let i = 0; i <= LIMITED_BURST; i++) {
      answers.push(await fetch(`${base}v1/limited`, { headers: { 'x-api-key': SERVER_KEY } }));
    }

    // Assess
    expect(answers.map((a) => a.status)).toEqual([...Array.from({ length: LIMITED_BURST }, () => 200), 429]);
    expect(await answers.at(-1)?.json()).toEqual({ message: 'Too Many Requests' });
  });

  it('answers an unknown path or stage with 403, as REST APIs do', async () => {
    // Act
    const path = await fetch(`${base}v1/nowhere`);
    const stage = await fetch(base.replace('/prod/', '/dev/v1/health'));

    // Assess
    expect(path.status).toBe(403);
    expect(await path.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(path.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(stage.status).toBe(403);
    expect(await stage.json()).toEqual({ message: 'Forbidden' });
  });

  it("answers a CORS preflight from the template's OPTIONS mock: 204, the caller's allowed origin", async () => {
    // Act
    const response = await fetch(`${base}v1/events`, {
      method: 'OPTIONS',
      headers: { Origin: ALLOWED_ORIGINS[1], 'Access-Control-Request-Method': 'POST' },
    });

    // Assess
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGINS[1]);
    expect(response.headers.get('access-control-allow-methods')).toBe('POST,OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('Content-Type,X-Api-Key');
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });

  it('routes path parameters, greedy paths and ANY, and validates required parameters', async () => {
    // Act
    const thing = await fetch(`${base}v1/things/abc%20d?q=1`);
    const noQuery = await fetch(`${base}v1/things/abc`);
    const file = await fetch(`${base}v1/files/a/b.txt`, { method: 'PUT' });
    const health = await fetch(`${base}v1/health`);

    // Assess
    expect(await thing.json()).toEqual({ thing: 'abc d', q: '1' });
    expect(noQuery.status).toBe(400);
    expect(await noQuery.json()).toEqual({ message: 'Missing required request parameters: [q]' });
    expect(await file.json()).toEqual({ file: 'a/b.txt', method: 'PUT' });
    expect(await health.json()).toEqual({ ok: true, stage: 'prod', path: '/prod/v1/health' });
  });
});

describe('the web collector construct, served locally', () => {
  let collector: LocalRestApis;
  let collectorBase: string;
  let collectorStream: string;
  let serverKey: string;

  beforeAll(async () => {
    const template = Synthesized.fromStack(
      new CollectorApiStack(new App(), 'CollectorApiTest'),
    ).toJSON() as Template;
    const collectorPlan = planFromTemplate(template, {
      region: 'us-east-1',
      accountId: '000000000000',
      stackName: 'collector',
    });
    collectorStream = collectorPlan.streams[0]?.name ?? '';
    await kinesis.send(new CreateStreamCommand({ StreamName: collectorStream, ShardCount: 1 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: collectorStream });
    collector = await startRestApis(collectorPlan.restApis, {
      endpoints: { kinesis: kinesisServer.endpoint, dynamodb: kinesisServer.endpoint },
    });
    collectorBase = [...collector.urls.values()][0] ?? '';
    serverKey = [...collector.apiKeys.values()][0] ?? '';
  });

  afterAll(async () => {
    await collector?.stop();
  });

  const send = (route: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${collectorBase}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });

  it('writes a batch from an allowed origin as one record: the edge context once, then the events as sent', async () => {
    // Prepare
    const events = [anEvent(), anEvent({ sessionId: undefined, deviceId: 'device-7' }), anEvent()];

    // Act
    const response = await send(
      'v1/events',
      { events },
      { 'Content-Type': 'text/plain', Origin: SHOP_ORIGIN, 'User-Agent': 'shop' },
    );

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ refused: [] });
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    const written = (await streamRecords(collectorStream)).filter((r) =>
      r.data.includes(events[0]?.eventId ?? '?'),
    );
    expect(written).toHaveLength(1);
    const batch = JSON.parse(written[0]?.data ?? '{}') as { edge: Record<string, string>; events: unknown[] };
    expect(Object.keys(batch)).toEqual(['edge', 'events']);
    expect(batch.edge).toEqual({
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestId: response.headers.get('x-amzn-requestid'),
      sourceIp: '127.0.0.0',
      userAgent: 'shop',
      origin: SHOP_ORIGIN,
    });
    expect(batch.events).toEqual(JSON.parse(JSON.stringify(events)));
    expect(written[0]?.partitionKey).toBe(events[0]?.sessionId);
  });

  it('answers 413 with its message for a batch whose record is over the 1 MiB Kinesis takes, writing nothing', async () => {
    // Prepare: 40 events of ≈ 27 KB, each far under the limit alone, ≈ 1.1 MB together.
    const events = Array.from({ length: 40 }, () => anEvent({ page: 'x'.repeat(27_000) }));
    const before = (await streamRecords(collectorStream)).length;

    // Act
    const response = await send('v1/server/events', events, {
      'Content-Type': 'application/json',
      'X-Api-Key': serverKey,
    });
    const half = await send('v1/server/events', events.slice(0, 20), {
      'Content-Type': 'application/json',
      'X-Api-Key': serverKey,
    });

    // Assess
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /^Kinesis refused the batch as too large \(.*less than or equal to 1048576\): send fewer or smaller events per request$/,
    );
    expect(half.status).toBe(200);
    const after = await streamRecords(collectorStream);
    expect(after).toHaveLength(before + 1);
    expect((JSON.parse(after.at(-1)?.data ?? '{}') as { events: unknown[] }).events).toHaveLength(20);
  });

  it('answers the statuses of the contract: 403 origin, 400 model, 415 type, 403 key, 200 with a key, 204 preflight', async () => {
    // Act
    const origin = await send('v1/events', [anEvent()], {
      'Content-Type': 'application/json',
      Origin: 'http://elsewhere.test',
    });
    const model = await send('v1/events', [{ schema: 'page_view' }], {
      'Content-Type': 'application/json',
      Origin: SHOP_ORIGIN,
    });
    const type = await send('v1/events', [anEvent()], {
      'Content-Type': 'application/xml',
      Origin: SHOP_ORIGIN,
    });
    const noKey = await send('v1/server/events', [anEvent()], { 'Content-Type': 'application/json' });
    const withKey = await send('v1/server/events', [anEvent()], {
      'Content-Type': 'application/json',
      'X-Api-Key': serverKey,
    });
    const preflight = await fetch(`${collectorBase}v1/events`, {
      method: 'OPTIONS',
      headers: { Origin: SHOP_ORIGIN, 'Access-Control-Request-Method': 'POST' },
    });

    // Assess
    expect([origin, model, type, noKey, withKey, preflight].map((r) => r.status)).toEqual([
      403, 400, 415, 403, 200, 204,
    ]);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
  });
});
