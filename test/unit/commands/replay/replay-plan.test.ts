import { describe, expect, it } from 'vitest';
import {
  dedupeQuarantined,
  type LedgerEntry,
  ledgerLine,
  parseLedger,
  planReplay,
  replayedGroundTruth,
  replayReport,
} from '../../../../commands/replay/replay-plan.ts';
import type { AcceptancePolicy, RejectedRecord } from '../../../../processors/shared/classify.ts';

const POLICY: AcceptancePolicy = {
  allowedLatenessMs: 3_600_000,
  clockSkewMs: 300_000,
  maxEventBytes: 65_536,
};
const ARRIVAL = Date.parse('2026-11-22T05:00:00Z');

const event = (eventTime = new Date(ARRIVAL - 1_000).toISOString()) => ({
  schema: 'clickstream.page_view',
  version: 1,
  eventId: '00000000-0000-4000-8000-000000000001',
  eventTime,
  sessionId: 's-1',
  page: '/',
});

const quarantined = (
  sequenceNumber: string,
  body: unknown,
  shardId = 'shardId-000000000000',
): RejectedRecord => ({
  reason: 'schema-violation',
  detail: 'was refused by an older contract',
  shardId,
  sequenceNumber,
  partitionKey: 's-1',
  approximateArrivalTimestamp: ARRIVAL / 1000,
  data: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)).toString('base64'),
});

const ledgerOf = (record: RejectedRecord, copySequence: string): LedgerEntry => ({
  shardId: record.shardId,
  sequenceNumber: record.sequenceNumber,
  reason: record.reason,
  replayedAt: '2026-11-22T06:00:00.000Z',
  replayedAs: { shardId: record.shardId, sequenceNumber: copySequence },
  partitionKey: record.partitionKey,
  data: record.data,
});

describe('quarantine deduplication', () => {
  it('keeps a record both consumers quarantined once, in stream order per shard', () => {
    const a = quarantined('20', '{');
    const b = quarantined('3', '{');
    const c = quarantined('5', '{', 'shardId-000000000001');
    const { records, duplicates } = dedupeQuarantined([a, b, { ...a, reason: 'invalid-json' }, c, b]);
    expect(records.map((r) => `${r.shardId}:${r.sequenceNumber}`)).toEqual([
      'shardId-000000000000:3',
      'shardId-000000000000:20',
      'shardId-000000000001:5',
    ]);
    expect(duplicates).toBe(2);
  });
});

describe('quarantined events of batch records (D36)', () => {
  it('keeps two events of one batch record apart, and each once across consumers', () => {
    const first = { ...quarantined('7', event()), index: 0 };
    const third = { ...quarantined('7', event()), index: 2 };
    const { records, duplicates } = dedupeQuarantined([first, third, { ...third }, first]);
    expect(records.map((r) => r.index)).toEqual([0, 2]);
    expect(duplicates).toBe(2);
  });

  it('knows an event of a batch replayed before by its index, not another event of the same record', () => {
    const replayed = { ...quarantined('7', event()), index: 0 };
    const other = { ...quarantined('7', event()), index: 1 };
    const ledger = [{ ...ledgerOf(replayed, '99'), index: 0 }];
    const plan = planReplay([replayed, other], ledger, POLICY, ARRIVAL + 60_000);
    expect(plan.alreadyReplayed).toEqual([replayed]);
    expect(plan.replay).toEqual([other]);
  });
});

describe('replay planning', () => {
  it('replays a record the current contract accepts, judged at its original arrival', () => {
    const fixed = quarantined('1', event());
    const plan = planReplay([fixed], [], POLICY, ARRIVAL + 60_000);
    expect(plan.replay).toEqual([fixed]);
  });

  it('keeps a record that still fails, with the reason it fails for now', () => {
    const plan = planReplay(
      [quarantined('1', '{not json'), quarantined('2', { ...event(), page: 'no-slash' })],
      [],
      POLICY,
      ARRIVAL,
    );
    expect(plan.stillFailing.map((f) => f.reason)).toEqual(['invalid-json', 'schema-violation']);
    expect(plan.replay).toEqual([]);
  });

  it('never plans a record of the ledger again, nor the copy a replay put into the stream', () => {
    const original = quarantined('1', event());
    const copyQuarantinedAgain = quarantined('99', event());
    const plan = planReplay([original, copyQuarantinedAgain], [ledgerOf(original, '99')], POLICY, ARRIVAL);
    expect(plan.alreadyReplayed).toEqual([original, copyQuarantinedAgain]);
    expect(plan.replay).toEqual([]);
  });

  it('holds back a record whose copy would arrive too late for its window', () => {
    const plan = planReplay([quarantined('1', event())], [], POLICY, ARRIVAL + 2 * 3_600_000);
    expect(plan.tooOld).toHaveLength(1);
    expect(plan.replay).toEqual([]);
  });

  it('reports counts by outcome, still-failing by reason', () => {
    const plan = planReplay([quarantined('1', event()), quarantined('2', '{')], [], POLICY, ARRIVAL);
    const text = replayReport({ plan, duplicates: 1, dryRun: true });
    expect(text).toContain('quarantined records: 2 (1 duplicate line');
    expect(text).toContain('would replay: 1 (dry run: nothing written)');
    expect(text).toContain('still failing: 1\n  invalid-json: 1');
  });
});

describe('replay ledger', () => {
  it('round-trips its JSON lines and turns replayed events into ground truth at the copies', () => {
    const record = quarantined('1', event());
    const entries = parseLedger(
      ledgerLine(ledgerOf(record, '42')) + ledgerLine(ledgerOf(quarantined('2', '{'), '43')),
    );
    expect(entries).toHaveLength(2);
    expect(replayedGroundTruth(entries)).toEqual([
      { shardId: 'shardId-000000000000', sequenceNumber: '42', partitionKey: 's-1', event: event() },
    ]);
  });

  it('names the line that is not a ledger entry', () => {
    expect(() => parseLedger('{"shardId":"s"}\n', 'ledger.jsonl')).toThrow(
      /ledger.jsonl:1 is not a replay ledger entry/,
    );
  });
});
