import { describe, expect, it } from 'vitest';
import { intentKey, LakeIntents } from '../../../../processors/archive/intent-store.ts';
import type { LakeFileRange } from '../../../../processors/archive/lake-key.ts';
import { fakeDedupTable } from '../../support/fake-dedup-table.ts';
import { FakeS3 } from '../../support/fake-s3.ts';
import { SHARD, sequence } from '../../support/kinesis-records.ts';

const range = (first: number, last: number): LakeFileRange => ({
  dataset: 'telemetry',
  partition: 'dt=2026-11-22/hour=05',
  first: sequence(first),
  last: sequence(last),
});
const keyOf = (first: number, last: number) =>
  `lake/telemetry/dt=2026-11-22/hour=05/${SHARD}-${sequence(first)}-${sequence(last)}.parquet`;

const intentsOnFakes = () => {
  const table = fakeDedupTable();
  const s3 = new FakeS3();
  const intents = new LakeIntents({
    dynamodb: table.client,
    s3: s3.client,
    tableName: 'Dedup',
    lakeBucket: 'lake',
    lakePrefix: 'lake/',
  });
  return { table, s3, intents };
};

describe("the archive's intents", () => {
  it('reads back what a batch announced, from an item apart from the memory of the shard', async () => {
    // Prepare
    const { intents, table } = intentsOnFakes();

    // Act
    await intents.announce(SHARD, { id: 'a', files: [range(1, 4)] }, undefined);
    const read = await intents.last(SHARD);

    // Assess
    expect(read).toEqual({ id: 'a', files: [range(1, 4)] });
    expect(intentKey(SHARD).pk).not.toBe(`archive#${SHARD}`);
    expect(table.items).toEqual([]);
  });

  it('has nothing for a shard that never announced', async () => {
    expect(await intentsOnFakes().intents.last(SHARD)).toBeUndefined();
  });

  it('refuses to replace an intent another invocation replaced since this one read it', async () => {
    // Prepare
    const { intents } = intentsOnFakes();
    await intents.announce(SHARD, { id: 'a', files: [] }, undefined);
    await intents.announce(SHARD, { id: 'b', files: [] }, { id: 'a', files: [] });

    // Act
    const stale = intents.announce(SHARD, { id: 'c', files: [] }, { id: 'a', files: [] });
    const first = intents.announce(SHARD, { id: 'd', files: [] }, undefined);

    // Assess
    await expect(stale).rejects.toThrow(expect.objectContaining({ name: 'ConditionalCheckFailedException' }));
    await expect(first).rejects.toThrow(expect.objectContaining({ name: 'ConditionalCheckFailedException' }));
    expect((await intents.last(SHARD))?.id).toBe('b');
  });

  it('finds which announced files are in the lake by listing their keys', async () => {
    // Prepare
    const { intents, s3 } = intentsOnFakes();
    s3.objects.set(`lake/${keyOf(1, 3)}`, new Uint8Array());

    // Act
    const inLake = await intents.inLake(SHARD, [range(1, 3), range(5, 7)]);

    // Assess
    expect(inLake).toEqual([range(1, 3)]);
    expect(s3.listed.sort()).toEqual([keyOf(1, 3), keyOf(5, 7)]);
    expect(intents.filesLookedUp).toBe(2);
  });

  it('fails naming the item when an intent was written by another version', async () => {
    // Prepare
    const { intents, table } = intentsOnFakes();
    table.updated.set(`${intentKey(SHARD).pk} ${intentKey(SHARD).sk}`, {
      ...intentKey(SHARD),
      intentId: 'x',
      files: [{ dataset: 'orders', partition: 'p', first: '1', last: '2' }],
    });

    // Act
    const read = intents.last(SHARD);

    // Assess
    await expect(read).rejects.toThrow(/names a file as .*"orders".*Delete the intent item/);
  });
});
