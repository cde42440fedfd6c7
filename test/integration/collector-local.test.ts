import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { batchProblem, edgeProblem, validateEvent } from '../../schemas/index.ts';
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

  it('takes a batch from an allowed origin as text/plain as one record: the edge context once, the events as sent', async () => {
    // Prepare
    const events = sampleEvents(6).filter((event) => 'sessionId' in event);

    // Act
    const answer = await post(events, { 'content-type': 'text/plain', origin: SHOP, 'user-agent': 'test' });

    // Assess: accepted whole; in the stream as one batch record, its events in order and unchanged.
    expect(cloud.collectorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\w+\/v1\/events$/);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(answer.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(await answer.json()).toEqual({ refused: [] });
    const stored = [...(await readShards(cloud)).values()].flat().map((r) => ({
      partitionKey: r.partitionKey,
      batch: JSON.parse(Buffer.from(r.data, 'base64').toString('utf8')),
    }));
    expect(stored).toHaveLength(1);
    const [{ partitionKey, batch }] = stored as [(typeof stored)[number]];
    expect(Object.keys(batch)).toEqual(['edge', 'events']);
    expect(batchProblem(batch)).toBeUndefined();
    expect(edgeProblem(batch.edge)).toBeUndefined();
    expect(batch.edge).toMatchObject({ sourceIp: '127.0.0.0', userAgent: 'test', origin: SHOP });
    expect(batch.events).toEqual(events);
    expect(partitionKey).toBe((events[0] as { sessionId: string }).sessionId);
    for (const event of batch.events) expect(validateEvent({ edge: batch.edge, ...event }).ok).toBe(true);
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
