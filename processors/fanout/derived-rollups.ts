import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { RollupContribution } from '../rollups/preaggregate.ts';
import type { RollupDefinition } from '../rollups/rollups.ts';
import { measureAttribute } from '../rollups/rollups.ts';
import { buildExtremesRefinement, buildRollupUpdate } from '../rollups/update-expression.ts';
import type { MinuteChange } from './delta.ts';

/** A coarser window built from the minute rollups: `H#2026-11-22T05`, `D#2026-11-22`. */
export interface Grain {
  readonly name: 'hour' | 'day';
  readonly prefix: 'H' | 'D';
  /** How much of the ISO minute names the period: 13 (`2026-11-22T05`) or 10 (`2026-11-22`). */
  readonly isoLength: 13 | 10;
}

export const GRAINS: readonly Grain[] = [
  { name: 'hour', prefix: 'H', isoLength: 13 },
  { name: 'day', prefix: 'D', isoLength: 10 },
];

/**
 * Rollups whose derived items can be ranked by count within their period ("top pages in hour H"): they
 * carry `rankKey` = `<rollup>#<sk>`, the partition key of the table's sparse `TopByCount` index.
 */
export const RANKED_ROLLUPS: readonly string[] = ['page_views'];

/** One derived item a batch touches, with the minute changes that contribute to it. */
export interface DerivedTarget {
  readonly key: { readonly pk: string; readonly sk: string };
  readonly rollup: RollupDefinition;
  readonly grain: Grain;
  readonly dimensions: Readonly<Record<string, string>>;
  /** The period's start, ISO: `2026-11-22T05:00Z`. */
  readonly windowStart: string;
  readonly windowStartMs: number;
  readonly records: MinuteChange[];
}

const periodStart = (minute: string, grain: Grain): string =>
  grain.name === 'hour' ? `${minute.slice(0, 13)}:00Z` : `${minute.slice(0, 10)}T00:00Z`;

/** Groups a batch's minute changes by derived item, so each is written once per batch. */
export const derivedTargetsOf = (
  changes: readonly MinuteChange[],
  grains: readonly Grain[] = GRAINS,
): DerivedTarget[] => {
  const targets = new Map<string, DerivedTarget>();
  for (const change of changes) {
    for (const grain of grains) {
      const sk = `${grain.prefix}#${change.minute.slice(0, grain.isoLength)}`;
      const id = `${change.pk}\u0000${sk}`;
      let target = targets.get(id);
      if (!target) {
        const windowStart = periodStart(change.minute, grain);
        target = {
          key: { pk: change.pk, sk },
          rollup: change.rollup,
          grain,
          dimensions: change.dimensions,
          windowStart,
          windowStartMs: Date.parse(windowStart),
          records: [],
        };
        targets.set(id, target);
      }
      target.records.push(change);
    }
  }
  return [...targets.values()];
};

/** What a set of minute changes adds to a derived item: summed counts and sums, folded min/max. */
export const totalsOfChanges = (
  rollup: RollupDefinition,
  changes: readonly MinuteChange[],
): Record<string, number> => {
  const totals: Record<string, number> = {};
  for (const change of changes) {
    for (const measure of rollup.measures) {
      const attribute = measureAttribute(measure);
      const value = change.delta[attribute];
      if (value === undefined) continue;
      const current = totals[attribute];
      if (measure.kind === 'count' || measure.kind === 'sum') totals[attribute] = (current ?? 0) + value;
      else if (current === undefined) totals[attribute] = value;
      else totals[attribute] = measure.kind === 'min' ? Math.min(current, value) : Math.max(current, value);
    }
  }
  return totals;
};

/** The derived item in the shape the rollup update builders take: the same measures, another window. */
const asContribution = (target: DerivedTarget, totals: Record<string, number>): RollupContribution => ({
  rollup: target.rollup,
  pk: target.key.pk,
  sk: target.key.sk,
  dimensions: target.dimensions,
  windowStartMs: target.windowStartMs,
  records: [],
  totals,
});

export interface DerivedUpdate {
  readonly tableName: string;
  readonly streamLabel: string;
  readonly target: DerivedTarget;
  readonly records: readonly MinuteChange[];
  readonly expiresAt: number;
}

/**
 * One UpdateItem per derived item and batch, built by the minute rollups' update (ADD counts and
 * sums, seed min/max, move the mark if it is below the first record), with the period's start as
 * `windowStart` and, for ranked rollups, the `rankKey` of the top-N index.
 */
export const buildDerivedUpdate = (update: DerivedUpdate): UpdateCommandInput => {
  const { target, records } = update;
  const first = records[0];
  const last = records[records.length - 1];
  if (!first || !last) throw new Error(`no minute changes for ${target.key.pk} ${target.key.sk}`);
  const totals = totalsOfChanges(target.rollup, records);
  const base = buildRollupUpdate({
    tableName: update.tableName,
    shardId: update.streamLabel,
    item: asContribution(target, totals),
    totals,
    firstSequenceNumber: first.sequenceNumber,
    lastSequenceNumber: last.sequenceNumber,
    expiresAt: update.expiresAt,
  });
  const names: Record<string, string> = { ...base.ExpressionAttributeNames, '#grain': 'grain' };
  const values: Record<string, unknown> = {
    ...base.ExpressionAttributeValues,
    ':windowStart': target.windowStart,
    ':grain': target.grain.name,
  };
  let expression = (base.UpdateExpression ?? '').replace(/^SET /, 'SET #grain = :grain, ');
  if (RANKED_ROLLUPS.includes(target.rollup.name)) {
    names['#rankKey'] = 'rankKey';
    values[':rankKey'] = `${target.rollup.name}#${target.key.sk}`;
    expression = expression.replace(/^SET /, 'SET #rankKey = :rankKey, ');
  }
  return {
    ...base,
    UpdateExpression: expression,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

/** The minute rollups' monotone min/max refinement, for a derived item. */
export const buildDerivedRefinement = (
  tableName: string,
  target: DerivedTarget,
  records: readonly MinuteChange[],
  stored: Readonly<Record<string, unknown>>,
): UpdateCommandInput | undefined => {
  const totals = totalsOfChanges(target.rollup, records);
  return buildExtremesRefinement(tableName, asContribution(target, totals), totals, stored);
};
