import { FUZZ_KINDS, type FuzzKind, KIND_NAMES } from './kinds.ts';

/** Malformed records by kind weight (default), or as evenly as possible. */
export type Spread = 'weighted' | 'even';

/** How many malformed records of each kind the options make. */
export const kindCounts = (options: {
  readonly malformed: number;
  readonly spread?: Spread;
}): Record<FuzzKind, number> => {
  const { malformed } = options;
  if (!Number.isInteger(malformed) || malformed < 0) {
    throw new RangeError(`malformed must be a whole number ≥ 0 (given ${malformed})`);
  }
  const counts = Object.fromEntries(KIND_NAMES.map((k) => [k, 0])) as Record<FuzzKind, number>;
  if (options.spread === 'even') {
    KIND_NAMES.forEach((kind, i) => {
      counts[kind] = Math.floor(malformed / KIND_NAMES.length) + (i < malformed % KIND_NAMES.length ? 1 : 0);
    });
    return counts;
  }
  // Largest remainder by weight, then every kind at least one record when there are enough.
  const total = KIND_NAMES.reduce((sum, k) => sum + FUZZ_KINDS[k].weight, 0);
  const shares = KIND_NAMES.map((k) => (malformed * FUZZ_KINDS[k].weight) / total);
  KIND_NAMES.forEach((k, i) => {
    counts[k] = Math.floor(shares[i] as number);
  });
  let left = malformed - KIND_NAMES.reduce((sum, k) => sum + counts[k], 0);
  const byRemainder = KIND_NAMES.map((k, i) => ({ k, r: (shares[i] as number) % 1 })).sort(
    (a, b) => b.r - a.r,
  );
  for (const { k } of byRemainder) {
    if (left === 0) break;
    counts[k]++;
    left--;
  }
  if (malformed >= KIND_NAMES.length) {
    for (const kind of KIND_NAMES) {
      if (counts[kind] > 0) continue;
      const richest = KIND_NAMES.reduce((a, b) => (counts[b] > counts[a] ? b : a));
      counts[richest]--;
      counts[kind]++;
    }
  }
  return counts;
};
