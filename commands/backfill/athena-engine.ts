import { setTimeout as wait } from 'node:timers/promises';
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type ResultSet,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { RecountEngine } from './recount-engine.ts';

export interface AthenaTarget {
  readonly client: AthenaClient;
  /** The stack's AthenaWorkGroupName output: its settings fix where results go, and how they are encrypted. */
  readonly workGroup: string;
  /**
   * The stack's GlueDatabaseName output. Its views are named like the lake's datasets and read each event once
   * (D31: per hour the newest complete compaction and the stream files after it), so the recount reads them.
   */
  readonly database: string;
  /** How long one query may run before backfill gives up on it. @default 30 minutes, Athena's DML default */
  readonly timeoutMs?: number;
  /** First pause between polls; doubles up to 5 s. @default 500 */
  readonly pollMs?: number;
}

const DONE = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** Rows of one results page as objects; the first page's first row repeats the column names. */
export const rowsOfPage = (page: ResultSet, skipHeader: boolean): Record<string, unknown>[] => {
  const columns = (page.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
  const rows = (page.Rows ?? []).slice(skipHeader ? 1 : 0);
  // A NULL comes back without a VarCharValue; numbers come back as text, read by the caller.
  return rows.map((row) =>
    Object.fromEntries(columns.map((name, i) => [name, row.Data?.[i]?.VarCharValue ?? null])),
  );
};

/** Waits for a query to finish; throws with Athena's reason when it failed, or after `timeoutMs`. */
const finished = async (target: AthenaTarget, QueryExecutionId: string): Promise<void> => {
  const deadline = Date.now() + (target.timeoutMs ?? 30 * 60_000);
  let pause = target.pollMs ?? 500;
  while (Date.now() < deadline) {
    const { QueryExecution } = await target.client.send(new GetQueryExecutionCommand({ QueryExecutionId }));
    const state = QueryExecution?.Status?.State ?? 'UNKNOWN';
    if (state === 'SUCCEEDED') return;
    if (DONE.has(state)) {
      throw new Error(
        `Athena query ${QueryExecutionId} ${state.toLowerCase()}: ${QueryExecution?.Status?.StateChangeReason ?? 'no reason given'}`,
      );
    }
    await wait(pause);
    pause = Math.min(pause * 2, 5_000);
  }
  throw new Error(
    `Athena query ${QueryExecutionId} still running after ${target.timeoutMs ?? 1_800_000} ms: see it in workgroup ${target.workGroup}`,
  );
};

/**
 * Athena as the recount engine on AWS: StartQueryExecution in the stack's workgroup and database, poll
 * until it is done, then GetQueryResults page by page. Athena scans the lake in parallel; backfill
 * only reads the aggregated rows (one per rollup item), so a month of events is a few pages.
 */
export const athenaEngine = (target: AthenaTarget): RecountEngine => ({
  name: `Athena (workgroup ${target.workGroup}, database ${target.database})`,
  dialect: 'athena',
  rows: async (sql) => {
    const { QueryExecutionId } = await target.client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: target.workGroup,
        QueryExecutionContext: { Database: target.database },
      }),
    );
    if (!QueryExecutionId) throw new Error(`Athena started no query in workgroup ${target.workGroup}`);
    await finished(target, QueryExecutionId);
    const rows: Record<string, unknown>[] = [];
    let NextToken: string | undefined;
    let first = true;
    do {
      const page = await target.client.send(new GetQueryResultsCommand({ QueryExecutionId, NextToken }));
      if (page.ResultSet) rows.push(...rowsOfPage(page.ResultSet, first));
      first = false;
      NextToken = page.NextToken;
    } while (NextToken);
    return rows;
  },
});
