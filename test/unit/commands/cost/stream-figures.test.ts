import { describe, expect, it } from 'vitest';
import {
  contentOf,
  eventsPerRecord,
  NO_RECORDS,
  type StreamFiguresBeforeBatches,
  upgradedStreamFigures,
  wayOf,
  withRecord,
} from '../../../../commands/cost/stream-figures.ts';
import { eventBatchJson, MAX_BATCH_EVENTS } from '../../../../schemas/index.ts';

const event = (edge?: object, bytes = 0) =>
  Buffer.from(JSON.stringify({ schema: 'x', pad: 'p'.repeat(bytes), ...(edge ? { edge } : {}) }));

const WEB_EDGE = {
  receivedAt: '2026-12-03T10:00:00.000Z',
  requestId: 'r',
  sourceIp: '203.0.113.0',
  userAgent: 'Mozilla/5.0',
  origin: 'https://shop.example',
};
const DEVICE_EDGE = {
  receivedAt: '2026-12-03T10:00:00.000Z',
  requestId: 't',
  clientId: 'device-1',
  topic: 'streamlake/devices/device-1/telemetry',
};

/** A batch record of `n` events of about `bytes` bytes each, as the edges put them (schemas/event-batch.ts). */
const batch = (n: number, edge?: object, bytes = 250) =>
  Buffer.from(
    eventBatchJson(
      Array.from({ length: n }, (_, i) => ({ schema: 'x', i, pad: 'p'.repeat(bytes) })),
      edge,
    ),
  );

describe('sizing stream records as each service meters them', () => {
  it('rounds a record up to 1 KiB for on-demand Kinesis, 25 KiB for PUT payload units and 5 KiB for Firehose', () => {
    const small = withRecord(NO_RECORDS, new Uint8Array(300), 'device-1');
    expect(small).toMatchObject({
      records: 1,
      events: 1,
      bytes: 308,
      kibUnits: 1,
      putPayloadUnits: 1,
      firehoseUnits: 1,
    });
    const large = withRecord(small, new Uint8Array(5_121), 'k');
    expect(large).toMatchObject({
      records: 2,
      events: 2,
      bytes: 308 + 5_122,
      kibUnits: 1 + 6,
      putPayloadUnits: 2,
      firehoseUnits: 1 + 2,
    });
  });

  it("counts the partition key in Kinesis sizes but not in Firehose's, which sees only the data", () => {
    const figures = withRecord(NO_RECORDS, new Uint8Array(1_020), 'abcde');
    expect(figures).toMatchObject({ kibUnits: 2, firehoseUnits: 1 });
  });

  it('tells the edge an event came through from its edge context', () => {
    expect(wayOf(event(WEB_EDGE))).toBe('web');
    expect(wayOf(event({ receivedAt: 't', requestId: 'r' }))).toBe('web');
    expect(wayOf(event(DEVICE_EDGE))).toBe('device');
    expect(wayOf(event({ receivedAt: 't', requestId: 'r', topic: 'streamlake/devices/d/telemetry' }))).toBe(
      'device',
    );
    expect(wayOf(event())).toBe('direct');
    expect(wayOf(Buffer.from('not json'))).toBe('direct');
    expect(wayOf(Buffer.from('null'))).toBe('direct');
  });

  it('keeps records, events and bytes per way in', () => {
    const web = event(WEB_EDGE);
    const figures = withRecord(withRecord(NO_RECORDS, web, 'a'), event(), 'b');
    expect(figures.recordsByWay).toEqual({ web: 1, device: 0, direct: 1 });
    expect(figures.eventsByWay).toEqual({ web: 1, device: 0, direct: 1 });
    expect(figures.bytesByWay.web).toBe(web.length + 1);
  });
});

describe('records holding several events (D36)', () => {
  it("counts a batch record's events under the batch's edge, and a record of one event as one", () => {
    expect(contentOf(batch(100, WEB_EDGE))).toEqual({ way: 'web', events: 100 });
    expect(contentOf(batch(11, DEVICE_EDGE))).toEqual({ way: 'device', events: 11 });
    expect(contentOf(batch(3))).toEqual({ way: 'direct', events: 3 });
    expect(contentOf(event(DEVICE_EDGE))).toEqual({ way: 'device', events: 1 });
  });

  it('counts a batch the consumers refuse whole as one event (quarantined as one record)', () => {
    const extra = Buffer.from(JSON.stringify({ events: [{ schema: 'x' }], other: 1 }));
    expect(contentOf(extra).events).toBe(1);
    expect(contentOf(Buffer.from('{"events":[]}')).events).toBe(1);
    expect(contentOf(Buffer.from('{"events":"x"}')).events).toBe(1);
    expect(contentOf(batch(MAX_BATCH_EVENTS + 1)).events).toBe(1);
    expect(contentOf(batch(MAX_BATCH_EVENTS)).events).toBe(MAX_BATCH_EVENTS);
  });

  it('meters Kinesis and Firehose units per record, so units per event fall with events per record', () => {
    const single = Array.from({ length: 100 }, () => event(WEB_EDGE, 200));
    const alone = single.reduce((f, data) => withRecord(f, data, 'session-1'), NO_RECORDS);
    const one = batch(100, WEB_EDGE, 200);
    const together = withRecord(NO_RECORDS, one, 'session-1');
    expect(alone).toMatchObject({ records: 100, events: 100, firehoseUnits: 100, putPayloadUnits: 100 });
    expect(together).toMatchObject({ records: 1, events: 100 });
    // ≈ 22 KB: one record, one PUT payload unit, ⌈22 KB / 5 KiB⌉ Firehose units, ⌈22 KB / 1 KiB⌉ on-demand units.
    const size = one.length + 'session-1'.length;
    expect(together.putPayloadUnits).toBe(1);
    expect(together.firehoseUnits).toBe(Math.ceil(one.length / 5120));
    expect(together.kibUnits).toBe(Math.ceil(size / 1024));
    expect(together.firehoseUnits / together.events).toBeLessThan(alone.firehoseUnits / alone.events / 15);
    expect(together.kibUnits).toBeLessThan(alone.kibUnits);
  });

  it('tells events per record, overall and per way in', () => {
    const figures = [
      [batch(100, WEB_EDGE), 's'],
      [batch(50, WEB_EDGE), 's'],
      [batch(10, DEVICE_EDGE), 'd'],
      [event(DEVICE_EDGE), 'd'],
    ].reduce((f, [data, key]) => withRecord(f, data as Buffer, key as string), NO_RECORDS);
    expect(eventsPerRecord(figures)).toBeCloseTo(161 / 4);
    expect(eventsPerRecord(figures, 'web')).toBeCloseTo(75);
    expect(eventsPerRecord(figures, 'device')).toBeCloseTo(5.5);
    expect(eventsPerRecord(figures, 'direct')).toBe(0);
  });

  it('reads a run saved before batches as one event per record', () => {
    const saved: StreamFiguresBeforeBatches = {
      records: 10,
      bytes: 4_000,
      kibUnits: 10,
      putPayloadUnits: 10,
      firehoseUnits: 10,
      byWay: { web: 7, device: 3, direct: 0 },
      bytesByWay: { web: 2_800, device: 1_200, direct: 0 },
    };
    const upgraded = upgradedStreamFigures(saved);
    expect(upgraded).toMatchObject({
      records: 10,
      events: 10,
      eventsByWay: saved.byWay,
      recordsByWay: saved.byWay,
    });
    expect('byWay' in upgraded).toBe(false);
    expect(upgradedStreamFigures(upgraded)).toBe(upgraded);
  });
});
