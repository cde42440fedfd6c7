import { measureAttribute, ROLLUPS, type RollupDefinition } from '../../processors/rollups/rollups.ts';
import type { GroundTruthEntry } from '../../producers/ground-truth.ts';
import { type GivenUp, givenUpText, ON_FAILURE_PREFIX } from '../lake/given-up.ts';
import { rollupNameOf } from '../rollups/rollup-items.ts';
import {
  expectedRollups,
  groundTruthEvents,
  measuresAgree,
  type RollupValues,
} from './ground-truth-rollups.ts';
import { lakeRollups } from './rollup-sql.ts';

export interface VerifyLakeInput {
  /** What the producers put into the stream (plus replayed events, see replayedGroundTruth). */
  readonly groundTruth: readonly GroundTruthEntry[];
  /** The rollups table: `<pk> <sk>` → measures. */
  readonly rollups: ReadonlyMap<string, RollupValues>;
  /** Runs SQL over the lake views and returns row objects. */
  readonly lakeSql: (sql: string) => Promise<Record<string, unknown>[]>;
  /** @default ROLLUPS */
  readonly definitions?: readonly RollupDefinition[];
  /** Records the event source mappings gave up on (on-failure records). @default none */
  readonly givenUp?: readonly GivenUp[];
}

export interface VerifyReport {
  /** One line per rollup item and measure on which the three sources disagree. */
  readonly differences: string[];
  /** Rollup items compared (the union over the three sources). */
  readonly items: number;
  /** Records given up on by each function: they are missing downstream, and the differences show where. */
  readonly givenUp?: readonly GivenUp[];
}

/** The three counts of one item, keyed like the rollups table scan. */
export interface ThreeWay {
  readonly groundTruth: ReadonlyMap<string, RollupValues>;
  readonly dynamodb: ReadonlyMap<string, RollupValues>;
  readonly lake: ReadonlyMap<string, RollupValues>;
}

const show = (value: number | undefined) => (value === undefined ? 'missing' : String(value));

/** `page_views#/cart 2026-11-22T05:06Z` → `page_views`. */
const rollupOfKey = (key: string) => rollupNameOf(key.slice(0, key.lastIndexOf(' ')));

/**
 * Compares the rollups three ways. For each item, each measure its rollup declares must agree in
 * ground truth, DynamoDB and lake; an item missing from one source shows as `missing` there.
 */
export const compareThreeWay = (
  counts: ThreeWay,
  definitions: readonly RollupDefinition[] = ROLLUPS,
): VerifyReport => {
  const measuresOf = new Map(definitions.map((r) => [r.name, r.measures.map(measureAttribute)]));
  const keys = [
    ...new Set([...counts.groundTruth.keys(), ...counts.dynamodb.keys(), ...counts.lake.keys()]),
  ].sort();
  const differences: string[] = [];
  for (const key of keys) {
    const truth = counts.groundTruth.get(key);
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
      differences.push(`${key} ${measure}: ground truth ${show(t)}, DynamoDB ${show(d)}, lake ${show(l)}`);
    }
  }
  return { differences, items: keys.length };
};

/** Recounts every rollup from the ground truth and over the lake, and compares both with the table. */
export const verifyLake = async (input: VerifyLakeInput): Promise<VerifyReport> => {
  const definitions = input.definitions ?? ROLLUPS;
  const lake = await lakeRollups(input.lakeSql, definitions);
  const groundTruth = expectedRollups(groundTruthEvents(input.groundTruth));
  const report = compareThreeWay({ groundTruth, dynamodb: input.rollups, lake }, definitions);
  return { ...report, givenUp: input.givenUp ?? [] };
};

/** The report's last line: the differences, and every record a consumer gave up on. */
export const verifySummary = ({ differences, items, givenUp = [] }: VerifyReport): string => {
  const compared =
    differences.length === 0
      ? `no differences across ${items} rollup items (ground truth, DynamoDB, lake)`
      : `${differences.length} difference${differences.length === 1 ? '' : 's'} across ${items} rollup items`;
  const lost = givenUpText(givenUp);
  return lost
    ? `${compared}; given up on: ${lost} (on-failure records under ${ON_FAILURE_PREFIX})`
    : compared;
};
