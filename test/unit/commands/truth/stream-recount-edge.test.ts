import { describe, expect, it } from 'vitest';
import { StreamRecount } from '../../../../commands/truth/stream-recount.ts';
import { expectedRollups } from '../../../../commands/verify/ground-truth-rollups.ts';
import type { StreamlakeEvent } from '../../../../schemas/index.ts';
import { throughEdge } from '../../support/edge-context.ts';
import { eventOf, recordsOf, SETTINGS } from './support/records.ts';

const SHARD = 'shardId-000000000000';
const forwarded = (event: StreamlakeEvent, requestId = 'request-1') =>
  throughEdge(event, { requestId }) as StreamlakeEvent;

describe('the stream recount of events the collector forwarded', () => {
  it('counts them exactly as the same events sent straight to the stream', () => {
    // Prepare
    const events = [0, 1, 2, 3, 4, 5].map((i) => eventOf(i));
    const direct = new StreamRecount(SETTINGS);
    const edge = new StreamRecount(SETTINGS);

    // Act
    direct.fold(SHARD, recordsOf(events));
    edge.fold(SHARD, recordsOf(events.map((event) => forwarded(event))));

    // Assess
    expect(edge.counters).toEqual(direct.counters);
    expect(edge.counters.accepted).toBe(events.length);
    expect(edge.rollups.values).toEqual(expectedRollups(events));
  });

  it('counts a resend through the collector (new request, same event) once, as a producer duplicate', () => {
    // Prepare
    const event = eventOf(0);
    const records = recordsOf([forwarded(event, 'first'), forwarded(event, 'retry'), event]);
    const recount = new StreamRecount(SETTINGS);

    // Act
    recount.fold(SHARD, records);

    // Assess
    expect(recount.counters).toMatchObject({ read: 3, accepted: 1, producerDuplicates: 2 });
    expect(recount.rollups.values).toEqual(expectedRollups([event]));
  });

  it('quarantines a malformed edge context as the consumers do', () => {
    // Prepare
    const bad = throughEdge(eventOf(1), { sourceIp: '198.51.100.23' }) as StreamlakeEvent;
    const recount = new StreamRecount(SETTINGS);

    // Act
    recount.fold(SHARD, recordsOf([bad, eventOf(2)]));

    // Assess
    expect(recount.counters).toMatchObject({ accepted: 1, quarantined: { 'schema-violation': 1 } });
  });
});
