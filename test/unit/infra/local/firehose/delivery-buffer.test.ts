import { describe, expect, it } from 'vitest';
import { DeliveryBuffer, type SourceRecord } from '../../../../../infra/local/firehose/delivery-buffer.ts';

const MiB = 1024 * 1024;

const record = (n: number, bytes = 100, arrivalMs = 1_000 + n): SourceRecord => ({
  sequenceNumber: String(n).padStart(5, '0'),
  data: new Uint8Array(bytes),
  arrivalMs,
});

const sequences = (records: readonly SourceRecord[]) => records.map((r) => r.sequenceNumber);

describe('buffering by size and interval', () => {
  it('holds records until the interval has passed since the first was read, then delivers them all', () => {
    // Prepare
    const buffer = new DeliveryBuffer({ sizeInMBs: 1, intervalInSeconds: 60 }, 1);
    buffer.add([record(1), record(2)], 0);
    buffer.add([record(3)], 30_000);

    // Act
    const early = buffer.nextDue(59_999);
    const due = buffer.nextDue(60_000);

    // Assess
    expect(early).toEqual([]);
    expect(buffer.msUntilDue(59_999)).toBe(1);
    expect(sequences(due)).toEqual(['00001', '00002', '00003']);
  });

  it('delivers as soon as the size hint is reached, as many records as fit, and keeps the rest', () => {
    // Prepare: four records of 0.3 MiB plus a one-byte delimiter each, against 1 MiB.
    const buffer = new DeliveryBuffer({ sizeInMBs: 1, intervalInSeconds: 900 }, 1);
    buffer.add(
      [1, 2, 3, 4].map((n) => record(n, 0.3 * MiB)),
      0,
    );

    // Act
    const due = buffer.nextDue(1);
    buffer.delivered(due.length);

    // Assess
    expect(sequences(due)).toEqual(['00001', '00002', '00003']);
    expect(sequences(buffer.all())).toEqual(['00004']);
    expect(buffer.nextDue(2)).toEqual([]);
  });

  it('counts the delimiter toward the size: records that fit alone overflow with it', () => {
    // Prepare: two records of exactly half a MiB; with a newline each they pass 1 MiB.
    const withDelimiter = new DeliveryBuffer({ sizeInMBs: 1, intervalInSeconds: 900 }, 1);
    const without = new DeliveryBuffer({ sizeInMBs: 1, intervalInSeconds: 900 }, 0);
    const records = [record(1, MiB / 2), record(2, MiB / 2)];
    withDelimiter.add(records, 0);
    without.add(records, 0);

    // Act & Assess
    expect(sequences(withDelimiter.nextDue(1))).toEqual(['00001']);
    expect(sequences(without.nextDue(1))).toEqual(['00001', '00002']);
  });

  it('delivers a record larger than the size hint alone', () => {
    const buffer = new DeliveryBuffer({ sizeInMBs: 1, intervalInSeconds: 900 }, 1);
    buffer.add([record(1, 2 * MiB), record(2)], 0);

    expect(sequences(buffer.nextDue(0))).toEqual(['00001']);
  });

  it('restarts the interval from the first record left over', () => {
    // Prepare
    const buffer = new DeliveryBuffer({ sizeInMBs: 1, intervalInSeconds: 10 }, 0);
    buffer.add([record(1, 0.6 * MiB)], 0);
    buffer.add([record(2, 0.6 * MiB)], 5_000);
    buffer.delivered(buffer.nextDue(5_000).length);

    // Act & Assess
    expect(buffer.nextDue(14_999)).toEqual([]);
    expect(sequences(buffer.nextDue(15_000))).toEqual(['00002']);
  });

  it('with a zero interval, delivers whatever was read at once', () => {
    const buffer = new DeliveryBuffer({ sizeInMBs: 1, intervalInSeconds: 0 }, 1);
    buffer.add([record(1)], 0);

    expect(sequences(buffer.nextDue(0))).toEqual(['00001']);
  });

  it('keeps a due object in the buffer until it is delivered, so a failed write loses nothing', () => {
    // Prepare
    const buffer = new DeliveryBuffer({ sizeInMBs: 1, intervalInSeconds: 0 }, 1);
    buffer.add([record(1), record(2)], 0);

    // Act: the first attempt's records are not marked delivered.
    const first = buffer.nextDue(0);
    const again = buffer.nextDue(1);

    // Assess
    expect(sequences(again)).toEqual(sequences(first));
    expect(buffer.bytes).toBe(202);
  });

  it('is full at the size hint (no more is read), and tells the oldest arrival waiting', () => {
    const buffer = new DeliveryBuffer({ sizeInMBs: 1, intervalInSeconds: 900 }, 0);
    buffer.add([record(1, MiB - 1, 5_000), record(2, 0, 4_000)], 0);
    expect(buffer.isFull).toBe(false);
    expect(buffer.oldestArrivalMs).toBe(4_000);

    buffer.add([record(3, 1)], 0);

    expect(buffer.isFull).toBe(true);
    expect(buffer.msUntilDue(0)).toBe(0);
  });
});
