import { describe, expect, it } from 'vitest';
import {
  type CompactionSettings,
  partsFor,
  planCompaction,
} from '../../../../processors/lake/compaction-plan.ts';
import type { ListedLakeFile } from '../../../../processors/lake/lake-files.ts';

const MIB = 1024 * 1024;
const HOUR = 3_600_000;
const SETTINGS: CompactionSettings = {
  allowedLatenessMs: HOUR,
  settleMarginMs: 15 * 60_000,
  graceMs: HOUR,
  targetPartBytes: 256 * MIB,
  minPartBytes: 128 * MIB,
  maxPartBytes: 512 * MIB,
  writeMarginMs: 120_000,
};
const HOUR05 = Date.parse('2026-11-22T05:00:00Z');
const P = 'lake/clickstream/dt=2026-11-22/hour=05/';
const file = (name: string, lastModifiedMs: number, bytes = MIB): ListedLakeFile => ({
  key: `${P}${name}`,
  lastModifiedMs,
  bytes,
});
const streamFiles = (n: number, at = HOUR05 + HOUR) =>
  Array.from({ length: n }, (_, i) => file(`shardId-000000000000-${i}-${i}.parquet`, at));

describe('partsFor', () => {
  it('aims at the target and keeps parts within 128–512 MiB where the size allows', () => {
    expect(partsFor(10 * MIB, SETTINGS)).toBe(1);
    expect(partsFor(300 * MIB, SETTINGS)).toBe(1);
    expect(partsFor(10 * 1024 * MIB, SETTINGS)).toBe(40);
    expect(partsFor(10 * 1024 * MIB, { ...SETTINGS, targetPartBytes: 512 * MIB })).toBe(20);
  });
});

describe('planCompaction', () => {
  it('leaves an hour alone until its end plus the allowed lateness and the margin has passed', () => {
    const closesAt = HOUR05 + HOUR + HOUR + 15 * 60_000;
    expect(planCompaction(streamFiles(3), 'lake/', closesAt - 1, SETTINGS)).toMatchObject({
      work: [],
      open: 1,
    });
    const plan = planCompaction(streamFiles(3), 'lake/', closesAt, SETTINGS);
    expect(plan.work).toHaveLength(1);
    expect(plan.work[0]).toMatchObject({ partition: 'dt=2026-11-22/hour=05', parts: 1, inputBytes: 3 * MIB });
  });

  it('dates the generation a PUT timeout before now, to the second, and reads only files listed by then', () => {
    const now = HOUR05 + 10 * HOUR + 500;
    const late = file('shardId-000000000001-7-7.parquet', now - 60_000);
    const plan = planCompaction([...streamFiles(2), late], 'lake/', now, SETTINGS);
    expect(plan.work[0]?.generationMs).toBe(HOUR05 + 10 * HOUR - 120_000);
    expect(plan.work[0]?.inputs.map((f) => f.key)).not.toContain(late.key);
  });

  it('a compacted hour with nothing new needs no work; a stream file after it is folded in', () => {
    const now = HOUR05 + 10 * HOUR;
    const G = HOUR05 + 3 * HOUR;
    const compacted = [file(`compacted-${G}-1-of-1.parquet`, G + 1000), ...streamFiles(3)];
    expect(planCompaction(compacted, 'lake/', now, SETTINGS).work).toEqual([]);
    const replayed = file('shardId-000000000000-99-99.parquet', G + 3600_000);
    const plan = planCompaction([...compacted, replayed], 'lake/', now, SETTINGS);
    expect(plan.work[0]?.inputs.map((f) => f.key.slice(P.length))).toEqual([
      `compacted-${G}-1-of-1.parquet`,
      'shardId-000000000000-99-99.parquet',
    ]);
  });

  it('one stream file alone is not rewritten', () => {
    expect(planCompaction(streamFiles(1), 'lake/', HOUR05 + 10 * HOUR, SETTINGS).work).toEqual([]);
  });

  it('deletes superseded files only a grace period after the generation became visible', () => {
    const G = HOUR05 + 3 * HOUR;
    const listing = [file(`compacted-${G}-1-of-1.parquet`, G + 5000), ...streamFiles(3)];
    expect(planCompaction(listing, 'lake/', G + 5000 + HOUR - 1, SETTINGS).deletions).toEqual([]);
    expect(planCompaction(listing, 'lake/', G + 5000 + HOUR, SETTINGS).deletions).toHaveLength(3);
  });

  it('finishes an interrupted generation with its own parts and inputs rather than starting anew', () => {
    const G = HOUR05 + 3 * HOUR;
    const listing = [...streamFiles(3), file(`compacted-${G}-1-of-2.parquet`, G + 5000)];
    const plan = planCompaction(listing, 'lake/', G + 10 * HOUR, SETTINGS);
    expect(plan.work[0]).toMatchObject({ generationMs: G, parts: 2, resume: [1] });
    expect(plan.deletions).toEqual([]);
  });

  it('deletes an abandoned incomplete generation older than the grace period', () => {
    const older = HOUR05 + 3 * HOUR;
    const G = older + HOUR;
    const listing = [
      file(`compacted-${older}-1-of-2.parquet`, older + 1000),
      file(`compacted-${G}-1-of-1.parquet`, G + 1000),
    ];
    const plan = planCompaction(listing, 'lake/', G + 3 * HOUR, SETTINGS);
    expect(plan.deletions.map((f) => f.key.slice(P.length))).toEqual([`compacted-${older}-1-of-2.parquet`]);
  });
});
