import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RejectedRecord } from '../../../processors/shared/classify.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../clients.ts';
import { readCloudState } from '../cloud-state.ts';
import { startKinesis } from '../servers/kinesis-server.ts';
import { freePort } from '../servers/ports.ts';
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
      const result = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: pending.map((r) => ({
            Data: Buffer.from(r.data, 'base64'),
            PartitionKey: r.partitionKey,
          })),
        }),
      );
      const entries: LedgerEntry[] = [];
      const refused: RejectedRecord[] = [];
      pending.forEach((record, j) => {
        const outcome = result.Records?.[j];
        if (!outcome?.SequenceNumber || outcome.ErrorCode) {
          refused.push(record);
          return;
        }
        entries.push({
          shardId: record.shardId,
          sequenceNumber: record.sequenceNumber,
          reason: record.reason,
          replayedAt: new Date().toISOString(),
          replayedAs: { shardId: outcome.ShardId ?? '', sequenceNumber: outcome.SequenceNumber },
          partitionKey: record.partitionKey,
          data: record.data,
        });
      });
      if (entries.length > 0) appendFileSync(ledgerFile, entries.map(ledgerLine).join(''));
      replayed += entries.length;
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
  const state = readCloudState(stateDir);
  const { records, duplicates } = dedupeQuarantined(readQuarantine(state));
  const { policy } = aggregatePolicy(stateDir);
  const plan = planReplay(records, readLedger(stateDir), policy, options.nowMs ?? Date.now());
  if (dryRun || plan.replay.length === 0) {
    return { report: replayReport({ plan, duplicates, dryRun, replayed: 0 }), replayed: 0, unsent: 0 };
  }
  const streamName = state.eventStream;
  if (!streamName)
    throw new Error(`${stateDir}/cloud.json names no stream to replay into; run npm start again`);
  const server = await startKinesis(await freePort(), join(stateDir, 'kinesis'));
  const client = new KinesisClient({
    endpoint: server.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    // kinesalite speaks HTTP/1.1 only.
    requestHandler: new NodeHttpHandler(),
  });
  try {
    mkdirSync(stateDir, { recursive: true });
    const replayed = await reinject(client, streamName, plan.replay, join(stateDir, LEDGER_FILE));
    return {
      report: replayReport({ plan, duplicates, dryRun, replayed }),
      replayed,
      unsent: plan.replay.length - replayed,
    };
  } finally {
    client.destroy();
    await server.stop();
  }
};
