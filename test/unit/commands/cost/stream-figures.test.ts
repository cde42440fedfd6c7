import { describe, expect, it } from 'vitest';
import { NO_RECORDS, wayOf, withRecord } from '../../../../commands/cost/stream-figures.ts';

const event = (edge?: object, bytes = 0) =>
  Buffer.from(JSON.stringify({ schema: 'x', pad: 'p'.repeat(bytes), ...(edge ? { edge } : {}) }));

describe('sizing stream records as each service meters them', () => {
  it('rounds a record up to 1 KiB for on-demand Kinesis, 25 KiB for PUT payload units and 5 KiB for Firehose', () => {
    const small = withRecord(NO_RECORDS, new Uint8Array(300), 'device-1');
    expect(small).toMatchObject({
      records: 1,
      bytes: 308,
      kibUnits: 1,
      putPayloadUnits: 1,
      firehoseUnits: 1,
    });
    const large = withRecord(small, new Uint8Array(5_121), 'k');
    expect(large).toMatchObject({
      records: 2,
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
    expect(wayOf(event({ receivedAt: 't', requestId: 'r', sourceIp: '203.0.113.0' }))).toBe('web');
    expect(wayOf(event({ receivedAt: 't', requestId: 'r', clientId: 'device-1' }))).toBe('device');
    expect(wayOf(event())).toBe('direct');
    expect(wayOf(Buffer.from('not json'))).toBe('direct');
  });

  it('keeps records and bytes per way in', () => {
    const web = event({ receivedAt: 't', requestId: 'r' });
    const figures = withRecord(withRecord(NO_RECORDS, web, 'a'), event(), 'b');
    expect(figures.byWay).toEqual({ web: 1, device: 0, direct: 1 });
    expect(figures.bytesByWay.web).toBe(web.length + 1);
  });
});
