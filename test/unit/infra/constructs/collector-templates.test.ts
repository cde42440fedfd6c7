import { describe, expect, it } from 'vitest';
import {
  kinesisRefusal,
  kinesisUnavailable,
  putRecordsRequest,
  putRecordsResult,
  type TemplateSettings,
} from '../../../../infra/constructs/collector/templates.ts';
import { renderMappingTemplate } from '../../../../infra/local/apigateway/render-template.ts';
import {
  batchProblem,
  EDGE_LIMITS,
  edgeProblem,
  isEventBatch,
  MAX_BATCH_EVENTS,
  validateEvent,
} from '../../../../schemas/index.ts';
import { type FakeRequest, renderTemplate } from './collector-gateway-fake.ts';

const SHOP = 'https://shop.example';
const browser: TemplateSettings = {
  streamName: 'events',
  allowedOrigins: [SHOP, 'http://127.0.0.1:8080'],
  originRequired: true,
  serverRoute: 'POST /v1/server/events',
  retryAfterThrottledSeconds: 1,
  retryAfterUnavailableSeconds: 5,
};
const server: TemplateSettings = { ...browser, originRequired: false };

const pageView = {
  schema: 'clickstream.page_view',
  version: 1,
  eventId: '0190d2c4-1f2e-7a3b-8c4d-5e6f7a8b9c0d',
  eventTime: '2026-11-22T05:06:06.900Z',
  sessionId: 's-1',
  page: '/products/42',
  referrer: 'https://search.example/?q=it\'s "quoted" ü',
};
const reading = {
  schema: 'telemetry.reading',
  version: 1,
  eventId: '0190d2c4-1f2e-7a3b-8c4d-5e6f7a8b9c0e',
  eventTime: '2026-11-22T05:06:06.901Z',
  deviceId: 'device-7',
  temperature: 21.5,
  humidity: 40,
  battery: 99,
  status: 'ok',
};
const anonymous = {
  schema: 'x.y',
  version: 3,
  eventId: '0190d2c4-1f2e-7a3b-8c4d-5e6f7a8b9c0f',
  eventTime: 't',
};

interface PutRecordsBody {
  StreamName: string;
  Records: { PartitionKey: string; Data: string }[];
}

type BatchRecord = {
  edge: Record<string, string>;
  events: Record<string, unknown>[];
};

const putRecords = (settings: TemplateSettings, request: FakeRequest): PutRecordsBody =>
  JSON.parse(renderTemplate(putRecordsRequest(settings), request).output);

const dataOf = (record: { Data: string } | undefined): BatchRecord =>
  JSON.parse(Buffer.from(record?.Data ?? '', 'base64').toString('utf8'));

/** The one record a request becomes; fails when there is not exactly one. */
const batchOf = (settings: TemplateSettings, request: FakeRequest) => {
  const { Records } = putRecords(settings, request);
  expect(Records).toHaveLength(1);
  const [record] = Records as [{ PartitionKey: string; Data: string }];
  return { partitionKey: record.PartitionKey, data: dataOf(record) };
};

const fromShop = (body: unknown, extra: Partial<FakeRequest> = {}): FakeRequest => ({
  body: JSON.stringify(body),
  headers: { Origin: SHOP },
  ...extra,
});

describe('the collector request template (one PutRecords entry: the batch as one record)', () => {
  it('puts a JSON array as one record on the stack stream: the edge once, then the events as sent, in order', () => {
    // Act
    const body = putRecords(browser, fromShop([pageView, reading, anonymous]));

    // Assess
    expect(body.StreamName).toBe('events');
    expect(body.Records).toHaveLength(1);
    const data = dataOf(body.Records[0]);
    expect(Object.keys(data)).toEqual(['edge', 'events']);
    expect(data.events).toEqual([pageView, reading, anonymous]);
  });

  it('reads {"events": [...]} the same way, whatever the whitespace before it, and takes nothing else of it', () => {
    // Prepare
    const request = {
      ...fromShop({}),
      body: `\n  ${JSON.stringify({ events: [pageView, reading], note: 'not an event' })}`,
    };

    // Act
    const { data } = batchOf(browser, request);

    // Assess
    expect(Object.keys(data)).toEqual(['edge', 'events']);
    expect(data.events).toEqual([pageView, reading]);
  });

  it("keeps each event's fields exactly as sent, in their order, with no edge of its own", () => {
    // Act
    const { data } = batchOf(browser, fromShop([pageView, reading]));

    // Assess
    expect(data.events.map((event) => Object.keys(event))).toEqual([
      Object.keys(pageView),
      Object.keys(reading),
    ]);
    expect(data.events.some((event) => 'edge' in event)).toBe(false);
  });

  it('puts the largest batch the model takes (500 events) in one record, every event in order', () => {
    // Prepare
    const events = Array.from({ length: MAX_BATCH_EVENTS }, (_, n) => ({ ...pageView, eventId: `e-${n}` }));

    // Act
    const { data } = batchOf(browser, fromShop(events));

    // Assess
    expect(data.events.map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
  });

  it.each([
    ['sessionId', [pageView, reading], 's-1'],
    ['deviceId, when it has no sessionId', [reading, pageView], 'device-7'],
    ['eventId, when it has neither', [anonymous, pageView], anonymous.eventId],
  ])("keys the record by the first event's %s", (_, events, key) => {
    // Act
    const { partitionKey } = batchOf(browser, fromShop(events));

    // Assess
    expect(partitionKey).toBe(key);
  });

  it('escapes a partition key as JSON, whatever it holds', () => {
    // Prepare
    const odd = { ...pageView, sessionId: 'it\'s a "session" \\ ü' };

    // Act
    const { partitionKey } = batchOf(browser, fromShop({ events: [odd, reading] }));

    // Assess
    expect(partitionKey).toBe(odd.sessionId);
  });

  it('stamps the receive time to the millisecond, the request id, the user agent and the origin', () => {
    // Prepare
    const request = fromShop([pageView], {
      requestTimeEpoch: Date.UTC(2026, 1, 3, 4, 5, 6, 7),
      requestId: 'req-1',
      userAgent: 'Mozilla/5.0 (X11; it\'s "quoted") é\t',
    });

    // Act
    const { data } = batchOf(browser, request);

    // Assess
    expect(data.edge).toEqual({
      receivedAt: '2026-02-03T04:05:06.007Z',
      requestId: 'req-1',
      sourceIp: '203.0.113.0',
      userAgent: 'Mozilla/5.0 (X11; it\'s "quoted") é\t',
      origin: SHOP,
    });
  });

  it('forwards a record the consumers read as a batch: its edge valid, each event valid with it', () => {
    // Prepare
    const request = fromShop([pageView, reading], { userAgent: 'Mozilla/5.0 (it\'s "me")' });

    // Act
    const { data } = batchOf(browser, request);

    // Assess
    expect(isEventBatch(data)).toBe(true);
    expect(batchProblem(data)).toBeUndefined();
    expect(edgeProblem(data.edge)).toBeUndefined();
    for (const event of data.events) {
      expect(validateEvent({ edge: data.edge, ...event })).toMatchObject({ ok: true });
    }
  });

  it('cuts a user agent and an origin to the lengths the edge context allows', () => {
    // Prepare
    const long = {
      userAgent: `Mozilla/5.0 ${'x'.repeat(600)}`,
      origin: `https://${'o'.repeat(300)}.example`,
    };

    // Act
    const { data } = batchOf(server, {
      body: JSON.stringify([reading]),
      userAgent: long.userAgent,
      headers: { Origin: long.origin },
    });

    // Assess
    expect(data.edge).toMatchObject({
      userAgent: long.userAgent.slice(0, EDGE_LIMITS.userAgent),
      origin: long.origin.slice(0, EDGE_LIMITS.origin),
    });
    expect(edgeProblem(data.edge)).toBeUndefined();
  });

  it.each([
    ['198.51.100.23', '198.51.100.0'],
    ['2001:db8:85a3:0:0:8a2e:370:7334', '2001:db8:85a3::'],
    ['2001:db8::1', '2001:db8::'],
    ['::1', '::'],
  ])('truncates the source address %s to %s', (sourceIp, truncated) => {
    // Act
    const { data } = batchOf(browser, fromShop([pageView], { sourceIp }));

    // Assess
    expect(data.edge.sourceIp).toBe(truncated);
  });

  it('leaves out the user agent and the origin when the request has none (a keyed server source)', () => {
    // Act
    const { data } = batchOf(server, { body: JSON.stringify([reading]), userAgent: '' });

    // Assess
    expect(Object.keys(data.edge)).toEqual(['receivedAt', 'requestId', 'sourceIp']);
  });

  it('reads the Origin header however the client cased it', () => {
    // Act
    const body = putRecords(browser, { body: JSON.stringify([pageView]), headers: { origin: SHOP } });

    // Assess
    expect(body.Records).toHaveLength(1);
  });

  it.each([
    ['an origin not on the list', { Origin: 'https://elsewhere.example' }],
    ['no Origin at all', {}],
  ])('writes nothing for a browser request from %s: no entry, which Kinesis refuses', (_, headers) => {
    // Act
    const body = putRecords(browser, { body: JSON.stringify([pageView]), headers });

    // Assess
    expect(body).toEqual({ StreamName: 'events', Records: [] });
  });

  it('writes a keyed server request from any origin, and records that origin', () => {
    // Act
    const { data } = batchOf(server, {
      body: JSON.stringify([pageView]),
      headers: { Origin: 'https://elsewhere.example' },
    });

    // Assess
    expect(data.edge.origin).toBe('https://elsewhere.example');
  });

  it.each([
    ['an array', [pageView, reading], { Origin: SHOP }],
    ['{"events": [...]}', { events: [reading, anonymous] }, { origin: SHOP }],
    ['a stranger', [pageView], { Origin: 'https://elsewhere.example' }],
  ])('renders byte for byte as the local API Gateway renders it (%s)', (_, body, headers) => {
    // Prepare
    const epoch = Date.UTC(2026, 10, 22, 5, 6, 7, 89);
    const request = { requestId: 'req-9', sourceIp: '198.51.100.7', userAgent: "Mozilla/5.0 (it's)" };

    // Act
    const fake = renderTemplate(putRecordsRequest(browser), {
      body: JSON.stringify(body),
      headers,
      requestTimeEpoch: epoch,
      ...request,
    });
    const local = renderMappingTemplate(putRecordsRequest(browser), {
      body: JSON.stringify(body),
      params: { header: headers },
      context: { receivedAtMs: epoch, ...request },
    });

    // Assess
    expect(local.output).toBe(fake.output);
  });
});

const kinesisAnswer = (records: object[]) =>
  JSON.stringify({
    FailedRecordCount: records.filter((record) => 'ErrorCode' in record).length,
    Records: records,
  });
const written = {
  SequenceNumber: '49590338271490256608559692538361571095921575989136588898',
  ShardId: 'shardId-000000000000',
};
const refused = (ErrorCode: string) => ({ ErrorCode, ErrorMessage: `${ErrorCode} for this record` });

describe('the collector result template (Kinesis answered 200 for its one entry)', () => {
  const result = (entry: object, headers: Record<string, string> = { Origin: SHOP }) =>
    renderTemplate(putRecordsResult(browser), { body: '[]', headers }, kinesisAnswer([entry]));

  it('answers 200 with nothing refused when the batch was written', () => {
    // Act
    const rendered = result(written);

    // Assess
    expect(rendered.status).toBeUndefined();
    expect(JSON.parse(rendered.output)).toEqual({ refused: [] });
    expect(rendered.headers['Retry-After']).toBeUndefined();
  });

  it.each([
    'ProvisionedThroughputExceededException',
    'KMSThrottlingException',
  ])('answers 429 with Retry-After when the batch was refused for throughput (%s)', (code) => {
    // Act
    const rendered = result(refused(code));

    // Assess
    expect(rendered.status).toBe(429);
    expect(rendered.headers['Retry-After']).toBe('1');
    expect(JSON.parse(rendered.output)).toEqual({
      message: `Kinesis throttled the batch (${code}): resend it after Retry-After seconds`,
    });
  });

  it.each([
    'InternalFailure',
    'KMSAccessDeniedException',
  ])('answers 503 with Retry-After when the batch was refused for anything else (%s)', (code) => {
    // Act
    const rendered = result(refused(code));

    // Assess
    expect(rendered.status).toBe(503);
    expect(rendered.headers['Retry-After']).toBe('5');
    expect(JSON.parse(rendered.output)).toEqual({
      message: `Kinesis cannot take the batch now (${code}): resend it after Retry-After seconds`,
    });
  });

  it('lets an allowed origin read the result, refused or not, and no other', () => {
    // Act
    const allowed = result(written);
    const throttled = result(refused('ProvisionedThroughputExceededException'));
    const other = result(written, { Origin: 'https://elsewhere.example' });

    // Assess
    expect(allowed.headers['Access-Control-Allow-Origin']).toBe(SHOP);
    expect(throttled.headers['Access-Control-Allow-Origin']).toBe(SHOP);
    expect(other.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });
});

describe('the collector refusal template (Kinesis answered 4xx)', () => {
  const refusal = (
    error: { __type: string; message: string },
    headers: Record<string, string> = { Origin: SHOP },
    settings = browser,
  ) => {
    const rendered = renderTemplate(kinesisRefusal(settings), { body: '[]', headers }, JSON.stringify(error));
    return { ...rendered, message: (JSON.parse(rendered.output) as { message: string }).message };
  };
  const emptyRecords = {
    __type: 'ValidationException',
    message:
      "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1",
  };

  it('answers 403 naming an origin not on the list, readable by that page so it stops resending', () => {
    // Act
    const rendered = refusal(emptyRecords, { Origin: "https://it's.example" });

    // Assess
    expect(rendered.status).toBe(403);
    expect(rendered.message).toContain("origin https://it's.example may not send events");
    expect(rendered.headers['Access-Control-Allow-Origin']).toBe("https://it's.example");
  });

  it('answers 403 to a browser request without Origin, naming the route for server-side sources', () => {
    // Act
    const rendered = refusal(emptyRecords, {});

    // Assess
    expect(rendered.status).toBe(403);
    expect(rendered.message).toContain('POST /v1/server/events with an X-Api-Key header');
  });

  it('answers 413 when Kinesis refuses the batch as too large', () => {
    // Act
    const rendered = refusal({
      __type: 'InvalidArgumentException',
      message: 'Records size exceeds 5 MB limit',
    });

    // Assess
    expect(rendered.status).toBe(413);
    expect(rendered.message).toContain('Records size exceeds 5 MB limit');
  });

  it('answers 413 when one record is over the 1 MiB Kinesis takes', () => {
    // Act
    const rendered = refusal({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    });

    // Assess
    expect(rendered.status).toBe(413);
  });

  it.each([
    'ProvisionedThroughputExceededException',
    'KMSThrottlingException',
    'LimitExceededException',
  ])('answers 429 with Retry-After when Kinesis throttles the whole request (%s)', (type) => {
    // Act
    const rendered = refusal({ __type: type, message: 'Rate exceeded' });

    // Assess
    expect(rendered.status).toBe(429);
    expect(rendered.headers['Retry-After']).toBe('1');
  });

  it("answers 400 with Kinesis's reason for any other invalid request", () => {
    // Act
    const rendered = refusal(emptyRecords, {}, server);

    // Assess
    expect(rendered.status).toBe(400);
    expect(rendered.message).toBe(`Kinesis refused the batch (ValidationException: ${emptyRecords.message})`);
  });

  it('answers 503 with Retry-After when the stream cannot take it (missing, or no permission)', () => {
    // Act
    const rendered = refusal({ __type: 'ResourceNotFoundException', message: 'Stream events not found' });

    // Assess
    expect(rendered.status).toBe(503);
    expect(rendered.headers['Retry-After']).toBe('5');
    expect(rendered.headers['Access-Control-Allow-Origin']).toBe(SHOP);
  });
});

describe('the collector unavailable template (Kinesis answered 5xx)', () => {
  it('says so with Retry-After; the integration response itself is the 503', () => {
    // Act
    const rendered = renderTemplate(
      kinesisUnavailable(browser),
      { body: '[]', headers: { Origin: SHOP } },
      JSON.stringify({ __type: 'InternalFailure' }),
    );

    // Assess
    expect(JSON.parse(rendered.output)).toEqual({
      message: 'Kinesis is unavailable (InternalFailure): resend the batch after Retry-After seconds',
    });
    expect(rendered.headers['Retry-After']).toBe('5');
  });
});
