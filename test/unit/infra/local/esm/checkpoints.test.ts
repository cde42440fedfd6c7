import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../../../infra/local/esm/checkpoints.ts';
import { sequence } from '../../../support/kinesis-records.ts';

const SHARD_1 = 'shardId-000000000001';
const SHARD_2 = 'shardId-000000000002';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamlake-checkpoints-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('CheckpointStore', () => {
  it('reads back, in a new store on the same file, what an earlier store saved', () => {
    // Prepare
    const path = join(dir, 'checkpoints.json');
    const before = new CheckpointStore(path);
    before.set('AggregateMapping', SHARD_1, sequence(41));
    before.set('AggregateMapping', SHARD_2, sequence(7));

    // Act
    const after = new CheckpointStore(path);

    // Assess
    expect(after.get('AggregateMapping', SHARD_1)).toBe(sequence(41));
    expect(after.get('AggregateMapping', SHARD_2)).toBe(sequence(7));
  });

  it('keeps the latest checkpoint of a shard and keeps mappings apart', () => {
    // Prepare
    const path = join(dir, 'checkpoints.json');
    const store = new CheckpointStore(path);

    // Act
    store.set('AggregateMapping', SHARD_1, sequence(1));
    store.set('AggregateMapping', SHARD_1, sequence(2));
    store.set('ArchiveMapping', SHARD_1, sequence(9));

    // Assess
    const reread = new CheckpointStore(path);
    expect(reread.get('AggregateMapping', SHARD_1)).toBe(sequence(2));
    expect(reread.get('ArchiveMapping', SHARD_1)).toBe(sequence(9));
    expect(reread.get('ArchiveMapping', SHARD_2)).toBeUndefined();
  });

  it('starts empty when the file does not exist yet', () => {
    // Prepare
    const path = join(dir, 'missing.json');

    // Act
    const store = new CheckpointStore(path);

    // Assess
    expect(store.get('AggregateMapping', SHARD_1)).toBeUndefined();
    expect(existsSync(path)).toBe(false);
  });

  it('creates the folders of the checkpoint file and leaves no temporary file behind', () => {
    // Prepare
    const path = join(dir, 'state', 'esm', 'checkpoints.json');
    const store = new CheckpointStore(path);

    // Act
    store.set('AggregateMapping', SHARD_1, sequence(3));

    // Assess
    expect(readdirSync(join(dir, 'state', 'esm'))).toEqual(['checkpoints.json']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ [`AggregateMapping/${SHARD_1}`]: sequence(3) });
  });

  it('keeps checkpoints in memory only when it has no path', () => {
    // Prepare
    const store = new CheckpointStore();

    // Act
    store.set('AggregateMapping', SHARD_1, sequence(5));

    // Assess
    expect(store.get('AggregateMapping', SHARD_1)).toBe(sequence(5));
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['is not JSON', 'not json {'],
    ['is truncated', '{"AggregateMapping/shardId-000000000001": "49'],
    ['is empty', ''],
  ])('refuses a checkpoint file that %s, naming its path', (_, content) => {
    // Prepare
    const path = join(dir, 'checkpoints.json');
    writeFileSync(path, content);

    // Act
    const act = () => new CheckpointStore(path);

    // Assess
    expect(act).toThrow(`checkpoint file ${path} is unreadable`);
  });

  it('refuses a checkpoint path that is a folder, naming the path', () => {
    // Prepare
    const path = join(dir, 'checkpoints.json');
    mkdirSync(path);

    // Act
    const act = () => new CheckpointStore(path);

    // Assess
    expect(act).toThrow(path);
  });
});
