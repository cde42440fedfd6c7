import { lambdaKinesisRecord } from '../../infra/local/esm/kinesis-event.ts';
import {
  type AcceptancePolicy,
  classifyBatch,
  type EventPosition,
  positionKey,
  type QuarantineReason,
  type RejectedRecord,
} from '../../processors/shared/classify.ts';
import { compareSequence } from '../../processors/shared/sequence.ts';
import type { GroundTruthEvent } from '../../producers/ground-truth.ts';
import { parseEvent } from '../../schemas/validate.ts';

/**
 * A quarantined record is identified by where it first arrived: its shard and sequence number, and its index
 * when it was one event of a batch record (D36).
 */
export const recordKey = (record: { shardId: string } & EventPosition) =>
  `${record.shardId}:${positionKey(record)}`;

/** One replayed record, appended to the ledger once Kinesis has accepted its copy. */
export interface LedgerEntry {
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Its index in the batch record it arrived in, if it was one event of one (D36). */
  readonly index?: number;
  /** Why it was quarantined the first time. */
  readonly reason: QuarantineReason;
  readonly replayedAt: string;
  /** Where the copy landed; a copy quarantined again is recognised by this. */
  readonly replayedAs: { readonly shardId: string; readonly sequenceNumber: string };
  readonly partitionKey: string;
  /** The record's bytes, base64, so the ledger alone says what was added to the stream. */
  readonly data: string;
}

export const ledgerLine = (entry: LedgerEntry): string => `${JSON.stringify(entry)}\n`;

/** Parses the ledger's JSON lines; throws naming a line that is not a ledger entry. */
export const parseLedger = (text: string, source = 'replay ledger'): LedgerEntry[] =>
  text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    const entry = JSON.parse(line) as Partial<LedgerEntry>;
    if (typeof entry.shardId !== 'string' || typeof entry.sequenceNumber !== 'string' || !entry.replayedAs) {
      throw new Error(
        `${source}:${i + 1} is not a replay ledger entry (needs shardId, sequenceNumber, replayedAs)`,
      );
    }
    return [entry as LedgerEntry];
  });

export interface Deduplicated {
  readonly records: RejectedRecord[];
  /** Lines that repeated a record already seen (another consumer, or an overlapping retry). */
  readonly duplicates: number;
}

/** Every consumer quarantines the same bad record, and a retry may overlap: keep each record once, in stream order. */
export const dedupeQuarantined = (lines: readonly RejectedRecord[]): Deduplicated => {
  const byKey = new Map<string, RejectedRecord>();
  for (const record of lines) if (!byKey.has(recordKey(record))) byKey.set(recordKey(record), record);
  const records = [...byKey.values()].sort(
    (a, b) => a.shardId.localeCompare(b.shardId) || compareSequence(a.sequenceNumber, b.sequenceNumber),
  );
  return { records, duplicates: lines.length - records.length };
};

export interface StillFailing {
  readonly record: RejectedRecord;
  readonly reason: QuarantineReason;
  readonly detail: string;
}

export interface ReplayPlan {
  /** Pass the current contracts, judged at their original arrival: re-inject these. */
  readonly replay: RejectedRecord[];
  readonly stillFailing: StillFailing[];
  /** In the ledger already, as an original or as a replayed copy. */
  readonly alreadyReplayed: RejectedRecord[];
  /** Would pass, but a copy arriving now would be too late for its window; replaying cannot count them. */
  readonly tooOld: RejectedRecord[];
}

/** The quarantined record as the consumers saw it, arriving at `arrivalSeconds`. */
const asKinesisRecord = (record: RejectedRecord, arrivalSeconds: number) =>
  lambdaKinesisRecord(record.shardId, { ...record, arrivalMs: arrivalSeconds * 1000 });

/**
 * Decides each quarantined record's fate with the current code: classified as the aggregator would,
 * at the record's original arrival (so only a changed contract or policy changes the verdict), and
 * once more as a copy arriving `nowMs`, which is what the aggregator will actually judge.
 */
export const planReplay = (
  records: readonly RejectedRecord[],
  ledger: readonly LedgerEntry[],
  policy: AcceptancePolicy,
  nowMs: number,
): ReplayPlan => {
  const done = new Set(ledger.flatMap((entry) => [recordKey(entry), recordKey(entry.replayedAs)]));
  const plan: ReplayPlan = { replay: [], stillFailing: [], alreadyReplayed: [], tooOld: [] };
  for (const record of records) {
    if (done.has(recordKey(record))) {
      plan.alreadyReplayed.push(record);
      continue;
    }
    const [rejected] = classifyBatch(
      [asKinesisRecord(record, record.approximateArrivalTimestamp)],
      policy,
    ).rejected;
    if (rejected) {
      plan.stillFailing.push({ record, reason: rejected.reason, detail: rejected.detail });
      continue;
    }
    const asCopy = classifyBatch([asKinesisRecord(record, nowMs / 1000)], policy).rejected[0];
    if (asCopy?.reason === 'too-late') plan.tooOld.push(record);
    else plan.replay.push(record);
  }
  return plan;
};

/** The replayed events as ground-truth entries at their copies' positions, for verify. */
export const replayedGroundTruth = (ledger: readonly LedgerEntry[]): GroundTruthEvent[] =>
  ledger.flatMap((entry) => {
    const parsed = parseEvent(Buffer.from(entry.data, 'base64').toString('utf8'));
    return parsed.ok ? [{ ...entry.replayedAs, partitionKey: entry.partitionKey, event: parsed.event }] : [];
  });

export interface ReplayReportInput {
  readonly plan: ReplayPlan;
  readonly duplicates: number;
  readonly dryRun: boolean;
  /** Copies Kinesis accepted (undefined on a dry run). */
  readonly replayed?: number;
}

/** Counts by outcome, still-failing broken down by reason. */
export const replayReport = ({ plan, duplicates, dryRun, replayed }: ReplayReportInput): string => {
  const total =
    plan.replay.length + plan.stillFailing.length + plan.alreadyReplayed.length + plan.tooOld.length;
  const reasons = new Map<string, number>();
  for (const failing of plan.stillFailing)
    reasons.set(failing.reason, (reasons.get(failing.reason) ?? 0) + 1);
  const lines = [
    `quarantined records: ${total} (${duplicates} duplicate line${duplicates === 1 ? '' : 's'} from other consumers or retries left out)`,
    dryRun ? `would replay: ${plan.replay.length} (dry run: nothing written)` : `replayed: ${replayed ?? 0}`,
    `already replayed: ${plan.alreadyReplayed.length}`,
    `too old to replay: ${plan.tooOld.length} (valid now, but a copy arriving now would be too late for its window)`,
    `still failing: ${plan.stillFailing.length}`,
    ...[...reasons].sort(([a], [b]) => a.localeCompare(b)).map(([reason, n]) => `  ${reason}: ${n}`),
  ];
  if (!dryRun && replayed !== undefined && replayed < plan.replay.length) {
    lines.push(`not replayed (Kinesis refused them; run replay again): ${plan.replay.length - replayed}`);
  }
  return lines.join('\n');
};
