import { describe, expect, it } from 'vitest';
import type { RejectedRecord } from '../../../../processors/shared/classify.ts';
import { quarantineKey, quarantineLines } from '../../../../processors/shared/quarantine.ts';
import { SHARD, sequence } from '../../support/kinesis-records.ts';

const rejected = (n: number, overrides: Partial<RejectedRecord> = {}): RejectedRecord => ({
  reason: 'invalid-json',
  detail: `Unexpected token in record ${n}`,
  shardId: SHARD,
  sequenceNumber: sequence(n),
  partitionKey: `key-${n}`,
  approximateArrivalTimestamp: Date.parse('2026-11-22T05:06:08.000Z') / 1000,
  data: Buffer.from(`not json ${n}`).toString('base64'),
  ...overrides,
});

describe('quarantineKey', () => {
  it('names the arrival date, consumer, shard and first and last sequence numbers', () => {
    // Prepare
    const records = [rejected(1), rejected(2), rejected(3)];

    // Act
    const key = quarantineKey('quarantine/', records, 'archive');

    // Assess
    expect(key).toBe(`quarantine/dt=2026-11-22/archive/${SHARD}/${sequence(1)}-${sequence(3)}.jsonl`);
  });

  it('gives the same key for the same records, so a retried batch overwrites its own file', () => {
    // Prepare
    const records = [rejected(4), rejected(9)];
    const redelivered = structuredClone(records);

    // Act
    const first = quarantineKey('quarantine/', records);
    const second = quarantineKey('quarantine/', redelivered);

    // Assess
    expect(second).toBe(first);
  });

  it('gives different keys to batches with different records', () => {
    // Prepare
    const one = [rejected(1), rejected(2)];
    const other = [rejected(1), rejected(3)];

    // Act
    const keys = [quarantineKey('quarantine/', one), quarantineKey('quarantine/', other)];

    // Assess
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('dates the file by the arrival of its first record, even when later ones arrive the next day', () => {
    // Prepare
    const records = [
      rejected(1, { approximateArrivalTimestamp: Date.parse('2026-11-22T23:59:59.500Z') / 1000 }),
      rejected(2, { approximateArrivalTimestamp: Date.parse('2026-11-23T00:00:01.000Z') / 1000 }),
    ];

    // Act
    const key = quarantineKey('q/', records);

    // Assess
    expect(key.startsWith('q/dt=2026-11-22/')).toBe(true);
  });

  it('does not depend on the wall clock', () => {
    // Prepare
    const records = [
      rejected(1, { approximateArrivalTimestamp: Date.parse('2020-02-29T12:00:00.000Z') / 1000 }),
    ];

    // Act
    const key = quarantineKey('quarantine/', records);

    // Assess
    expect(key).toContain('dt=2020-02-29/');
  });

  it('refuses an empty batch', () => {
    // Prepare
    const records: RejectedRecord[] = [];

    // Act
    const act = () => quarantineKey('quarantine/', records);

    // Assess
    expect(act).toThrow('at least one record');
  });
});

describe('quarantineLines', () => {
  it('writes one JSON object per line, each parsing back to its record', () => {
    // Prepare
    const records = [
      rejected(1),
      rejected(2, { reason: 'schema-violation', detail: 'line one\nline two "quoted"' }),
      rejected(3, { reason: 'undecodable', data: Buffer.from([0xff, 0xfe]).toString('base64') }),
    ];

    // Act
    const text = quarantineLines(records);

    // Assess
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(records.length);
    expect(lines.map((line) => JSON.parse(line))).toEqual(records);
  });

  it('keeps the raw base64 data unchanged', () => {
    // Prepare
    const data = Buffer.from([0x00, 0xff, 0x10, 0x80]).toString('base64');
    const records = [rejected(1, { data })];

    // Act
    const [line] = quarantineLines(records).split('\n');

    // Assess
    expect((JSON.parse(line ?? '') as RejectedRecord).data).toBe(data);
  });
});
