import { describe, expect, it } from 'vitest';
import { CONTRACTS, EDGE_LIMITS, validateEvent } from '../../../schemas/index.ts';
import { throughEdge, webEdge } from '../support/edge-context.ts';
import { pageView, purchase, reading, statusChange } from '../support/kinesis-records.ts';

/** Validates the event as a consumer sees it: parsed from the JSON a producer or the edge wrote. */
const validate = (event: object) => validateEvent(JSON.parse(JSON.stringify(event)));
const detailOf = (event: object) => {
  const result = validate(event);
  return result.ok ? 'accepted' : `${result.reason}: ${result.detail}`;
};

/** The edge context the device rule adds (IoT Core's SQL): no source address, the client id and the topic. */
const deviceEdge = (deviceId = 'sensor-0042') => ({
  receivedAt: '2026-11-22T05:06:07.456Z',
  requestId: '7e146a2c-95b5-6caf-98b9-50e3969734c7',
  clientId: deviceId,
  topic: `streamlake/devices/${deviceId}/telemetry`,
});

describe('the edge context every contract accepts', () => {
  it('is declared, optional, on every contract', () => {
    // Prepare
    const contracts = CONTRACTS.map((c) => String(c.$id));

    // Act
    const withEdge = CONTRACTS.filter((c) => c.properties.edge && !c.required?.includes('edge'));

    // Assess
    expect(withEdge.map((c) => String(c.$id))).toEqual(contracts);
  });

  it('leaves events without it valid: simulators and devices send none', () => {
    // Prepare
    const events = [pageView(), purchase(), reading(), statusChange()];

    // Act
    const results = events.map((event) => validate(event).ok);

    // Assess
    expect(results).toEqual([true, true, true, true]);
  });

  it('accepts the collector context on clickstream and telemetry events, and keeps it on the event', () => {
    // Prepare
    const events = [throughEdge(pageView()), throughEdge(purchase()), throughEdge(reading())];

    // Act
    const results = events.map(validate);

    // Assess
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(results[0]?.ok && results[0].event.edge).toEqual(webEdge());
  });

  it('accepts it without the headers a request may lack (User-Agent, Origin)', () => {
    // Prepare
    const { userAgent: _ua, origin: _origin, ...bare } = webEdge();

    // Act
    const result = validate({ ...pageView(), edge: bare });

    // Assess
    expect(result.ok).toBe(true);
  });

  it('accepts the device rule context on telemetry events: no source address, the client id and the topic', () => {
    // Prepare
    const events = [reading(), statusChange()].map((event) => ({ ...event, edge: deviceEdge() }));

    // Act
    const results = events.map(validate);

    // Assess
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(results[0]?.ok && results[0].event.edge).toEqual(deviceEdge());
  });

  it.each([
    ['203.0.113.0'],
    ['10.0.0.0'],
    ['255.255.255.0'],
    ['2001:db8:85a3::'],
    ['2001:DB8:85A3::'],
    ['2001:db8::'],
    ['fe80::'],
    ['::'],
  ])('accepts the truncated source address %s', (sourceIp) => {
    // Act
    const detail = detailOf(throughEdge(pageView(), { sourceIp }));

    // Assess
    expect(detail).toBe('accepted');
  });

  it.each([
    ['a whole IPv4 address', '203.0.113.7'],
    ['an IPv4 octet over 255', '256.0.113.0'],
    ['an IPv4 octet with a leading zero', '203.0.013.0'],
    ['three IPv4 octets', '203.0.0'],
    ['a whole IPv6 address', '2001:db8:85a3:8d3:1319:8a2e:370:7348'],
    ['four IPv6 groups', '2001:db8:85a3:8d3::'],
    ['IPv6 without the trailing ::', '2001:db8:85a3'],
    ['an IPv6 group of five digits', '2001:db8:85a30::'],
    ['an empty address', ''],
  ])('refuses %s as the source address, naming /edge/sourceIp', (_, sourceIp) => {
    // Act
    const detail = detailOf(throughEdge(pageView(), { sourceIp }));

    // Assess
    expect(detail).toMatch(/^schema-violation: clickstream\.page_view v1: \/edge\/sourceIp /);
    expect(detail).toContain(JSON.stringify(sourceIp));
  });

  it.each([
    ['receivedAt without a time', { receivedAt: '2026-11-22' }, '/edge/receivedAt'],
    ['receivedAt in another zone', { receivedAt: '2026-11-22T05:06:07.456+01:00' }, '/edge/receivedAt'],
    ['an empty requestId', { requestId: '' }, '/edge/requestId'],
    ['a requestId with a space', { requestId: 'req 1' }, '/edge/requestId'],
    [
      `a requestId over ${EDGE_LIMITS.requestId} characters`,
      { requestId: 'r'.repeat(EDGE_LIMITS.requestId + 1) },
      '/edge/requestId',
    ],
    [
      `a userAgent over ${EDGE_LIMITS.userAgent} characters`,
      { userAgent: 'u'.repeat(EDGE_LIMITS.userAgent + 1) },
      '/edge/userAgent',
    ],
    ['an empty userAgent', { userAgent: '' }, '/edge/userAgent'],
    [
      `an origin over ${EDGE_LIMITS.origin} characters`,
      { origin: `https://${'o'.repeat(EDGE_LIMITS.origin)}.example` },
      '/edge/origin',
    ],
    ['a requestId that is a number', { requestId: 42 as unknown as string }, '/edge/requestId'],
    ['an empty clientId', { clientId: '' }, '/edge/clientId'],
    ['a clientId with a space', { clientId: 'sensor 1' }, '/edge/clientId'],
    [
      `a clientId over ${EDGE_LIMITS.clientId} characters`,
      { clientId: 'c'.repeat(EDGE_LIMITS.clientId + 1) },
      '/edge/clientId',
    ],
    ['an empty topic', { topic: '' }, '/edge/topic'],
    [
      `a topic over ${EDGE_LIMITS.topic} characters`,
      { topic: 't'.repeat(EDGE_LIMITS.topic + 1) },
      '/edge/topic',
    ],
  ])('refuses %s as a schema violation naming %s', (_, edge, path) => {
    // Act
    const detail = detailOf(throughEdge(pageView(), edge));

    // Assess
    expect(detail).toMatch(new RegExp(`^schema-violation: clickstream\\.page_view v1: ${path} `));
  });

  it('keeps the longest values the limits allow', () => {
    // Prepare
    const edge = {
      requestId: 'r'.repeat(EDGE_LIMITS.requestId),
      userAgent: 'u'.repeat(EDGE_LIMITS.userAgent),
      origin: `https://${'o'.repeat(EDGE_LIMITS.origin - 8)}`,
      clientId: 'c'.repeat(EDGE_LIMITS.clientId),
      topic: 't'.repeat(EDGE_LIMITS.topic),
    };

    // Act
    const detail = detailOf(throughEdge(reading(), edge));

    // Assess
    expect(detail).toBe('accepted');
  });

  it('refuses a property the edge context does not declare, naming it', () => {
    // Prepare
    const event = { ...pageView(), edge: { ...webEdge(), thingName: 'thing-1' } };

    // Act
    const detail = detailOf(event);

    // Assess
    expect(detail).toMatch(
      /^schema-violation: clickstream\.page_view v1: \/edge\/thingName Unexpected property/,
    );
  });

  it.each([
    ['missing receivedAt', 'receivedAt'],
    ['missing requestId', 'requestId'],
  ])('refuses an edge context %s, naming the field', (_, field) => {
    // Prepare
    const edge: Record<string, unknown> = { ...webEdge() };
    delete edge[field];

    // Act
    const detail = detailOf({ ...pageView(), edge });

    // Assess
    expect(detail).toMatch(new RegExp(`^schema-violation: clickstream\\.page_view v1: /edge/${field} `));
  });

  it.each([
    ['a string', 'web'],
    ['an array', [webEdge()]],
    ['null', null],
  ])('refuses an edge that is %s, naming /edge', (_, edge) => {
    // Act
    const detail = detailOf({ ...pageView(), edge });

    // Assess
    expect(detail).toMatch(/^schema-violation: clickstream\.page_view v1: \/edge /);
  });

  it('refuses a receivedAt of the right shape that names no real instant', () => {
    // Prepare
    const event = throughEdge(pageView(), { receivedAt: '2026-02-30T05:06:07.456Z' });

    // Act
    const detail = detailOf(event);

    // Assess
    expect(detail).toBe(
      'schema-violation: clickstream.page_view v1: /edge/receivedAt is not a real UTC time (given ' +
        '"2026-02-30T05:06:07.456Z"): the edge must use YYYY-MM-DDTHH:MM:SS[.sss]Z with a calendar date in ' +
        '1970–9999, hours 00–23, minutes and seconds 00–59',
    );
  });

  it('refuses a control character in the user agent, naming /edge/userAgent', () => {
    // Prepare
    const event = throughEdge(pageView(), { userAgent: 'Mozilla/5.0\u0001' });

    // Act
    const detail = detailOf(event);

    // Assess
    expect(detail).toMatch(
      /^schema-violation: clickstream\.page_view v1: \/edge\/userAgent holds U\+0001 at 11/,
    );
  });
});
