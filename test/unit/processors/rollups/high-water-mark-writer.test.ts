import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  type HighWaterMarkWriter,
  writeOnce,
} from '../../../../processors/rollups/high-water-mark-writer.ts';
import { padSequence } from '../../../../processors/shared/sequence.ts';
import { FakeTable, type FakeTableOptions } from '../../support/fake-table.ts';

interface Reading {
  readonly sequenceNumber: string;
  readonly value: number;
}
interface Counter {
  readonly key: { readonly id: string };
  readonly records: readonly Reading[];
}

const MARK = 'hwm_shard-1';
const names = { '#hwm': MARK, '#count': 'count', '#max': 'max' };

const readings = (from: number, to: number, value = (n: number) => n * 10): Reading[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    sequenceNumber: String(from + i),
    value: value(from + i),
  }));
const counter = (id: string, records: Reading[]): Counter => ({ key: { id }, records });
const maxOf = (records: readonly Reading[]) => Math.max(...records.map((r) => r.value));

/** A count and a maximum kept exactly once, declared the way the rollup writers declare theirs. */
const countingWriter = (table: FakeTable): HighWaterMarkWriter<Counter, Reading> => ({
  client: table.client,
  markAttribute: MARK,
  concurrency: 4,
  subjectOf: (target) => target.key.id,
  update: (target, records) => ({
    TableName: 'Counters',
    Key: target.key,
    UpdateExpression: 'SET #hwm = :last, #max = if_not_exists(#max, :max) ADD #count :n',
    ConditionExpression: 'attribute_not_exists(#hwm) OR #hwm < :first',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: {
      ':first': padSequence(records[0]?.sequenceNumber ?? ''),
      ':last': padSequence(records.at(-1)?.sequenceNumber ?? ''),
      ':n': records.length,
      ':max': maxOf(records),
    },
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }),
  refine: (target, records, stored) =>
    typeof stored.max === 'number' && stored.max < maxOf(records)
      ? {
          TableName: 'Counters',
          Key: target.key,
          UpdateExpression: 'SET #max = :max',
          ConditionExpression: '#max < :max',
          ExpressionAttributeNames: { '#max': 'max' },
          ExpressionAttributeValues: { ':max': maxOf(records) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }
      : undefined,
});

const counters = (options: Partial<FakeTableOptions> = {}) => new FakeTable({ keys: ['id'], ...options });
const updatesSent = (table: FakeTable) =>
  table.sent.filter((s) => s.name === 'UpdateCommand').map((s) => s.input as UpdateCommandInput);

describe('writeOnce', () => {
  it('writes each target once when no earlier delivery counted it, and moves the mark to its last record', async () => {
    const table = counters();

    const report = await writeOnce(countingWriter(table), [
      counter('a', readings(1, 3)),
      counter('b', readings(4, 4)),
    ]);

    expect(report).toEqual({
      items: 2,
      writes: 2,
      conflictRetries: 0,
      refinements: 0,
      duplicatesSkipped: 0,
      failed: [],
    });
    expect(table.get({ id: 'a' })).toEqual({ id: 'a', count: 3, max: 30, [MARK]: padSequence('3') });
    expect(table.get({ id: 'b' })).toEqual({ id: 'b', count: 1, max: 40, [MARK]: padSequence('4') });
  });

  it('re-delivered batch is skipped whole: nothing counts twice', async () => {
    const table = counters();
    const batch = [counter('a', readings(1, 3))];
    await writeOnce(countingWriter(table), batch);

    const report = await writeOnce(countingWriter(table), batch);

    expect(report).toMatchObject({ writes: 1, conflictRetries: 0, duplicatesSkipped: 3, failed: [] });
    expect(table.get({ id: 'a' })).toMatchObject({ count: 3, [MARK]: padSequence('3') });
  });

  it('re-delivered with new boundaries, re-applies only the records past the stored mark', async () => {
    const table = counters();
    await writeOnce(countingWriter(table), [counter('a', readings(1, 3))]);

    const report = await writeOnce(countingWriter(table), [counter('a', readings(2, 5))]);

    // Assess: the retry starts at 4 and its maximum (50) is refined in; 2 and 3 are not counted again.
    expect(report).toMatchObject({ writes: 3, conflictRetries: 1, refinements: 1, duplicatesSkipped: 2 });
    expect(updatesSent(table).map((u) => u.ExpressionAttributeValues?.[':first'])).toEqual([
      ...['1', '2', '4'].map(padSequence),
      undefined,
    ]);
    expect(table.get({ id: 'a' })).toMatchObject({ count: 5, max: 50, [MARK]: padSequence('5') });
  });

  it('a re-delivery refines what an earlier delivery added but died before refining', async () => {
    // Prepare: another shard stored a maximum of 25; the first delivery adds 1..3 (max 30), then its environment
    // dies before the refinement lands (the refinement throws once).
    let dies = true;
    const table = counters({
      beforeUpdate: (input) => {
        if (input.UpdateExpression === 'SET #max = :max' && dies) {
          dies = false;
          throw new Error('Runtime.ExitError: the environment died mid-invocation');
        }
      },
    });
    table.put({ id: 'a', count: 2, max: 25 });
    const batch = [counter('a', readings(1, 3))];
    const first = await writeOnce(countingWriter(table), batch);
    expect(first.failed).toHaveLength(1);
    expect(table.get({ id: 'a' })).toMatchObject({ count: 5, max: 25 });

    // Act: the batch is delivered again, cut the same way.
    const report = await writeOnce(countingWriter(table), batch);

    // Assess: nothing counted twice, and the maximum the first delivery owed is in.
    expect(report).toMatchObject({ duplicatesSkipped: 3, refinements: 1, failed: [] });
    expect(table.get({ id: 'a' })).toMatchObject({ count: 5, max: 30, [MARK]: padSequence('3') });
  });

  it('raises a stored maximum the batch beats in a second, conditional write', async () => {
    // Prepare: another shard already wrote a maximum of 25 (and no mark of this shard).
    const table = counters();
    table.put({ id: 'a', count: 2, max: 25 });

    const report = await writeOnce(countingWriter(table), [counter('a', readings(1, 3))]);

    expect(report).toMatchObject({ writes: 2, refinements: 1, failed: [] });
    expect(table.get({ id: 'a' })).toMatchObject({ count: 5, max: 30 });
  });

  it('leaves a better maximum a concurrent writer stored before the refinement landed', async () => {
    // Prepare: just before the refinement, another shard's write raises the maximum to 50.
    const table = counters({
      beforeUpdate: (input, self) => {
        if (input.UpdateExpression === 'SET #max = :max') self.put({ ...self.get({ id: 'a' }), max: 50 });
      },
    });
    table.put({ id: 'a', count: 2, max: 25 });

    const report = await writeOnce(countingWriter(table), [counter('a', readings(1, 3))]);

    expect(report).toMatchObject({ writes: 2, refinements: 1, failed: [] });
    expect(table.get({ id: 'a' })).toMatchObject({ count: 5, max: 50 });
  });

  it('reports a failed write by its first sequence number and still writes the other targets', async () => {
    const table = counters({
      beforeUpdate: (input) => {
        if (input.Key?.id === 'a') throw new Error('throttled');
      },
    });

    const report = await writeOnce(countingWriter(table), [
      counter('a', readings(7, 9)),
      counter('b', readings(3, 4)),
    ]);

    expect(
      report.failed.map((f) => [f.target.key.id, f.subject, f.firstSequenceNumber, f.error.message]),
    ).toEqual([['a', 'a', '7', 'throttled']]);
    expect(table.get({ id: 'a' })).toBeUndefined();
    expect(table.get({ id: 'b' })).toMatchObject({ count: 2 });
  });

  it('reports what a client threw as an Error, even when it is not one', async () => {
    const table = counters({
      beforeUpdate: () => {
        throw 'socket hang up';
      },
    });

    const report = await writeOnce(countingWriter(table), [counter('a', readings(1, 1))]);

    expect(report.failed[0]?.error).toBeInstanceOf(Error);
    expect(report.failed[0]?.error.message).toBe('socket hang up');
  });

  it('reports a conditional failure no stored mark explains instead of retrying it forever', async () => {
    // Prepare: a condition that fails on a missing item, which then returns nothing to read the mark from.
    const table = counters();
    const strict = countingWriter(table);
    const writer = {
      ...strict,
      update: (t: Counter, r: readonly Reading[]) => ({
        ...strict.update(t, r),
        ConditionExpression: '#hwm < :first',
      }),
    };

    const report = await writeOnce(writer, [counter('a', readings(1, 2))]);

    expect(table.sent.map((s) => s.name)).toEqual(['UpdateCommand', 'GetCommand']);
    expect(table.sent[1]?.input).toMatchObject({
      TableName: 'Counters',
      Key: { id: 'a' },
      ConsistentRead: true,
    });
    expect(report.failed.map((f) => f.firstSequenceNumber)).toEqual(['1']);
    expect(report.failed[0]?.error.message).toMatch(/although no record was applied/);
  });
});
