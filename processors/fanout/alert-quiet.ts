import { ROLLUPS } from '../rollups/rollups.ts';
import { type AlertInput, breaches, historyMinutes, type RecentMinutes } from './alert-evaluation.ts';
import type { StreamAlertRule } from './alert-rules.ts';
import type { AlertStatus } from './alert-state.ts';

/** Per source minute item (`<pk> <minute>`), the count of the last image this environment folded in. */
export type SeenCounts = Readonly<Record<string, number>>;

/** Where the stored state a step decides on came from. */
export interface StepContext {
  /** Read from the table in this attempt (current), rather than taken from this environment's cache. */
  readonly fresh: boolean;
  /** With a cached item: the images this environment folded in since it last read or wrote it. */
  readonly seen?: SeenCounts;
}

/**
 * True when each (subject, minute) of the rule reads exactly one minute item: its subject and `where` name every
 * dimension of the rollup. Then a minute's readings come from one item, whose count only grows in stream order.
 */
export const readsOneItemPerMinute = (rule: StreamAlertRule): boolean => {
  const rollup = ROLLUPS.find((candidate) => candidate.name === rule.source.rollup);
  const where = rule.source.where ?? {};
  return (rollup?.dimensions ?? []).every(
    (dimension) => dimension === rule.subjectDimension || dimension in where,
  );
};

/** True when every image of the batch continues one this environment folded in (or starts its item). */
const continuesSeen = (input: AlertInput, seen: SeenCounts | undefined): boolean =>
  seen !== undefined &&
  Object.entries(input.sources).every(([source, images]) => seen[source] === images.previousCount);

/**
 * Pure: whether a batch's minutes can be left unwritten because no decision, now or later, could differ from
 * writing them (docs/decisions.md D35). Only threshold rules that read one item per minute, and only when all
 * of these hold:
 * - every image of the batch (not only the fullest of each minute) is *quiet* for the state: below the
 *   condition while not OPEN (it cannot open), breaching while OPEN (it cannot resolve — and a consecutive-
 *   minute chain cannot outlast the cooldown, so the minutes not kept cannot join a later chain);
 * - every stored minute is quiet too, so no fuller quiet image is kept from replacing a breaching one;
 * - the batch's newest minute is not newer than the stored newest, so the minute judged stays the same;
 * - the stored state is current: read in this attempt, or cached with every image of the batch chaining onto
 *   the last one this environment folded in (another environment's batch in between breaks the chain).
 * A minute's images only grow in count, so an image re-delivered later is one already judged quiet or one
 * the stored state already holds a fuller reading of. Baseline rules always write: a fuller count changes
 * the mean and the judged minute's value even while nothing breaches.
 */
export const isQuiet = (
  input: AlertInput,
  stored: AlertStatus & { readonly recent?: RecentMinutes },
  context: StepContext,
): boolean => {
  const condition = input.rule.condition;
  if (condition.kind === 'below-baseline' || !readsOneItemPerMinute(input.rule)) return false;
  const open = stored.state === 'OPEN';
  if (open && condition.forMinutes - 1 > input.rule.cooldownMinutes) return false;
  if (open ? input.clearing : input.breaching) return false;
  const recent = Object.entries(stored.recent ?? {});
  if (recent.length === 0) return false;
  if (recent.some(([, minute]) => breaches(condition, minute.value) !== open)) return false;
  const storedLatest =
    recent
      .map(([minute]) => minute)
      .sort()
      .at(-1) ?? '';
  if (Object.keys(input.minutes).some((minute) => minute > storedLatest)) return false;
  return context.fresh || continuesSeen(input, context.seen);
};

/**
 * True when another environment folded in images of this batch's items after this environment last did (an
 * image starts past the count it saw): the cached item is stale, and a write on its version would only fail.
 */
export const cacheIsBehind = (input: AlertInput, seen: SeenCounts | undefined): boolean =>
  seen !== undefined &&
  Object.entries(input.sources).some(([source, images]) => {
    const known = seen[source];
    return known !== undefined && images.previousCount !== undefined && images.previousCount > known;
  });

const MINUTE_MS = 60_000;

/**
 * What the cache remembers after this batch: the batch's last image per source item on top of what was seen
 * before (nothing before, after a fresh read), without items older than the rule's history needs.
 */
export const seenAfter = (input: AlertInput, before: SeenCounts | undefined): SeenCounts => {
  const seen: Record<string, number> = { ...before };
  for (const [source, images] of Object.entries(input.sources)) seen[source] = images.lastCount;
  const minuteOf = (source: string) => source.slice(source.lastIndexOf(' ') + 1);
  const newest = Object.keys(seen).map(minuteOf).sort().at(-1);
  if (!newest) return seen;
  const oldestMs = Date.parse(newest) - (historyMinutes(input.rule) + 1) * MINUTE_MS;
  for (const source of Object.keys(seen)) if (Date.parse(minuteOf(source)) < oldestMs) delete seen[source];
  return seen;
};
