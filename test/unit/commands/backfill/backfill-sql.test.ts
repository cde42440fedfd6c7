import { describe, expect, it } from 'vitest';
import { rangePredicateSql, rollupRecountSql } from '../../../../commands/verify/rollup-sql.ts';
import { ROLLUPS, type RollupDefinition } from '../../../../processors/rollups/rollups.ts';

const HOUR = 3_600_000;
const from = Date.UTC(2026, 11, 1, 5);
const range = { fromMs: from, toMs: from + 2 * HOUR };

const rollup = (name: string): RollupDefinition => {
  const found = ROLLUPS.find((r) => r.name === name);
  if (!found) throw new Error(`no rollup ${name}`);
  return found;
};

describe('backfill SQL per rollup declaration', () => {
  for (const declared of ROLLUPS) {
    it(`${declared.name}: the same recount for DuckDB and Athena but for the minute's format`, () => {
      const duckdb = rollupRecountSql(declared, { dialect: 'duckdb', range });
      const athena = rollupRecountSql(declared, { dialect: 'athena', range });
      expect(duckdb).toContain(`strftime(date_trunc('minute', event_time), '%Y-%m-%dT%H:%MZ') AS sk`);
      expect(athena).toContain(`date_format(date_trunc('minute', event_time), '%Y-%m-%dT%H:%iZ') AS sk`);
      expect(athena).not.toContain('strftime');
      expect(athena.replace('date_format', 'strftime').replace('%H:%iZ', '%H:%MZ')).toBe(duckdb);
      // One range predicate per dataset read, and each dimension returned under its item attribute name.
      const datasets = declared.schemas.includes('*')
        ? 2
        : new Set(declared.schemas.map((s) => s.split('.')[0])).size;
      expect(duckdb.split("event_time >= TIMESTAMP '2026-12-01 05:00:00'").length - 1).toBe(datasets);
      for (const dimension of declared.dimensions) expect(duckdb).toContain(`AS "${dimension}"`);
      expect(duckdb).toContain(`GROUP BY ${[1, 2, ...declared.dimensions.map((_, i) => i + 3)].join(', ')}`);
    });
  }

  it('prunes to the partitions of the range within one day, then bounds event time', () => {
    expect(rangePredicateSql(range)).toBe(
      "dt = '2026-12-01' AND hour BETWEEN 5 AND 6 AND event_time >= TIMESTAMP '2026-12-01 05:00:00' AND event_time < TIMESTAMP '2026-12-01 07:00:00'",
    );
  });

  it('prunes across days by dt and the hours at either end', () => {
    const sql = rangePredicateSql({ fromMs: Date.UTC(2026, 10, 30, 22), toMs: Date.UTC(2026, 11, 2, 3) });
    expect(sql).toBe(
      "(dt > '2026-11-30' OR (dt = '2026-11-30' AND hour >= 22)) AND (dt < '2026-12-02' OR (dt = '2026-12-02' AND hour <= 2)) " +
        "AND dt BETWEEN '2026-11-30' AND '2026-12-02' AND event_time >= TIMESTAMP '2026-11-30 22:00:00' AND event_time < TIMESTAMP '2026-12-02 03:00:00'",
    );
  });

  it('filters by schema and by range in one WHERE', () => {
    expect(rollupRecountSql(rollup('client_errors'), { range })).toContain(
      `FROM "clickstream" WHERE schema IN ('clickstream.client_error') AND dt = '2026-12-01'`,
    );
  });

  it("reads every dataset for a rollup over '*', bounded by the range only", () => {
    const sql = rollupRecountSql(rollup('events_by_type'), { dialect: 'athena', range });
    expect(sql).toMatch(
      /FROM "clickstream" WHERE dt = .* UNION ALL SELECT event_time, "schema" FROM "telemetry" WHERE dt = /,
    );
    expect(sql).not.toContain('schema IN');
  });

  it('refuses a range that is not whole hours, naming it', () => {
    expect(() => rangePredicateSql({ fromMs: from + 60_000, toMs: from + HOUR })).toThrow(/whole hours/);
    expect(() => rangePredicateSql({ fromMs: from, toMs: from })).toThrow(/given/);
  });
});
