import type { AthenaClient } from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { athenaEngine } from '../../../../commands/backfill/athena-engine.ts';

/** A stand-in Athena client answering each command by its name (unit tests of the polling and paging only). */
const fakeAthena = (answers: Record<string, (input: Record<string, unknown>) => unknown>) => {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      sent.push({ command: name, input: command.input });
      const answer = answers[name];
      if (!answer) throw new Error(`unexpected ${name}`);
      return answer(command.input);
    },
  } as unknown as AthenaClient;
  return { client, sent };
};

const column = (Name: string) => ({ Name, Type: 'varchar' });
const row = (...values: (string | undefined)[]) => ({
  Data: values.map((VarCharValue) => ({ VarCharValue })),
});

describe('Athena as the recount engine', () => {
  it('runs the SQL in the workgroup and database, polls until done, and reads every page (header skipped once)', async () => {
    let polls = 0;
    const { client, sent } = fakeAthena({
      StartQueryExecutionCommand: () => ({ QueryExecutionId: 'q-1' }),
      GetQueryExecutionCommand: () => ({
        QueryExecution: { Status: { State: ++polls < 3 ? 'RUNNING' : 'SUCCEEDED' } },
      }),
      GetQueryResultsCommand: ({ NextToken }) => {
        const ResultSetMetadata = { ColumnInfo: [column('pk'), column('sk'), column('count')] };
        return NextToken
          ? { ResultSet: { ResultSetMetadata, Rows: [row('purchases', '2026-12-01T05:07Z', undefined)] } }
          : {
              ResultSet: {
                ResultSetMetadata,
                Rows: [row('pk', 'sk', 'count'), row('purchases', '2026-12-01T05:06Z', '3')],
              },
              NextToken: 'page-2',
            };
      },
    });
    const engine = athenaEngine({ client, workGroup: 'wg', database: 'db', pollMs: 1 });
    const rows = await engine.rows('SELECT 1');
    expect(rows).toEqual([
      { pk: 'purchases', sk: '2026-12-01T05:06Z', count: '3' },
      { pk: 'purchases', sk: '2026-12-01T05:07Z', count: null },
    ]);
    expect(sent[0]?.input).toEqual({
      QueryString: 'SELECT 1',
      WorkGroup: 'wg',
      QueryExecutionContext: { Database: 'db' },
    });
    expect(polls).toBe(3);
    expect(engine.dialect).toBe('athena');
  });

  it("fails with Athena's own reason when the query fails", async () => {
    const { client } = fakeAthena({
      StartQueryExecutionCommand: () => ({ QueryExecutionId: 'q-2' }),
      GetQueryExecutionCommand: () => ({
        QueryExecution: {
          Status: {
            State: 'FAILED',
            StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved",
          },
        },
      }),
    });
    await expect(
      athenaEngine({ client, workGroup: 'wg', database: 'db', pollMs: 1 }).rows('SELECT x'),
    ).rejects.toThrow("Athena query q-2 failed: COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved");
  });

  it('gives up on a query still running after its timeout, naming it', async () => {
    const { client } = fakeAthena({
      StartQueryExecutionCommand: () => ({ QueryExecutionId: 'q-3' }),
      GetQueryExecutionCommand: () => ({ QueryExecution: { Status: { State: 'RUNNING' } } }),
    });
    await expect(
      athenaEngine({ client, workGroup: 'wg', database: 'db', pollMs: 1, timeoutMs: 0 }).rows('SELECT 1'),
    ).rejects.toThrow('Athena query q-3 still running after 0 ms: see it in workgroup wg');
  });
});
