import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamRecount } from '../../../../commands/truth/stream-recount.ts';
import { readTruth, type TruthState, writeTruth } from '../../../../commands/truth/truth-file.ts';
import { eventOf, recordsOf, SETTINGS } from './support/records.ts';

describe('truth.json', () => {
  let dir: string;
  let path: string;
  let state: TruthState;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'streamlake-truth-'));
    path = join(dir, 'truth.json');
    const recount = new StreamRecount(SETTINGS);
    recount.fold('shardId-000000000000', recordsOf([eventOf(0), eventOf(1), eventOf(0)]));
    state = { stream: { name: 'events', createdAtMs: 1 }, settings: SETTINGS, recount: recount.snapshot() };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is absent until the first catch-up', () => {
    expect(readTruth(path)).toBeUndefined();
  });

  it('reads back what was saved, with the seen entries of the horizon packed at 12 bytes each', () => {
    writeTruth(path, state);
    expect(readTruth(path)).toMatchObject(state);
    const seen = state.recount.shards['shardId-000000000000']?.seen ?? [];
    const bytes = seen.reduce((sum, group) => sum + Buffer.from(group.entries, 'base64').byteLength, 0);
    expect(bytes).toBe(2 * 12);
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('refuses a file cut short, naming it and what to do', () => {
    writeTruth(path, state);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.length / 2));
    expect(() => readTruth(path)).toThrow(
      new RegExp(
        `the stream recount ${path} cannot be used: it is not readable JSON .*; delete ${path} to recount`,
      ),
    );
  });

  it('refuses a file that is not a recount, or one whose shards or entries are damaged', () => {
    writeFileSync(path, '{"hello": 1}');
    expect(() => readTruth(path)).toThrow('it is not a streamlake-stream-recount file');
    const damaged = JSON.parse(JSON.stringify({ format: 'streamlake-stream-recount', version: 1, ...state }));
    damaged.recount.shards['shardId-000000000000'].seen[0].entries = 'AAAA';
    writeFileSync(path, JSON.stringify(damaged));
    expect(() => readTruth(path)).toThrow(/not a multiple of 12.*npm start -- --fresh/);
    damaged.recount.shards['shardId-000000000000'].lastSequence = 12;
    writeFileSync(path, JSON.stringify(damaged));
    expect(() => readTruth(path)).toThrow('shard shardId-000000000000 has no lastSequence');
  });
});
