import { describe, expect, it } from 'vitest';
import { holds, leaveOutStored, nextIntent, stillOpen } from '../../../../processors/archive/lake-intent.ts';
import type { LakeFileRange } from '../../../../processors/archive/lake-key.ts';
import { acceptedRecord, pageView, reading, sequence } from '../../support/kinesis-records.ts';

const HOUR_05 = 'dt=2026-11-22/hour=05';
const clickstream = (first: number, last: number, partition = HOUR_05): LakeFileRange => ({
  dataset: 'clickstream',
  partition,
  first: sequence(first),
  last: sequence(last),
});
const view = (n: number, eventTime = '2026-11-22T05:06:07.123Z') =>
  acceptedRecord(pageView({ eventTime }), n);

describe('which records a lake file holds', () => {
  it('those of its dataset and hour within its sequence range, ends included', () => {
    const file = clickstream(2, 4);
    expect([1, 2, 3, 4, 5].map((n) => holds(file, view(n)))).toEqual([false, true, true, true, false]);
  });

  it('not a record of another dataset or hour inside the range: it went to another file of the batch', () => {
    const file = clickstream(1, 9);
    expect(holds(file, acceptedRecord(reading(), 5))).toBe(false);
    expect(holds(file, view(5, '2026-11-22T06:00:00.000Z'))).toBe(false);
  });

  it('compares sequence numbers as numbers, whatever their length', () => {
    const file: LakeFileRange = { ...clickstream(1, 1), first: '99', last: '1000' };
    expect(holds(file, { ...view(1), sequenceNumber: '100' })).toBe(true);
    expect(holds(file, { ...view(1), sequenceNumber: '1001' })).toBe(false);
  });
});

describe('the files a batch may still find records of', () => {
  it('keeps those ending at or after the batch start, drops those that end before it', () => {
    const files = [clickstream(1, 3), clickstream(2, 5), clickstream(6, 8)];
    expect(stillOpen(files, sequence(5))).toEqual([clickstream(2, 5), clickstream(6, 8)]);
  });
});

describe('leaving out what the lake holds already', () => {
  it('splits the records into those to write and those a file in the lake holds, in order', () => {
    const records = [1, 2, 3, 4, 5].map((n) => view(n));
    const split = leaveOutStored(records, [clickstream(2, 3)]);
    expect(split.toWrite.map((r) => r.sequenceNumber)).toEqual([sequence(1), sequence(4), sequence(5)]);
    expect(split.stored.map((r) => r.sequenceNumber)).toEqual([sequence(2), sequence(3)]);
  });

  it('writes everything when no file is in the lake', () => {
    const records = [view(1), view(2)];
    expect(leaveOutStored(records, [])).toEqual({ toWrite: records, stored: [] });
  });
});

describe('the next intent', () => {
  it('announces the files in the lake that later records may fall in, then its own', () => {
    expect(nextIntent('b', [clickstream(1, 9)], [clickstream(10, 12)])).toEqual({
      id: 'b',
      files: [clickstream(1, 9), clickstream(10, 12)],
    });
  });
});
