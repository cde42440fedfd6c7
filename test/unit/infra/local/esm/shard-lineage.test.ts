import type { Shard } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { ShardLineage } from '../../../../../infra/local/esm/shard-lineage.ts';

const shard = (id: string, options: { parent?: string; closed?: boolean } = {}): Shard => ({
  ShardId: id,
  ...(options.parent ? { ParentShardId: options.parent } : {}),
  SequenceNumberRange: {
    StartingSequenceNumber: '1',
    ...(options.closed ? { EndingSequenceNumber: '9' } : {}),
  },
});

const ids = (lineage: ShardLineage) => [...lineage.readable()].map((known) => known.id);

describe('ShardLineage', () => {
  it('marks the shards of the first look as initial, and whether each was closed when seen', () => {
    // Prepare
    const lineage = new ShardLineage();

    // Act
    lineage.learn([shard('a', { closed: true }), shard('b')]);
    lineage.learn([shard('a'), shard('c')]);

    // Assess
    expect([...lineage.readable()]).toEqual([
      { id: 'a', initial: true, closedWhenSeen: true },
      { id: 'b', initial: true, closedWhenSeen: false },
      { id: 'c', initial: false, closedWhenSeen: false },
    ]);
  });

  it('holds a child back until its parent is read to the end', () => {
    // Prepare
    const lineage = new ShardLineage();
    lineage.learn([shard('child', { parent: 'parent' }), shard('parent', { closed: true })]);

    // Act
    const before = ids(lineage);
    lineage.markDrained('parent');
    const after = ids(lineage);

    // Assess
    expect(before).toEqual(['parent']);
    expect(after).toEqual(['child']);
  });

  it('lets a child whose parent is no longer listed be read at once', () => {
    // Prepare
    const lineage = new ShardLineage();

    // Act
    lineage.learn([shard('child', { parent: 'aged-out' })]);

    // Assess
    expect(ids(lineage)).toEqual(['child']);
  });

  it('frees a child in the same pass when its parent is marked drained while iterating', () => {
    // Prepare: the child is listed after its parent.
    const lineage = new ShardLineage();
    lineage.learn([shard('parent', { closed: true }), shard('child', { parent: 'parent' })]);
    const seen: string[] = [];

    // Act
    for (const known of lineage.readable()) {
      seen.push(known.id);
      lineage.markDrained(known.id);
    }

    // Assess
    expect(seen).toEqual(['parent', 'child']);
  });

  it('leaves out a shard being read, and is all drained only when nothing runs and every shard is read', () => {
    // Prepare
    const lineage = new ShardLineage();
    lineage.learn([shard('a'), shard('b')]);
    lineage.running.set('a', Promise.resolve());
    lineage.markDrained('b');

    // Act
    const readable = ids(lineage);
    const whileRunning = lineage.allDrained;
    lineage.running.delete('a');
    lineage.markDrained('a');

    // Assess
    expect(readable).toEqual([]);
    expect(whileRunning).toBe(false);
    expect(lineage.allDrained).toBe(true);
  });
});
