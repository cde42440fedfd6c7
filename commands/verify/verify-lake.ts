import { measureAttribute, ROLLUPS, type RollupDefinition } from '../../processors/rollups/rollups.ts';
import { DATASETS } from '../../schemas/envelope.ts';
import { type GivenUp, givenUpText, ON_FAILURE_PREFIX } from '../lake/given-up.ts';
import { sqlIdentifier } from '../lake/lake-views.ts';
import { rollupNameOf } from '../rollups/rollup-items.ts';
import type { RecountCounters } from '../truth/stream-recount.ts';
import { measuresAgree, type RollupValues } from './ground-truth-rollups.ts';
import { lakeRollups } from './rollup-sql.ts';

type LakeSql = (sql: string) => Promise<Record<string, unknown>[]>;

export interface VerifyLakeInput {
  /** The stream recount: what the consumers must have made of every record the stream holds. */
  readonly stream: ReadonlyMap<string, RollupValues>;
  /** The recount's counters, for the summary: why the stream holds more records than the rollups count. */
  readonly counters?: RecountCounters;
  /** The rollups table: `<pk> <sk>` → measures. */
  readonly rollups: ReadonlyMap<string, RollupValues>;
  /** Runs SQL over the lake views and returns row objects. */
  readonly lakeSql: LakeSql;
  /** @default ROLLUPS */
  readonly definitions?: readonly RollupDefinition[];
  /** Records the event source mappings gave up on (on-failure records). @default none */
  readonly givenUp?: readonly GivenUp[];
}

export interface VerifyReport {
  /** One line per rollup item and measure on which the three sources disagree, and per dataset stored twice. */
  readonly differences: string[];
  /** Rollup items compared (the union over the three sources). */
  readonly items: number;
  /** Records given up on by each function: they are missing downstream, and the differences show where. */
  readonly givenUp?: readonly GivenUp[];
  /** What the stream held, as the consumers judge it. */
  readonly stream?: RecountCounters;
}

/** The three counts of one item, keyed like the rollups table scan. */
export interface ThreeWay {
  readonly stream: ReadonlyMap<string, RollupValues>;
  readonly dynamodb: ReadonlyMap<string, RollupValues>;
  readonly lake: ReadonlyMap<string, RollupValues>;
}

/** Why a source disagrees with the stream on an item: it has fewer events, more, or other values. */
export type Cause = 'lost' | 'counted twice' | 'differs';

const show = (value: number | undefined) => (value === undefined ? 'missing' : String(value));

/** `page_views#/cart 2026-11-22T05:06Z` → `page_views`. */
const rollupOfKey = (key: string) => rollupNameOf(key.slice(0, key.lastIndexOf(' ')));

/**
 * Why `got` (an item of DynamoDB or the lake) differs from `expected` (the stream's), judged by the item's
 * event count, which every rollup keeps: fewer events were lost, more were counted twice.
 */
export const causeOf = (expected: RollupValues | undefined, got: RollupValues | undefined): Cause => {
  const want = expected?.count ?? 0;
  const have = got?.count ?? 0;
  if (have < want) return 'lost';
  if (have > want) return 'counted twice';
  return 'differs';
};

/** Equal within the sum tolerance, or missing from both. */
const sameValue = (a: number | undefined, b: number | undefined) =>
  (a === undefined && b === undefined) || measuresAgree(a, b);

/** ` — DynamoDB lost, lake counted twice`: the cause for each source that disagrees with the stream. */
const causesText = (
  measure: string,
  truth: RollupValues | undefined,
  sources: readonly [string, RollupValues | undefined][],
): string => {
  const causes = sources
    .filter(([, values]) => !sameValue(truth?.[measure], values?.[measure]))
    .map(([name, values]) => `${name} ${causeOf(truth, values)}`);
  return causes.length > 0 ? ` — ${causes.join(', ')}` : '';
};

/**
 * Compares the rollups three ways. For each item, each measure its rollup declares must agree in the
 * stream recount, DynamoDB and the lake; an item missing from one source shows as `missing` there, and
 * each line ends with the cause for each source that disagrees with the stream.
 */
export const compareThreeWay = (
  counts: ThreeWay,
  definitions: readonly RollupDefinition[] = ROLLUPS,
): VerifyReport => {
  const measuresOf = new Map(definitions.map((r) => [r.name, r.measures.map(measureAttribute)]));
  const keys = [
    ...new Set([...counts.stream.keys(), ...counts.dynamodb.keys(), ...counts.lake.keys()]),
  ].sort();
  const differences: string[] = [];
  for (const key of keys) {
    const truth = counts.stream.get(key);
    const stored = counts.dynamodb.get(key);
    const lake = counts.lake.get(key);
    const measures = measuresOf.get(rollupOfKey(key));
    if (!measures) {
      differences.push(`${key}: no rollup named ${rollupOfKey(key)} is declared in ROLLUPS`);
      continue;
    }
    for (const measure of measures) {
      const [t, d, l] = [truth?.[measure], stored?.[measure], lake?.[measure]];
      if (measuresAgree(t, d) && measuresAgree(t, l)) continue;
      const causes = causesText(measure, truth, [
        ['DynamoDB', stored],
        ['lake', lake],
      ]);
      differences.push(`${key} ${measure}: stream ${show(t)}, DynamoDB ${show(d)}, lake ${show(l)}${causes}`);
    }
  }
  return { differences, items: keys.length };
};

/** At most this many event ids named per dataset. */
const EXAMPLES = 3;

/**
 * Events the lake holds more than once, per dataset: `lake telemetry: 2 event_ids in 4 rows — stored
 * twice (e.g. …)`. The consumers store each accepted first copy once, so any is a difference.
 */
export const storedTwice = async (lakeSql: LakeSql): Promise<string[]> => {
  const differences: string[] = [];
  for (const dataset of DATASETS) {
    const rows = await lakeSql(
      `SELECT event_id, count(*) AS copies FROM ${sqlIdentifier(dataset)} GROUP BY event_id HAVING count(*) > 1 ORDER BY event_id`,
    );
    if (rows.length === 0) continue;
    const copies = rows.reduce((sum, row) => sum + Number(row.copies), 0);
    const examples = rows.slice(0, EXAMPLES).map((row) => `${String(row.event_id)} ×${Number(row.copies)}`);
    differences.push(
      `lake ${dataset}: ${rows.length} event_id${rows.length === 1 ? '' : 's'} in ${copies} rows — stored twice (e.g. ${examples.join(', ')}${rows.length > EXAMPLES ? ', …' : ''})`,
    );
  }
  return differences;
};

/** Compares the stream recount with the table and with a recount over the lake, and checks the lake for copies. */
export const verifyLake = async (input: VerifyLakeInput): Promise<VerifyReport> => {
  const definitions = input.definitions ?? ROLLUPS;
  const lake = await lakeRollups(input.lakeSql, definitions);
  const report = compareThreeWay({ stream: input.stream, dynamodb: input.rollups, lake }, definitions);
  return {
    differences: [...report.differences, ...(await storedTwice(input.lakeSql))],
    items: report.items,
    givenUp: input.givenUp ?? [],
    ...(input.counters ? { stream: input.counters } : {}),
  };
};

const n = (value: number) => value.toLocaleString('en-US');

/**
 * `stream 1,234 records, 12,345 events: 12,000 counted, 300 quarantined (too-late 100, …), 45 producer duplicates`
 * — a batch record holds several events (D36), each counted, quarantined or left out on its own.
 */
export const streamText = ({ read, accepted, quarantined, producerDuplicates }: RecountCounters): string => {
  const reasons = Object.entries(quarantined)
    .filter(([, count]) => (count ?? 0) > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, count]) => `${reason} ${n(count ?? 0)}`);
  const total = reasons.length ? Object.values(quarantined).reduce((sum, count) => sum + (count ?? 0), 0) : 0;
  return (
    `stream ${n(read)} records, ${n(accepted + total + producerDuplicates)} events: ${n(accepted)} counted, ${n(total)} quarantined` +
    `${reasons.length ? ` (${reasons.join(', ')})` : ''}, ${n(producerDuplicates)} producer duplicates`
  );
};

/** The report's last line: the differences, what the stream held, and every record a consumer gave up on. */
export const verifySummary = ({ differences, items, givenUp = [], stream }: VerifyReport): string => {
  const compared =
    differences.length === 0
      ? `no differences across ${items} rollup items (stream, DynamoDB, lake)`
      : `${differences.length} difference${differences.length === 1 ? '' : 's'} across ${items} rollup items`;
  const parts = [compared, ...(stream ? [streamText(stream)] : [])];
  const lost = givenUpText(givenUp);
  if (lost) parts.push(`given up on: ${lost} (on-failure records under ${ON_FAILURE_PREFIX})`);
  return parts.join('; ');
};
