import { describe, expect, it } from 'vitest';
import { lakeKey } from '../../../../processors/archive/lake-key.ts';
import { partitionBatch } from '../../../../processors/archive/partition.ts';
import { acceptedRecord, pageView, SHARD, sequence } from '../../support/kinesis-records.ts';

const hourOf = (hour: string, n: number) =>
  acceptedRecord(pageView({ eventTime: `2026-11-22T${hour}:30:00.000Z` }), n);

describe('lakeKey', () => {
  it('names dataset, hour partition, shard and the first and last sequence number in the file', () => {
    // Prepare
    const [group] = partitionBatch([hourOf('05', 1), hourOf('05', 2), hourOf('05', 3)]);

    // Act
    const key = group && lakeKey('lake/', SHARD, group);

    // Assess
    expect(key).toBe(`lake/clickstream/dt=2026-11-22/hour=05/${SHARD}-${sequence(1)}-${sequence(3)}.parquet`);
  });

  it('gives a re-delivered batch exactly the same keys, so the retry overwrites instead of duplicating', () => {
    // Prepare
    const batch = () => [hourOf('05', 1), hourOf('06', 2), hourOf('05', 3)];

    // Act
    const first = partitionBatch(batch()).map((g) => lakeKey('lake/', SHARD, g));
    const retry = partitionBatch(batch()).map((g) => lakeKey('lake/', SHARD, g));

    // Assess
    expect(retry).toEqual(first);
    expect(first).toEqual([
      `lake/clickstream/dt=2026-11-22/hour=05/${SHARD}-${sequence(1)}-${sequence(3)}.parquet`,
      `lake/clickstream/dt=2026-11-22/hour=06/${SHARD}-${sequence(2)}-${sequence(2)}.parquet`,
    ]);
  });

  it('fails when the group is empty or the shard id is missing', () => {
    // Prepare
    const [group] = partitionBatch([hourOf('05', 1)]);
    const empty = { dataset: 'clickstream' as const, partition: 'dt=2026-11-22/hour=05', records: [] };

    // Act
    const withoutRecords = () => lakeKey('lake/', SHARD, empty);
    const withoutShard = () => group && lakeKey('lake/', '', group);

    // Assess
    expect(withoutRecords).toThrow(/at least one record/);
    expect(withoutShard).toThrow(/shard id/);
  });
});
