import { describe, expect, it } from 'vitest';
import { lakeRollups, rollupRecountSql } from '../../../../commands/verify/rollup-sql.ts';
import { compareThreeWay, storedTwice, verifySummary } from '../../../../commands/verify/verify-lake.ts';
import { ROLLUPS } from '../../../../processors/rollups/rollups.ts';

const rollup = (name: string) => {
  const found = ROLLUPS.find((r) => r.name === name);
  if (!found) throw new Error(`no rollup ${name}`);
  return found;
};

describe('rollup recount SQL', () => {
  it('groups by the snake_case dimension columns and the event-time minute, filtered by schema', () => {
    const sql = rollupRecountSql(rollup('client_errors'));
    expect(sql).toContain(`'client_errors' || '#' || CAST("error_type" AS VARCHAR) AS pk`);
    expect(sql).toContain(`strftime(date_trunc('minute', event_time), '%Y-%m-%dT%H:%MZ') AS sk`);
    expect(sql).toContain(`FROM "clickstream" WHERE schema IN ('clickstream.client_error')`);
    expect(sql).toContain('GROUP BY 1, 2');
  });

  it('names each measure like its DynamoDB attribute', () => {
    const sql = rollupRecountSql(rollup('purchases'));
    expect(sql).toContain(`SELECT 'purchases' AS pk`);
    for (const part of [
      'count(*) AS "count"',
      'CAST(sum("revenue") AS DOUBLE) AS "revenue_sum"',
      'CAST(min("revenue") AS DOUBLE) AS "revenue_min"',
      'CAST(max("revenue") AS DOUBLE) AS "revenue_max"',
      'CAST(sum("items") AS DOUBLE) AS "items_sum"',
    ]) {
      expect(sql).toContain(part);
    }
  });

  it('reads every dataset, unfiltered, for a rollup of every schema', () => {
    const sql = rollupRecountSql(rollup('events_by_type'));
    expect(sql).toContain(
      'SELECT event_time, "schema" FROM "clickstream" UNION ALL SELECT event_time, "schema" FROM "telemetry"',
    );
    expect(sql).not.toContain('WHERE');
  });

  it('keys recounted rows like the rollups table scan', async () => {
    const items = await lakeRollups(
      async () => [
        {
          pk: 'purchases',
          sk: '2026-11-22T05:06Z',
          count: 2,
          revenue_sum: 3.5,
          revenue_min: 1,
          revenue_max: 2.5,
          items_sum: 3,
        },
      ],
      [rollup('purchases')],
    );
    expect(items.get('purchases 2026-11-22T05:06Z')).toEqual({
      count: 2,
      revenue_sum: 3.5,
      revenue_min: 1,
      revenue_max: 2.5,
      items_sum: 3,
    });
  });
});

describe('three-way comparison', () => {
  const key = 'page_views#/cart 2026-11-22T05:06Z';
  const same = () => new Map([[key, { count: 3 }]]);

  it('finds no difference when all three agree, and says how many items it compared', () => {
    const report = compareThreeWay({ stream: same(), dynamodb: same(), lake: same() });
    expect(report).toEqual({ differences: [], items: 1 });
    expect(verifySummary(report)).toBe('no differences across 1 rollup items (stream, DynamoDB, lake)');
  });

  it('names the item, the measure and all three values when one source disagrees', () => {
    const report = compareThreeWay({
      stream: same(),
      dynamodb: new Map([[key, { count: 4 }]]),
      lake: same(),
    });
    expect(report.differences).toEqual([
      `${key} count: stream 3, DynamoDB 4, lake 3 — DynamoDB counted twice`,
    ]);
  });

  it('reports an item missing from one source', () => {
    const report = compareThreeWay({ stream: same(), dynamodb: same(), lake: new Map() });
    expect(report.differences).toEqual([`${key} count: stream 3, DynamoDB 3, lake missing — lake lost`]);
  });

  it('accepts sums that differ only by decimal versus binary rounding', () => {
    const at = (revenue_sum: number) =>
      new Map([
        [
          'purchases 2026-11-22T05:06Z',
          { count: 3, revenue_sum, revenue_min: 0.1, revenue_max: 0.2, items_sum: 3 },
        ],
      ]);
    const report = compareThreeWay({
      stream: at(0.1 + 0.2 + 0.2),
      dynamodb: at(0.5),
      lake: at(0.5000000000000001),
    });
    expect(report.differences).toEqual([]);
    const off = compareThreeWay({ stream: at(0.5), dynamodb: at(0.5), lake: at(0.51) });
    expect(off.differences).toHaveLength(1);
  });

  it('names the cause for each source: fewer events lost, more counted twice, same count other values', () => {
    const purchases = (count: number, revenue_sum: number) =>
      new Map([
        ['purchases 2026-11-22T05:06Z', { count, revenue_sum, revenue_min: 1, revenue_max: 2, items_sum: 3 }],
      ]);
    const report = compareThreeWay({
      stream: purchases(3, 5),
      dynamodb: purchases(2, 4),
      lake: purchases(3, 6),
    });
    expect(report.differences).toEqual([
      'purchases 2026-11-22T05:06Z count: stream 3, DynamoDB 2, lake 3 — DynamoDB lost',
      'purchases 2026-11-22T05:06Z revenue_sum: stream 5, DynamoDB 4, lake 6 — DynamoDB lost, lake differs',
    ]);
    const extra = compareThreeWay({ stream: new Map(), dynamodb: purchases(1, 1), lake: new Map() });
    expect(extra.differences[0]).toBe(
      'purchases 2026-11-22T05:06Z count: stream missing, DynamoDB 1, lake missing — DynamoDB counted twice',
    );
  });
});

describe('the lake checked for events stored twice', () => {
  it('names each dataset holding an event_id more than once, with examples', async () => {
    const differences = await storedTwice(async (sql) =>
      sql.includes('"telemetry"')
        ? [
            { event_id: 'a', copies: 2 },
            { event_id: 'b', copies: 3 },
          ]
        : [],
    );
    expect(differences).toEqual(['lake telemetry: 2 event_ids in 5 rows — stored twice (e.g. a ×2, b ×3)']);
  });
});

describe('the verify summary', () => {
  it('says what the stream held: why it holds more records than the rollups count', () => {
    const line = verifySummary({
      differences: [],
      items: 4,
      stream: {
        read: 121,
        accepted: 1000,
        quarantined: { 'too-late': 150, 'invalid-json': 50 },
        producerDuplicates: 10,
      },
    });
    expect(line).toBe(
      'no differences across 4 rollup items (stream, DynamoDB, lake); stream 121 records, 1,210 events: 1,000 counted, ' +
        '200 quarantined (invalid-json 50, too-late 150), 10 producer duplicates',
    );
  });
});
