import { join } from 'node:path';
import { Lake } from '../../commands/lake/lake-views.ts';
import type { LocalClients } from '../../infra/local/clients.ts';
import type { CloudState } from '../../infra/local/cloud-state.ts';
import { fileSize, invocationErrors, readFrom } from './checks/function-log.ts';
import { markedLakeRows } from './checks/lake-rows.ts';
import { ON_FAILURE_PREFIX, type OnFailureObject, readOnFailureObject } from './checks/on-failure.ts';
import { QuarantineReader } from './checks/quarantine-reader.ts';
import { checkMarkedRollups, markedRollups } from './checks/rollups.ts';
import { listKeys } from './checks/s3-objects.ts';
import { utcDays } from './checks/utc-days.ts';
import type { FuzzLedger } from './ledger.ts';
import { n, say } from './run-console.ts';
import { progress } from './run-wait.ts';
import { judge, type Verdict } from './verdict.ts';

/** What was there before the run: the function log's length and the on-failure objects. */
export interface BeforeRun {
  readonly logFile: string;
  readonly logOffset: number;
  readonly onFailure: ReadonlySet<string>;
}

export const beforeRun = async (stateDir: string, clients: LocalClients, buckets: readonly string[]) => {
  const logFile = join(stateDir, 'logs', 'functions.log');
  const logOffset = fileSize(logFile);
  const onFailure = new Set<string>();
  for (const bucket of buckets) {
    for (const { key } of await listKeys(clients.s3, bucket, ON_FAILURE_PREFIX))
      onFailure.add(`${bucket}/${key}`);
  }
  return { logFile, logOffset, onFailure } satisfies BeforeRun;
};

export interface RunToCheck {
  readonly stateDir: string;
  readonly state: CloudState;
  readonly clients: LocalClients;
  readonly buckets: readonly string[];
  readonly mappingIds: readonly string[];
  readonly consumers: readonly string[];
  readonly ledger: FuzzLedger;
  readonly runId: string;
  readonly startedMs: number;
  readonly before: BeforeRun;
}

/**
 * Reads what the run left (quarantine objects, marked lake rows and rollups, new on-failure objects and
 * function errors) and judges it. Everything a consumer writes for a batch is written before it checkpoints
 * the batch, so once they are past the run there is nothing left to wait for.
 */
export const checkRun = async (run: RunToCheck): Promise<Verdict> => {
  const { stateDir, state, clients, buckets, mappingIds, consumers, ledger, runId, startedMs, before } = run;
  const quarantine = new QuarantineReader(clients.s3, state.lakeBucket, consumers, ledger);
  const took = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
  let at = Date.now();
  await quarantine.poll(utcDays(startedMs, Date.now()));
  const quarantineTook = took(at);
  at = Date.now();
  const lake = await Lake.open(state);
  let lakeRows: Map<string, number>;
  try {
    lakeRows = await markedLakeRows(lake, runId, utcDays(startedMs - 180_000, Date.now()));
  } finally {
    lake.close();
  }
  const lakeTook = took(at);
  at = Date.now();
  const rollups = checkMarkedRollups(
    ledger,
    runId,
    await markedRollups(clients.documents, state.rollupsTable, runId),
  );
  const onFailure: OnFailureObject[] = [];
  for (const bucket of buckets) {
    for (const { key } of await listKeys(clients.s3, bucket, ON_FAILURE_PREFIX)) {
      if (!before.onFailure.has(`${bucket}/${key}`))
        onFailure.push(await readOnFailureObject(clients.s3, bucket, key));
    }
  }
  const verdict = judge({
    ledger,
    consumers,
    lakeRows,
    rollups,
    onFailure,
    functionErrors: invocationErrors(readFrom(before.logFile, before.logOffset)).length,
    stalledShards: progress(stateDir, mappingIds, ledger).stalled,
  });
  say(
    `checked: quarantine ${quarantineTook} (${n(quarantine.objects)} objects) · lake ${lakeTook} · rollups and the rest ${took(at)}; ` +
      `the whole run took ${took(startedMs)}`,
  );
  return verdict;
};
