import { describe, expect, it } from 'vitest';
import {
  kinesisRefusal,
  kinesisUnavailable,
  putRecordsRequest,
  putRecordsResult,
  type TemplateSettings,
} from '../../../../infra/constructs/collector/templates.ts';
import { EDGE_LIMITS, validateEvent } from '../../../../schemas/index.ts';
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

const putRecords = (settings: TemplateSettings, request: FakeRequest): PutRecordsBody =>
  JSON.parse(renderTemplate(putRecordsRequest(settings), request).output);

const dataOf = (record: { Data: string }): Record<string, unknown> =>
  JSON.parse(Buffer.from(record.Data, 'base64').toString('utf8'));

const fromShop = (body: unknown, extra: Partial<FakeRequest> = {}): FakeRequest => ({
  body: JSON.stringify(body),
  headers: { Origin: SHOP },
  ...extra,
});

describe('the collector request template (PutRecords)', () => {
  it('turns a JSON array into one record per event, in order, on the stack stream', () => {
    // Act
    const body = putRecords(browser, fromShop([pageView, reading]));

    // Assess
    expect(body.StreamName).toBe('events');
    expect(body.Records.map((record) => dataOf(record).eventId)).toEqual([pageView.eventId, reading.eventId]);
  });

  it('reads {"events": [...]} the same way, whatever the whitespace before it', () => {
    // Prepare
    const request = { ...fromShop({}), body: `\n  ${JSON.stringify({ events: [pageView, reading] })}` };

    // Act
    const body = putRecords(browser, request);

    // Assess
    expect(body.Records.map((record) => dataOf(record).eventId)).toEqual([pageView.eventId, reading.eventId]);
  });

  it('keeps each event exactly as sent and adds "edge" as its first property', () => {
    // Act
    const [record] = putRecords(browser, fromShop([pageView])).Records;

    // Assess
    const data = dataOf(record as { Data: string });
    expect(Object.keys(data)[0]).toBe('edge');
    const { edge: _edge, ...event } = data;
    expect(event).toEqual(pageView);
    expect(Object.keys(event)).toEqual(Object.keys(pageView));
  });

  it('keys each record by sessionId, else deviceId, else eventId', () => {
    // Act
    const body = putRecords(browser, fromShop([pageView, reading, anonymous]));

    // Assess
    expect(body.Records.map((record) => record.PartitionKey)).toEqual(['s-1', 'device-7', anonymous.eventId]);
  });

  it('escapes a partition key as JSON, whatever it holds', () => {
    // Prepare
    const odd = { ...pageView, sessionId: 'it\'s a "session" \\ ü' };

    // Act
    const [record] = putRecords(browser, fromShop([odd])).Records;

    // Assess
    expect(record?.PartitionKey).toBe(odd.sessionId);
  });

  it('stamps the receive time to the millisecond, the request id, the user agent and the origin', () => {
    // Prepare
    const request = fromShop([pageView], {
      requestTimeEpoch: Date.UTC(2026, 1, 3, 4, 5, 6, 7),
      requestId: 'req-1',
      userAgent: 'Mozilla/5.0 (X11; it\'s "quoted") é\t',
    });

    // Act
    const [record] = putRecords(browser, request).Records;

    // Assess
    expect(dataOf(record as { Data: string }).edge).toEqual({
      receivedAt: '2026-02-03T04:05:06.007Z',
      requestId: 'req-1',
      sourceIp: '203.0.113.0',
      userAgent: 'Mozilla/5.0 (X11; it\'s "quoted") é\t',
      origin: SHOP,
    });
  });

  it('forwards records the consumers accept: the contracts know the edge context', () => {
    // Prepare
    const request = fromShop([pageView, reading], { userAgent: 'Mozilla/5.0 (it\'s "me")' });

    // Act
    const records = putRecords(browser, request).Records;

    // Assess
    for (const record of records) expect(validateEvent(dataOf(record))).toMatchObject({ ok: true });
  });

  it('cuts a user agent and an origin to the lengths the edge context allows', () => {
    // Prepare
    const long = {
      userAgent: `Mozilla/5.0 ${'x'.repeat(600)}`,
      origin: `https://${'o'.repeat(300)}.example`,
    };

    // Act
    const [record] = putRecords(server, {
      body: JSON.stringify([reading]),
      userAgent: long.userAgent,
      headers: { Origin: long.origin },
    }).Records;

    // Assess
    const data = dataOf(record as { Data: string });
    expect(data.edge).toMatchObject({
      userAgent: long.userAgent.slice(0, EDGE_LIMITS.userAgent),
      origin: long.origin.slice(0, EDGE_LIMITS.origin),
    });
    expect(validateEvent(data)).toMatchObject({ ok: true });
  });

  it.each([
    ['198.51.100.23', '198.51.100.0'],
    ['2001:db8:85a3:0:0:8a2e:370:7334', '2001:db8:85a3::'],
    ['2001:db8::1', '2001:db8::'],
    ['::1', '::'],
  ])('truncates the source address %s to %s', (sourceIp, truncated) => {
    // Act
    const [record] = putRecords(browser, fromShop([pageView], { sourceIp })).Records;

    // Assess
    expect((dataOf(record as { Data: string }).edge as { sourceIp: string }).sourceIp).toBe(truncated);
  });

  it('leaves out the user agent and the origin when the request has none (a keyed server source)', () => {
    // Act
    const [record] = putRecords(server, { body: JSON.stringify([reading]), userAgent: '' }).Records;

    // Assess
    expect(Object.keys(dataOf(record as { Data: string }).edge as object)).toEqual([
      'receivedAt',
      'requestId',
      'sourceIp',
    ]);
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
  ])('writes nothing for a browser request from %s', (_, headers) => {
    // Act
    const body = putRecords(browser, { body: JSON.stringify([pageView]), headers });

    // Assess
    expect(body.Records).toEqual([]);
  });

  it('writes a keyed server request from any origin, and records that origin', () => {
    // Act
    const [record] = putRecords(server, {
      body: JSON.stringify([pageView]),
      headers: { Origin: 'https://elsewhere.example' },
    }).Records;

    // Assess
    expect((dataOf(record as { Data: string }).edge as { origin: string }).origin).toBe(
      'https://elsewhere.example',
    );
  });
});

const kinesisAnswer = (records: object[]) =>
  JSON.stringify({
    FailedRecordCount: records.filter((record) => 'ErrorCode' in record).length,
    Records: records,
  });
const ok = (n: number) => ({ SequenceNumber: `4959${n}`, ShardId: 'shardId-000000000000' });
const refused = (ErrorCode: string) => ({ ErrorCode, ErrorMessage: `${ErrorCode} for this record` });

describe('the collector result template (Kinesis answered 200)', () => {
  const result = (records: object[], headers: Record<string, string> = { Origin: SHOP }) =>
    renderTemplate(putRecordsResult(browser), { body: '[]', headers }, kinesisAnswer(records));

  it('answers 200 with the count when every record was accepted', () => {
    // Act
    const rendered = result([ok(1), ok(2)]);

    // Assess
    expect(rendered.status).toBeUndefined();
    expect(JSON.parse(rendered.output)).toEqual({ accepted: 2, refused: [] });
  });

  it('answers 207 naming each refused event by its index in the batch, so only those are resent', () => {
    // Act
    const rendered = result([
      ok(1),
      refused('ProvisionedThroughputExceededException'),
      ok(3),
      refused('InternalFailure'),
    ]);

    // Assess
    expect(rendered.status).toBe(207);
    expect(JSON.parse(rendered.output)).toEqual({
      accepted: 2,
      refused: [
        { index: 1, error: 'ProvisionedThroughputExceededException', retryable: true },
        { index: 3, error: 'InternalFailure', retryable: true },
      ],
    });
    expect(rendered.headers['Retry-After']).toBeUndefined();
  });

  it('marks an error code Kinesis does not document for PutRecords entries as not retryable', () => {
    // Act
    const rendered = result([ok(1), refused('KMSAccessDeniedException')]);

    // Assess
    expect(JSON.parse(rendered.output).refused).toEqual([
      { index: 1, error: 'KMSAccessDeniedException', retryable: false },
    ]);
  });

  it('answers 429 with Retry-After when every record was refused for throughput', () => {
    // Act
    const rendered = result([
      refused('ProvisionedThroughputExceededException'),
      refused('ProvisionedThroughputExceededException'),
    ]);

    // Assess
    expect(rendered.status).toBe(429);
    expect(rendered.headers['Retry-After']).toBe('1');
    expect(JSON.parse(rendered.output).accepted).toBe(0);
  });

  it('answers 503 with Retry-After when every record was refused and some for an internal failure', () => {
    // Act
    const rendered = result([refused('ProvisionedThroughputExceededException'), refused('InternalFailure')]);

    // Assess
    expect(rendered.status).toBe(503);
    expect(rendered.headers['Retry-After']).toBe('5');
  });

  it('lets an allowed origin read the result, and no other', () => {
    // Act
    const allowed = result([ok(1)]);
    const other = result([ok(1)], { Origin: 'https://elsewhere.example' });

    // Assess
    expect(allowed.headers['Access-Control-Allow-Origin']).toBe(SHOP);
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
