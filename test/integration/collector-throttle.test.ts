import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../infra/local/faults/fault-rules.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { CollectorWriter } from '../../producers/collector-writer.ts';
import { recordOf } from '../../producers/source.ts';
import { sampleEvents } from './support/events.ts';
import { control } from './support/fault-control.ts';
import { eventually, readShards } from './support/local-cloud-fixture.ts';

/** Kinesis throttling the collector's PutRecords (one batch record a request), end to end through the real local API Gateway. */
describe('the web collector while Kinesis throttles', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ faults: true });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('answers 429 with Retry-After, and a client that resends after it gets every event in exactly once', async () => {
    // Prepare: every PutRecords throttled until the collector has been refused twice (by count, not by the clock).
    const events = sampleEvents(60).filter((event) => 'sessionId' in event);
    const source = cloud.collectorServerSource;
    if (!source) throw new Error('the stack has no collector with an API key');
    const { id } = (await control(cloud, 'POST', '/faults', {
      service: 'kinesis',
      operations: ['PutRecords'],
      effect: 'throttle',
      share: 1,
    })) as { id: string };
    const writer = new CollectorWriter({ ...source, eventsPerRequest: 20, maxInFlight: 1 });
    const probe = await fetch(source.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': source.apiKey },
      body: JSON.stringify(events.slice(0, 1)),
    });

    // Act
    const writing = writer.write(events.map(recordOf));
    await eventually(
      async () =>
        ((await control(cloud, 'GET', '/faults')) as FaultRule[]).some(
          (rule) => rule.id === id && rule.answered >= 2,
        ),
      30_000,
      "the throttle refusing the collector's PutRecords",
    );
    await control(cloud, 'DELETE', '/faults');
    const outcomes = await writing;

    // Assess: the probe saw the throttle as a client would; the writer's resends landed every event once.
    expect(probe.status).toBe(429);
    expect(Number(probe.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await probe.json()) as { message: string }).toMatchObject({
      message: expect.stringContaining('Kinesis throttled the batch'),
    });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(events.map(() => 'accepted'));
    expect(writer.counters.retried).toBeGreaterThan(0);
    expect(cloud.collectorFigures?.snapshot().byStatus['429']).toBeGreaterThanOrEqual(2);
    // Each accepted request is one batch record: every event is in exactly one of them, in its request's order.
    const batches = [...(await readShards(cloud)).values()].flat().map(
      (record) =>
        JSON.parse(Buffer.from(record.data, 'base64').toString('utf8')) as {
          events: { eventId: string }[];
        },
    );
    const stored = batches.flatMap((batch) => batch.events.map((event) => event.eventId));
    expect(stored.sort()).toEqual(events.map((event) => event.eventId).sort());
    for (const batch of batches) {
      const order = batch.events.map((event) => events.findIndex((e) => e.eventId === event.eventId));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });
});
