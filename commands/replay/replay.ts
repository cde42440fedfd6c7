import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type KinesisClient, PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { RejectedRecord } from '../../processors/shared/classify.ts';
import { openSavedState, withSavedKinesis } from '../shared/saved-state.ts';
import { aggregatePolicy } from './acceptance-policy.ts';
import { LEDGER_FILE, readLedger, readQuarantine } from './quarantine-files.ts';
import { dedupeQuarantined, type LedgerEntry, ledgerLine, planReplay, replayReport } from './replay-plan.ts';

export interface ReplayOptions {
  readonly stateDir: string;
  readonly dryRun?: boolean;
  /** @default Date.now() */
  readonly nowMs?: number;
}

export interface ReplayResult {
  readonly report: string;
  readonly replayed: number;
  /** Records Kinesis kept refusing; replaying again retries them. */
  readonly unsent: number;
}

const PUT_RECORDS_LIMIT = 500;
const ATTEMPTS = 3;

/** The ledger line of a copy Kinesis accepted, or undefined when it refused it. */
const ledgerEntryOf = (
  record: RejectedRecord,
  outcome: PutRecordsResultEntry | undefined,
): LedgerEntry | undefined =>
  !outcome?.SequenceNumber || outcome.ErrorCode
    ? undefined
    : {
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        ...(record.index === undefined ? {} : { index: record.index }),
        reason: record.reason,
        replayedAt: new Date().toISOString(),
        replayedAs: { shardId: outcome.ShardId ?? '', sequenceNumber: outcome.SequenceNumber },
        partitionKey: record.partitionKey,
        data: record.data,
      };

/** One PutRecords call; appends a ledger line per accepted copy right away. Returns the refused records. */
const putCopies = async (
  client: KinesisClient,
  streamName: string,
  records: readonly RejectedRecord[],
  ledgerFile: string,
): Promise<RejectedRecord[]> => {
  const result = await client.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: records.map((r) => ({ Data: Buffer.from(r.data, 'base64'), PartitionKey: r.partitionKey })),
    }),
  );
  const entries: LedgerEntry[] = [];
  const refused: RejectedRecord[] = [];
  records.forEach((record, j) => {
    const entry = ledgerEntryOf(record, result.Records?.[j]);
    if (entry) entries.push(entry);
    else refused.push(record);
  });
  if (entries.length > 0) appendFileSync(ledgerFile, entries.map(ledgerLine).join(''));
  return refused;
};

/**
 * Puts copies of the records, a PutRecords call per 500, retrying refused entries; appends a ledger
 * line per accepted copy right after each call, so a crash can at worst lose the ledger lines of one call.
 */
const reinject = async (
  client: KinesisClient,
  streamName: string,
  records: readonly RejectedRecord[],
  ledgerFile: string,
): Promise<number> => {
  let replayed = 0;
  for (let i = 0; i < records.length; i += PUT_RECORDS_LIMIT) {
    let pending = records.slice(i, i + PUT_RECORDS_LIMIT);
    for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
      const refused = await putCopies(client, streamName, pending, ledgerFile);
      replayed += pending.length - refused.length;
      pending = refused;
    }
  }
  return replayed;
};

/**
 * Replays the quarantine of a stopped local cloud: records the current code accepts are put back
 * into the stream (original bytes and partition key) once, as the ledger remembers.
 */
export const replayQuarantine = async (options: ReplayOptions): Promise<ReplayResult> => {
  const { stateDir, dryRun = false } = options;
  const saved = openSavedState(stateDir);
  const { records, duplicates } = dedupeQuarantined(readQuarantine(saved.cloud));
  const { policy } = aggregatePolicy(stateDir);
  const plan = planReplay(records, readLedger(stateDir), policy, options.nowMs ?? Date.now());
  if (dryRun || plan.replay.length === 0) {
    return { report: replayReport({ plan, duplicates, dryRun, replayed: 0 }), replayed: 0, unsent: 0 };
  }
  const streamName = saved.cloud.eventStream;
  if (!streamName)
    throw new Error(`${stateDir}/cloud.json names no stream to replay into; run npm start again`);
  const replayed = await withSavedKinesis(saved, (kinesis) => {
    mkdirSync(stateDir, { recursive: true });
    return reinject(kinesis, streamName, plan.replay, join(stateDir, LEDGER_FILE));
  });
  return {
    report: replayReport({ plan, duplicates, dryRun, replayed }),
    replayed,
    unsent: plan.replay.length - replayed,
  };
};
