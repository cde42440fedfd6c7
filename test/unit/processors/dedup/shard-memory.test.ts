import { describe, expect, it } from 'vitest';
import { DedupMemory, ENTRIES_PER_ITEM } from '../../../../processors/dedup/shard-memory.ts';
import { fakeDedupTable } from '../../support/fake-dedup-table.ts';

const HORIZON = 15 * 60_000;
const T0 = Date.UTC(2026, 11, 2, 8, 0);
type Rec = { eventId: string; sequenceNumber: string };
const rec = (eventId: string, seq: number): Rec => ({ eventId, sequenceNumber: String(1_000_000 + seq) });
const id = (r: Rec) => r;

const consumer = (table: ReturnType<typeof fakeDedupTable>, name = 'aggregate') =>
  new DedupMemory({ client: table.client, tableName: 'Dedup', consumer: name, horizonMs: HORIZON });

const process = async (memory: DedupMemory, at: number, records: Rec[]) => {
  const split = await memory.split('shard-0', at, records, id);
  await memory.remember('shard-0', at, records[0]?.sequenceNumber ?? '0', split.remembered);
  return split;
};

describe('the dedup memory of a consumer', () => {
  it('stores one item a batch with 12 bytes per first copy, expiring after the horizon', async () => {
    const table = fakeDedupTable();
    await process(consumer(table), T0, [rec('a', 1), rec('b', 2), rec('a', 3)]);
    expect(table.items).toHaveLength(1);
    expect(table.items[0]?.pk).toBe('aggregate#shard-0');
    expect(table.items[0]?.entries.byteLength).toBe(24);
    expect(table.items[0]?.expiresAt).toBe(Math.ceil((T0 + HORIZON) / 1000));
  });

  it('finds a duplicate that another (cold) invocation remembered, reading every page', async () => {
    const table = fakeDedupTable();
    const warm = consumer(table);
    for (let i = 0; i < 5; i++) await process(warm, T0 + i * 1000, [rec(`e${i}`, i)]);
    const cold = consumer(table);
    const split = await process(cold, T0 + 10_000, [rec('e3', 50), rec('new', 51)]);
    expect(split.duplicates).toEqual([rec('e3', 50)]);
    expect(cold.itemsRead).toBe(5);
  });

  it('asks a warm invocation only for what was written since it last looked', async () => {
    const table = fakeDedupTable();
    const memory = consumer(table);
    await process(memory, T0, [rec('a', 1)]);
    await process(memory, T0 + 1000, [rec('b', 2)]);
    expect(memory.itemsRead).toBe(0);
    expect(table.sent).toEqual(['Query', 'Put', 'Query', 'Put']);
  });

  it('counts an event again once its first copy arrived more than the horizon before', async () => {
    const table = fakeDedupTable();
    const memory = consumer(table);
    await process(memory, T0, [rec('a', 1)]);
    expect((await process(memory, T0 + HORIZON - 1, [rec('a', 2)])).duplicates).toHaveLength(1);
    expect((await process(memory, T0 + HORIZON + 1, [rec('a', 3)])).first).toHaveLength(1);
  });

  it('keeps consumers apart: each decides from its own items', async () => {
    const table = fakeDedupTable();
    await process(consumer(table, 'aggregate'), T0, [rec('a', 1)]);
    const split = await process(consumer(table, 'archive'), T0, [rec('a', 1), rec('a', 2)]);
    expect(split.first).toEqual([rec('a', 1)]);
    expect(split.duplicates).toEqual([rec('a', 2)]);
  });

  it('writes nothing for a batch that adds nothing', async () => {
    const table = fakeDedupTable();
    const memory = consumer(table);
    await process(memory, T0, [rec('a', 1)]);
    await process(memory, T0 + 1, [rec('a', 2)]);
    expect(table.items).toHaveLength(1);
  });

  it('tells a later (cold) invocation which batches remembered their entries, by the id they gave', async () => {
    const table = fakeDedupTable();
    const warm = consumer(table, 'archive');
    const split = await warm.split('shard-0', T0, [rec('a', 1)], id);
    await warm.remember('shard-0', T0, rec('a', 1).sequenceNumber, split.remembered, 'batch-1');
    const cold = consumer(table, 'archive');
    await cold.split('shard-0', T0 + 1000, [rec('b', 2)], id);
    expect(table.items[0]?.batchId).toBe('batch-1');
    expect([warm, cold].map((memory) => memory.remembersBatch('shard-0', 'batch-1'))).toEqual([true, true]);
    expect(cold.remembersBatch('shard-0', 'batch-2')).toBe(false);
  });

  it('forgets a batch id with its item once the horizon has passed', async () => {
    const table = fakeDedupTable();
    const memory = consumer(table, 'archive');
    const split = await memory.split('shard-0', T0, [rec('a', 1)], id);
    await memory.remember('shard-0', T0, rec('a', 1).sequenceNumber, split.remembered, 'batch-1');
    await memory.split('shard-0', T0 + HORIZON + 1, [rec('b', 2)], id);
    expect(memory.remembersBatch('shard-0', 'batch-1')).toBe(false);
  });
});

describe('a batch larger than one item holds (batch records, D36)', () => {
  it('is remembered in several items under 400 KB, in order, the batch id on the last; a cold reader finds all', async () => {
    const table = fakeDedupTable();
    const memory = consumer(table, 'archive');
    const records = Array.from({ length: ENTRIES_PER_ITEM * 2 + 5 }, (_, i) => rec(`e${i}`, i));
    const split = await memory.split('shard-0', T0, records, id);
    await memory.remember('shard-0', T0, records[0]?.sequenceNumber ?? '0', split.remembered, 'batch-1');

    expect(table.items.map((item) => item.entries.byteLength)).toEqual([
      ENTRIES_PER_ITEM * 12,
      ENTRIES_PER_ITEM * 12,
      5 * 12,
    ]);
    expect(table.items.every((item) => item.entries.byteLength < 400_000)).toBe(true);
    const keys = table.items.map((item) => item.sk);
    expect([...keys].sort()).toEqual(keys);
    expect(table.items.map((item) => item.batchId)).toEqual([undefined, undefined, 'batch-1']);

    const cold = consumer(table, 'archive');
    const again = await cold.split(
      'shard-0',
      T0 + 1000,
      [rec('e0', 9_000_000), rec(`e${ENTRIES_PER_ITEM * 2 + 4}`, 9_000_001)],
      id,
    );
    expect(again.duplicates).toHaveLength(2);
    expect(cold.remembersBatch('shard-0', 'batch-1')).toBe(true);
  });

  it('does not claim the batch when only its first parts were written (a crash between puts)', async () => {
    const table = fakeDedupTable();
    const memory = consumer(table, 'archive');
    const records = Array.from({ length: ENTRIES_PER_ITEM + 1 }, (_, i) => rec(`e${i}`, i));
    const split = await memory.split('shard-0', T0, records, id);
    await memory.remember('shard-0', T0, records[0]?.sequenceNumber ?? '0', split.remembered, 'batch-1');
    table.items.pop();

    const cold = consumer(table, 'archive');
    await cold.split('shard-0', T0 + 1000, [], id);
    expect(cold.remembersBatch('shard-0', 'batch-1')).toBe(false);
  });
});
