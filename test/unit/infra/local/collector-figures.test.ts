import { describe, expect, it } from 'vitest';
import { CollectorFigures } from '../../../../infra/local/collector-figures.ts';
import { accessEntry } from './logs/access-entry.ts';

const events = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ i })));

describe("the collector's edge figures", () => {
  it('counts requests, accepted events, and refused events by reason', () => {
    const figures = new CollectorFigures('CollectorApi');
    figures.record(accessEntry({ status: 200, body: '{"accepted":20,"refused":[]}' }));
    figures.record(
      accessEntry({
        status: 207,
        body: '{"accepted":18,"refused":[{"index":3,"error":"ProvisionedThroughputExceededException","retryable":true},{"index":9,"error":"InternalFailure","retryable":true}]}',
      }),
    );
    figures.record(accessEntry({ status: 429 }, { body: events(5) }));
    figures.record(accessEntry({ status: 400 }, { body: JSON.stringify({ events: [{}, {}] }) }));
    figures.record(accessEntry({ status: 415 }, { body: 'not json' }));
    expect(figures.snapshot()).toMatchObject({
      requests: 5,
      eventsAccepted: 38,
      eventsRefused: { throttled: 6, unavailable: 1, invalid: 2 },
      byStatus: { '200': 1, '207': 1, '429': 1, '400': 1, '415': 1 },
    });
    expect(figures.snapshot().latencyP99Ms).toBeGreaterThan(0);
  });

  it("counts a 200's accepted events from its request when the answer does not count them (one record a request)", () => {
    const figures = new CollectorFigures('CollectorApi');
    figures.record(accessEntry({ status: 200, body: '{"refused":[]}' }, { body: events(20) }));
    figures.record(
      accessEntry({ status: 200, body: '{"refused":[]}' }, { body: JSON.stringify({ events: [{}, {}] }) }),
    );
    figures.record(
      accessEntry({ status: 429, body: '{"message":"Kinesis throttled the batch"}' }, { body: events(3) }),
    );
    expect(figures.snapshot()).toMatchObject({
      requests: 3,
      eventsAccepted: 22,
      eventsRefused: { throttled: 3 },
      byStatus: { '200': 2, '429': 1 },
    });
  });

  it("leaves out preflights and other APIs' requests", () => {
    const figures = new CollectorFigures('CollectorApi');
    figures.record(accessEntry({ status: 204 }, { method: 'OPTIONS' }));
    figures.record(accessEntry({ status: 200, body: '{"accepted":1,"refused":[]}' }, {}, 'OtherApi'));
    expect(figures.snapshot()).toEqual({ requests: 0, eventsAccepted: 0, eventsRefused: {}, byStatus: {} });
  });
});
