import { describe, expect, it } from 'vitest';
import { lakeKey } from '../../../../processors/archive/lake-key.ts';
import { partitionBatch } from '../../../../processors/archive/partition.ts';
import { type AcceptedRecord, classifyBatch } from '../../../../processors/shared/classify.ts';
import { isolateUnprocessable } from '../../../../processors/shared/isolate.ts';
import { eventBatchJson } from '../../../../schemas/index.ts';
import { kinesisRecord, pageView, sequence } from '../../support/kinesis-records.ts';

const POLICY = { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 65_536 };

const batchOf = (count: number) => {
  const records = Array.from({ length: count }, (_, i) =>
    kinesisRecord(pageView({ page: `/p-${i}` }), {
      sequenceNumber: sequence(i + 1),
      partitionKey: `pk-${i}`,
    }),
  );
  return { records, classified: classifyBatch(records, POLICY) };
};

/** A step that throws for the pages named, the way a consumer bug would for one odd event. */
const throwingFor =
  (pages: ReadonlySet<string>) =>
  (accepted: readonly AcceptedRecord[]): number => {
    for (const record of accepted) {
      if ('page' in record.event && pages.has(record.event.page)) {
        throw new Error(`cannot process ${record.event.page}`);
      }
    }
    return accepted.length;
  };

describe('isolateUnprocessable', () => {
  it('returns the step result and the batch untouched when nothing throws', () => {
    // Prepare
    const { records, classified } = batchOf(10);
    // Act
    const { result, batch } = isolateUnprocessable(records, classified, (accepted) => accepted.length);
    // Assess
    expect(result).toBe(10);
    expect(batch).toBe(classified);
  });

  it('quarantines only the records that make the step throw, and runs it over all the others', () => {
    // Prepare
    const { records, classified } = batchOf(1000);
    // Act
    const { result, batch } = isolateUnprocessable(
      records,
      classified,
      throwingFor(new Set(['/p-17', '/p-900'])),
    );
    // Assess
    expect(result).toBe(998);
    expect(batch.accepted).toHaveLength(998);
    expect(batch.rejected.map((r) => [r.reason, r.sequenceNumber, r.partitionKey])).toEqual([
      ['unprocessable', sequence(18), 'pk-17'],
      ['unprocessable', sequence(901), 'pk-900'],
    ]);
    expect(batch.rejected[0]?.detail).toContain('cannot process /p-17');
    expect(batch.rejected[0]?.data).toBe(records[17]?.kinesis.data);
  });

  it('loses the same records on every retry, so the lake file names stay the same', () => {
    // Prepare
    const { records, classified } = batchOf(300);
    const step = (accepted: readonly AcceptedRecord[]) => {
      throwingFor(new Set(['/p-0', '/p-299']))(accepted);
      return partitionBatch(accepted).map((group) => lakeKey('lake/', classified.shardId, group));
    };
    // Act
    const first = isolateUnprocessable(records, classified, step);
    const retry = isolateUnprocessable(records, classifyBatch(records, POLICY), step);
    // Assess
    expect(retry.result).toEqual(first.result);
    expect(first.result[0]).toContain(`-${sequence(2)}-${sequence(299)}.parquet`);
  });

  it('keeps records refused by classification ahead of the unprocessable ones', () => {
    // Prepare
    const records = [
      kinesisRecord('not json', { sequenceNumber: sequence(1) }),
      kinesisRecord(pageView({ page: '/bad' }), { sequenceNumber: sequence(2) }),
      kinesisRecord(pageView({ page: '/good' }), { sequenceNumber: sequence(3) }),
    ];
    // Act
    const { batch } = isolateUnprocessable(
      records,
      classifyBatch(records, POLICY),
      throwingFor(new Set(['/bad'])),
    );
    // Assess
    expect(batch.rejected.map((r) => r.reason)).toEqual(['invalid-json', 'unprocessable']);
    expect(batch.accepted.map((r) => r.sequenceNumber)).toEqual([sequence(3)]);
  });

  it('still throws when only a combination of records fails, so Lambda retries the batch', () => {
    // Prepare
    const { records, classified } = batchOf(4);
    const failsTogether = (accepted: readonly AcceptedRecord[]) => {
      if (accepted.length > 1) throw new Error('fails only for two or more records');
      return accepted.length;
    };
    // Act + Assess
    expect(() => isolateUnprocessable(records, classified, failsTogether)).toThrow('two or more');
  });

  it('quarantines one event of a batch record alone, with its index and its own JSON (D36)', () => {
    // Prepare
    const events = [pageView({ page: '/a' }), pageView({ page: '/bad' }), pageView({ page: '/c' })];
    const records = [
      kinesisRecord(eventBatchJson(events), { sequenceNumber: sequence(4), partitionKey: 'pk' }),
    ];
    const classified = classifyBatch(records, POLICY);
    // Act
    const { result, batch } = isolateUnprocessable(records, classified, throwingFor(new Set(['/bad'])));
    // Assess
    expect(result).toBe(2);
    expect(batch.accepted.map((r) => r.index)).toEqual([0, 2]);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]).toMatchObject({
      reason: 'unprocessable',
      index: 1,
      sequenceNumber: sequence(4),
      partitionKey: 'pk',
    });
    expect(JSON.parse(Buffer.from(batch.rejected[0]?.data ?? '', 'base64').toString('utf8'))).toEqual(
      events[1],
    );
  });
});
