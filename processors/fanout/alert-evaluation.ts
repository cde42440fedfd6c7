import type { StreamAlertRule, ThresholdCondition } from './alert-rules.ts';
import type { MinuteChange } from './delta.ts';

/** A rule's value in one minute, and how full the minute was (`count`) when it was read. */
export interface MinuteValue {
  readonly value: number;
  readonly count: number;
}

/** The recent minutes of one (rule, subject), ISO minute → value; kept on the alert state item. */
export type RecentMinutes = Readonly<Record<string, MinuteValue>>;

/** What a rule concludes about its latest evaluable minute. `hold` changes nothing. */
export interface Verdict {
  readonly kind: 'breach' | 'clear' | 'hold';
  readonly value: number;
  readonly threshold: number;
  /** The minute judged, ISO (`2026-11-22T05:06Z`). */
  readonly window: string;
}

/** The images of one minute item a batch carried: the count before its first and the count of its last. */
export interface SourceImages {
  /** Undefined when the first image was the item's first (INSERT). */
  readonly previousCount: number | undefined;
  readonly lastCount: number;
}

/** Everything a batch tells one (rule, subject). */
export interface AlertInput {
  readonly alertId: string;
  readonly rule: StreamAlertRule;
  readonly subject: string;
  readonly minutes: Record<string, MinuteValue>;
  /** First contributing stream record, reported if the alert cannot be written. */
  readonly sequenceNumber: string;
  /** Per source item (`<pk> <minute>`), the counts that chain this batch's images to earlier ones. */
  readonly sources: Record<string, SourceImages>;
  /** Whether any image of any minute in the batch, not only the fullest, breaches / does not breach (threshold rules). */
  breaching: boolean;
  clearing: boolean;
}

export const alertIdOf = (rule: string, subject: string) => `${rule}#${subject}`;

const ruleValueOf = (rule: StreamAlertRule, latest: Readonly<Record<string, number>>): number | undefined => {
  if ('attribute' in rule.value) return latest[rule.value.attribute];
  const sum = latest[`${rule.value.mean}_sum`];
  return sum === undefined || !latest.count ? undefined : sum / latest.count;
};

const matches = (rule: StreamAlertRule, change: MinuteChange) =>
  change.rollup.name === rule.source.rollup &&
  Object.entries(rule.source.where ?? {}).every(
    ([dimension, value]) => change.dimensions[dimension] === value,
  );

/**
 * Which way a rule's reading moves when its minute item is refined at the same count: the aggregator writes a
 * min or max measure first with `if_not_exists`, then lowers a min or raises a max in a second update that leaves
 * `count` alone (rollups' high-water-mark writer). Attributes are named `<field>_<kind>` (measureAttribute).
 */
export type Refinement = 'lower' | 'higher' | undefined;

export const refinementOf = (rule: StreamAlertRule): Refinement => {
  if (!('attribute' in rule.value)) return undefined;
  if (rule.value.attribute.endsWith('_min')) return 'lower';
  return rule.value.attribute.endsWith('_max') ? 'higher' : undefined;
};

/**
 * Of two readings of one minute, the fuller one: the larger count (a minute item's count only grows), and at
 * equal counts the more refined extreme, so a re-delivered image from before a min/max refinement never
 * replaces the refined one. Otherwise the later reading (`b`).
 */
export const fuller = (a: MinuteValue | undefined, b: MinuteValue, refinement?: Refinement): MinuteValue => {
  if (!a || a.count !== b.count) return a && a.count > b.count ? a : b;
  if (refinement === 'lower') return a.value < b.value ? a : b;
  if (refinement === 'higher') return a.value > b.value ? a : b;
  return b;
};

/** Folds one image into a (rule, subject)'s input: the fuller reading of its minute, its item's chain, its verdict. */
const foldImage = (input: AlertInput, change: MinuteChange, value: number): void => {
  const count = change.latest.count ?? 0;
  input.minutes[change.minute] = fuller(
    input.minutes[change.minute],
    { value, count },
    refinementOf(input.rule),
  );
  const source = `${change.pk} ${change.minute}`;
  const known = input.sources[source];
  input.sources[source] = {
    previousCount: known ? known.previousCount : change.previousCount,
    lastCount: count,
  };
  const condition = input.rule.condition;
  if (condition.kind === 'below-baseline') return;
  if (breaches(condition, value)) input.breaching = true;
  else input.clearing = true;
};

const newInput = (alertId: string, rule: StreamAlertRule, subject: string, sequenceNumber: string) => ({
  alertId,
  rule,
  subject,
  minutes: {},
  sequenceNumber,
  sources: {},
  breaching: false,
  clearing: false,
});

/** Groups a batch's minute values by (rule, subject). Order-independent, so re-delivery changes nothing. */
export const alertInputsOf = (
  changes: readonly MinuteChange[],
  rules: readonly StreamAlertRule[],
): AlertInput[] => {
  const inputs = new Map<string, AlertInput>();
  for (const change of changes) {
    for (const rule of rules) {
      if (!matches(rule, change)) continue;
      const value = ruleValueOf(rule, change.latest);
      if (value === undefined) continue;
      const subject = rule.subjectDimension ? (change.dimensions[rule.subjectDimension] ?? '') : 'all';
      const alertId = alertIdOf(rule.name, subject);
      const input = inputs.get(alertId) ?? newInput(alertId, rule, subject, change.sequenceNumber);
      inputs.set(alertId, input);
      foldImage(input, change, value);
    }
  }
  return [...inputs.values()];
};

const MINUTE_MS = 60_000;
const isoMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;
const minutesBefore = (minute: string, n: number) => isoMinute(Date.parse(minute) - n * MINUTE_MS);

/** How many minutes of history a rule needs. */
export const historyMinutes = (rule: StreamAlertRule): number =>
  rule.condition.kind === 'below-baseline' ? rule.condition.baselineMinutes + 2 : rule.condition.forMinutes;

/** Merges new minute values into the stored ones and keeps only the history the rule needs. */
export const mergeRecent = (
  rule: StreamAlertRule,
  stored: RecentMinutes,
  incoming: RecentMinutes,
): Record<string, MinuteValue> => {
  const merged: Record<string, MinuteValue> = { ...stored };
  const refinement = refinementOf(rule);
  for (const [minute, value] of Object.entries(incoming)) {
    merged[minute] = fuller(merged[minute], value, refinement);
  }
  const latest = Object.keys(merged).sort().at(-1);
  if (!latest) return merged;
  const oldest = minutesBefore(latest, historyMinutes(rule) - 1);
  for (const minute of Object.keys(merged)) if (minute < oldest) delete merged[minute];
  return merged;
};

export const breaches = (condition: ThresholdCondition, value: number) =>
  condition.kind === 'above' ? value > condition.threshold : value < condition.threshold;

/**
 * Judges the latest minute (threshold rules: partial minutes count, so an alert opens within the
 * minute) or the last complete one (baseline rules: a minute is complete once a later one has data).
 */
export const evaluate = (rule: StreamAlertRule, recent: RecentMinutes): Verdict | undefined => {
  const latest = Object.keys(recent).sort().at(-1);
  if (!latest) return undefined;
  const condition = rule.condition;
  if (condition.kind !== 'below-baseline') {
    const value = recent[latest]?.value ?? 0;
    const verdict = { value, threshold: condition.threshold, window: latest };
    if (!breaches(condition, value)) return { kind: 'clear', ...verdict };
    for (let n = 1; n < condition.forMinutes; n++) {
      const earlier = recent[minutesBefore(latest, n)];
      if (!earlier || !breaches(condition, earlier.value)) return { kind: 'hold', ...verdict };
    }
    return { kind: 'breach', ...verdict };
  }
  const judged = minutesBefore(latest, 1);
  const value = recent[judged]?.value ?? 0;
  let sum = 0;
  for (let n = 1; n <= condition.baselineMinutes; n++) sum += recent[minutesBefore(judged, n)]?.value ?? 0;
  const baseline = sum / condition.baselineMinutes;
  const threshold = baseline * condition.fraction;
  const verdict = { value, threshold, window: judged };
  // Too little traffic to judge: neither opens nor resolves (a long outage does not resolve itself).
  if (baseline < condition.minBaseline) return { kind: 'hold', ...verdict };
  return { kind: value < threshold ? 'breach' : 'clear', ...verdict };
};
