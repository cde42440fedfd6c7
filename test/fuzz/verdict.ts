import type { OnFailureObject } from './checks/on-failure.ts';
import { markedItemOf, type RollupCheck } from './checks/rollups.ts';
import { FUZZ_KINDS, type FuzzKind, KIND_NAMES } from './kinds.ts';
import type { FuzzLedger } from './ledger.ts';

export interface VerdictInputs {
  readonly ledger: FuzzLedger;
  /** The stream's consumers that quarantine (`aggregate`, `archive`). */
  readonly consumers: readonly string[];
  /** The run's marked lake rows: eventId → rows. */
  readonly lakeRows: ReadonlyMap<string, number>;
  readonly rollups: RollupCheck;
  /** On-failure objects written during the run (any mapping, any traffic). */
  readonly onFailure: readonly OnFailureObject[];
  /** Invocation errors logged during the run (any function). */
  readonly functionErrors: number;
  /** Shards on which some Kinesis consumer did not checkpoint past the run's last record in time. */
  readonly stalledShards: readonly string[];
}

export interface KindTally {
  readonly put: number;
  /** Per consumer: reason → records. */
  readonly reasons: Record<string, Record<string, number>>;
  readonly notQuarantined: number;
  readonly misclassified: number;
}

export interface Verdict {
  readonly lost: number;
  readonly stalledShards: number;
  readonly crashed: number;
  readonly lostParts: {
    readonly validMissingFromLake: number;
    /** Valid events missing from the rollups beyond those already missing from the lake (per item). */
    readonly validMissingFromRollupsOnly: number;
    readonly malformedNotQuarantined: number;
    /** Records in on-failure objects not already counted above. */
    readonly discardedOnly: number;
  };
  /** Malformed records quarantined with a reason their kind does not allow. */
  readonly misclassified: number;
  readonly validQuarantined: number;
  readonly duplicatedInLake: number;
  /** Marked lake rows that are no valid event of the run (malformed records accepted). */
  readonly unexpectedInLake: number;
  readonly rollupSurplus: number;
  readonly rollupDifferences: number;
  readonly onFailureRecords: number;
  /** Malformed records by the reason every consumer agreed on ('split' when they differ). */
  readonly byReason: Record<string, number>;
  readonly byKind: Record<FuzzKind, KindTally>;
  /** A few examples of what went wrong, for the report. */
  readonly examples: string[];
}

export const judge = (inputs: VerdictInputs): Verdict => {
  const { ledger, consumers, lakeRows } = inputs;
  const examples: string[] = [];
  const example = (text: string) => {
    if (examples.length < 12) examples.push(text);
  };
  const lost = new Set<string>();

  // Valid events: in the lake exactly once, counted in the rollups.
  let validMissingFromLake = 0;
  let duplicatedInLake = 0;
  const lakeMissingByItem = new Map<string, number>();
  for (const [key, event] of ledger.valid) {
    const rows = lakeRows.get(event.eventId) ?? 0;
    if (rows > 1) duplicatedInLake++;
    if (rows > 0) continue;
    validMissingFromLake++;
    lost.add(key);
    const item = markedItemOf(event as unknown as { schema: string; eventTime: string });
    lakeMissingByItem.set(item, (lakeMissingByItem.get(item) ?? 0) + 1);
    example(`valid ${event.schema} ${event.eventId} (${key}) is not in the lake`);
  }
  let unexpectedInLake = 0;
  for (const eventId of lakeRows.keys()) if (!ledger.validByEventId.has(eventId)) unexpectedInLake++;
  let validMissingFromRollupsOnly = 0;
  for (const [item, deficit] of inputs.rollups.deficitByItem) {
    validMissingFromRollupsOnly += Math.max(0, deficit - (lakeMissingByItem.get(item) ?? 0));
    example(`rollup ${item} counts ${deficit} event(s) too few`);
  }
  for (const difference of inputs.rollups.differences.slice(0, 3)) example(`rollups: ${difference}`);
  let validQuarantined = 0;
  for (const [key, byConsumer] of ledger.validQuarantined) {
    validQuarantined++;
    example(`valid ${key} was quarantined: ${[...byConsumer].map(([c, r]) => `${c} ${r}`).join(', ')}`);
  }

  // Malformed records: quarantined by every consumer, for a reason their kind allows.
  const byKind = Object.fromEntries(
    KIND_NAMES.map((kind) => [
      kind,
      {
        put: ledger.putByKind.get(kind) ?? 0,
        reasons: Object.fromEntries(consumers.map((c) => [c, {}])),
        notQuarantined: 0,
        misclassified: 0,
      },
    ]),
  ) as Record<
    FuzzKind,
    {
      put: number;
      reasons: Record<string, Record<string, number>>;
      notQuarantined: number;
      misclassified: number;
    }
  >;
  const byReason: Record<string, number> = {};
  let malformedNotQuarantined = 0;
  let misclassified = 0;
  for (const [key, entry] of ledger.malformed) {
    const tally = byKind[entry.kind];
    const allowed: readonly string[] = FUZZ_KINDS[entry.kind].allowed;
    let wrong = false;
    for (const consumer of consumers) {
      const reason = entry.reasons.get(consumer);
      if (reason === undefined) continue;
      const counts = tally.reasons[consumer] ?? {};
      counts[reason] = (counts[reason] ?? 0) + 1;
      tally.reasons[consumer] = counts;
      if (!allowed.includes(reason)) {
        wrong = true;
        example(
          `${entry.kind} ${key}: ${consumer} quarantined it as ${reason} (allowed: ${allowed.join('|')})`,
        );
      }
    }
    if (wrong) {
      misclassified++;
      tally.misclassified++;
    }
    const missing = consumers.filter((c) => !entry.reasons.has(c));
    if (missing.length > 0) {
      malformedNotQuarantined++;
      tally.notQuarantined++;
      lost.add(key);
      example(`${entry.kind} ${key} was not quarantined by ${missing.join(', ')}`);
      continue;
    }
    const reasons = new Set(entry.reasons.values());
    const agreed = reasons.size === 1 ? [...reasons][0] : 'split';
    byReason[agreed ?? 'split'] = (byReason[agreed ?? 'split'] ?? 0) + 1;
  }

  // Records given up on: every record inside an on-failure object written during the run.
  let discardedOnly = 0;
  let keyless = 0;
  let onFailureRecords = 0;
  for (const object of inputs.onFailure) {
    onFailureRecords += object.records;
    for (const key of object.recordKeys) {
      if (!lost.has(key)) {
        lost.add(key);
        discardedOnly++;
      }
    }
    // Records the failure record does not name one by one (no payload) count as they are.
    keyless += Math.max(0, object.records - object.recordKeys.length);
    example(`on-failure object ${object.key} holds ${object.records} record(s)`);
  }
  discardedOnly += keyless;

  return {
    lost: lost.size + validMissingFromRollupsOnly + keyless,
    stalledShards: inputs.stalledShards.length,
    crashed: inputs.functionErrors + inputs.onFailure.length,
    lostParts: { validMissingFromLake, validMissingFromRollupsOnly, malformedNotQuarantined, discardedOnly },
    misclassified,
    validQuarantined,
    duplicatedInLake,
    unexpectedInLake,
    rollupSurplus: inputs.rollups.surplus,
    rollupDifferences: inputs.rollups.differences.length,
    onFailureRecords,
    byReason,
    byKind,
    examples,
  };
};
