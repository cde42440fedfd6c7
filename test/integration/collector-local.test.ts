import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { validateEvent } from '../../schemas/validate.ts';
import { sampleEvents } from './support/events.ts';
import { readShards } from './support/local-cloud-fixture.ts';

const SHOP = 'http://127.0.0.1:4173';

/** The stack's web collector, served by the local cloud from the synthesized template (no other wiring). */
describe('the web collector of the real stack on the local cloud', () => {
  let cloud: LocalCloud;
  const post = (body: unknown, headers: Record<string, string>) =>
    fetch(cloud.collectorUrl ?? '', { method: 'POST', headers, body: JSON.stringify(body) });

  beforeAll(async () => {
    cloud = await LocalCloud.start({ context: { 'streamlake:collectorAllowedOrigins': [SHOP] } });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('takes a batch from an allowed origin as text/plain, one record per event, each the event plus edge context', async () => {
    // Prepare
    const events = sampleEvents(6).filter((event) => 'sessionId' in event);

    // Act
    const answer = await post(events, { 'content-type': 'text/plain', origin: SHOP, 'user-agent': 'test' });

    // Assess: every event accepted; in the stream with edge first and the event's own fields unchanged.
    expect(cloud.collectorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\w+\/v1\/events$/);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(answer.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(await answer.json()).toEqual({ accepted: events.length, refused: [] });
    const stored = [...(await readShards(cloud)).values()]
      .flat()
      .map((r) => JSON.parse(Buffer.from(r.data, 'base64').toString('utf8')));
    expect(stored.map(({ edge: _, ...event }) => event.eventId).sort()).toEqual(
      events.map((e) => e.eventId).sort(),
    );
    for (const record of stored) {
      expect(Object.keys(record)[0]).toBe('edge');
      expect(record.edge).toMatchObject({ sourceIp: '127.0.0.0', userAgent: 'test', origin: SHOP });
      const { edge: _, ...event } = record;
      expect(event).toEqual(events.find((e) => e.eventId === event.eventId));
      expect(validateEvent(record).ok).toBe(true);
    }
  });

  it('refuses an origin not on the allow-list (403), a batch without event ids (400) and another content type (415)', async () => {
    // Act
    const stranger = await post(sampleEvents(2), {
      'content-type': 'text/plain',
      origin: 'http://127.0.0.1:1',
    });
    const { eventId: _, ...noId } = sampleEvents(1)[0] ?? {};
    const invalid = await post([noId], { 'content-type': 'application/json', origin: SHOP });
    const xml = await post(sampleEvents(1), { 'content-type': 'application/xml', origin: SHOP });

    // Assess
    expect(stranger.status).toBe(403);
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(await invalid.json())).toContain('eventId');
    expect(xml.status).toBe(415);
  });
});
