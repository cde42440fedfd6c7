import { describe, expect, it } from 'vitest';
import { entryOf } from '../../../../../infra/local/esm/batch-delivery.ts';
import { MAX_PAYLOAD_BYTES } from '../../../../../infra/local/esm/settings.ts';
import { ShardBuffer, takeBatch } from '../../../../../infra/local/esm/shard-batches.ts';

interface SizedRecord {
  readonly sequenceNumber: string;
  readonly arrivalMs: number;
  readonly bytes: number;
  readonly keep: boolean;
}
const record = (n: number, options: { bytes?: number; keep?: boolean } = {}): SizedRecord => ({
  sequenceNumber: String(n),
  arrivalMs: 0,
  bytes: options.bytes ?? 100,
  keep: options.keep ?? true,
});
const bytesOf = (r: SizedRecord) => r.bytes;
const kept = (r: SizedRecord) => r.keep;

describe('takeBatch', () => {
  it('takes at most BatchSize records', () => {
    // Prepare
    const buffer = [1, 2, 3].map((n) => entryOf(record(n)));

    // Act
    const batch = takeBatch(buffer, 2, bytesOf);

    // Assess
    expect(batch.map((entry) => entry.record.sequenceNumber)).toEqual(['1', '2']);
  });

  it('stops before the record that would take the payload past 6 MB, but always takes one', () => {
    // Prepare
    const half = MAX_PAYLOAD_BYTES / 2;
    const buffer = [
      entryOf(record(1, { bytes: MAX_PAYLOAD_BYTES + 1 })),
      entryOf(record(2, { bytes: half })),
    ];

    // Act
    const first = takeBatch(buffer, 10, bytesOf);
    const second = takeBatch(
      [entryOf(record(2, { bytes: half })), entryOf(record(3, { bytes: half })), entryOf(record(4))],
      10,
      bytesOf,
    );

    // Assess
    expect(first.map((entry) => entry.record.sequenceNumber)).toEqual(['1']);
    expect(second.map((entry) => entry.record.sequenceNumber)).toEqual(['2', '3']);
  });
});

describe('ShardBuffer', () => {
  it('moves the checkpoint of the record before a dropped one past it, and counts it skipped', () => {
    // Prepare
    const buffer = new ShardBuffer<SizedRecord>(bytesOf);

    // Act
    const added = buffer.add([record(1), record(2, { keep: false }), record(3, { keep: false })], kept);

    // Assess
    expect(added).toEqual({ dropped: 2, droppedAhead: [] });
    expect(buffer.entries).toEqual([{ record: record(1), checkpoint: '3', skipped: 2 }]);
  });

  it('returns dropped records with nothing buffered before them, to be checkpointed at once', () => {
    // Prepare
    const buffer = new ShardBuffer<SizedRecord>(bytesOf);

    // Act
    const added = buffer.add([record(1, { keep: false }), record(2)], kept);

    // Assess
    expect(added).toEqual({ dropped: 1, droppedAhead: [record(1, { keep: false })] });
    expect(buffer.entries.map((entry) => entry.record.sequenceNumber)).toEqual(['2']);
  });

  it('is full at BatchSize records or 6 MB of payload', () => {
    // Prepare
    const byCount = new ShardBuffer<SizedRecord>(bytesOf);
    const byBytes = new ShardBuffer<SizedRecord>(bytesOf);

    // Act
    byCount.add([record(1), record(2)]);
    byBytes.add([record(1, { bytes: MAX_PAYLOAD_BYTES })]);

    // Assess
    expect([byCount.isFull(2), byCount.isFull(3)]).toEqual([true, false]);
    expect(byBytes.isFull(100)).toBe(true);
  });

  it('is due once full, once the batching window passed or once the shard is read to the end', () => {
    // Prepare
    const buffer = new ShardBuffer<SizedRecord>(bytesOf);
    const empty = new ShardBuffer<SizedRecord>(bytesOf);
    buffer.add([record(1)]);

    // Act
    const waiting = buffer.isDue(10, 60_000, false);
    const windowPassed = buffer.isDue(10, 0, false);
    const full = buffer.isDue(1, 60_000, false);
    const shardEnded = buffer.isDue(10, 60_000, true);

    // Assess
    expect([waiting, windowPassed, full, shardEnded]).toEqual([false, true, true, true]);
    expect(empty.isDue(1, 0, true)).toBe(false);
  });

  it('forgets delivered records and their bytes', () => {
    // Prepare
    const buffer = new ShardBuffer<SizedRecord>(bytesOf);
    buffer.add([record(1, { bytes: MAX_PAYLOAD_BYTES }), record(2)]);

    // Act
    buffer.delivered(1);

    // Assess
    expect(buffer.entries.map((entry) => entry.record.sequenceNumber)).toEqual(['2']);
    expect(buffer.isFull(100)).toBe(false);
  });
});
