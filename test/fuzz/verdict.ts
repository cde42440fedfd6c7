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

/** What the three judgements share: the examples for the report, and the records found lost so far. */
interface Findings {
  readonly examples: string[];
  readonly lost: Set<string>;
  example(text: string): void;
}

const findings = (): Findings => {
  const examples: string[] = [];
  return {
    examples,
    lost: new Set<string>(),
    example: (text) => {
      if (examples.length < 12) examples.push(text);
    },
  };
};

/** Valid events: in the lake exactly once, counted in the rollups, never quarantined. */
const judgeValid = (inputs: VerdictInputs, found: Findings) => {
  const { ledger, lakeRows } = inputs;
  let validMissingFromLake = 0;
  let duplicatedInLake = 0;
  const lakeMissingByItem = new Map<string, number>();
  for (const [key, event] of ledger.valid) {
    const rows = lakeRows.get(event.eventId) ?? 0;
    if (rows > 1) duplicatedInLake++;
    if (rows > 0) continue;
    validMissingFromLake++;
    found.lost.add(key);
    const item = markedItemOf(event as unknown as { schema: string; eventTime: string });
    lakeMissingByItem.set(item, (lakeMissingByItem.get(item) ?? 0) + 1);
    found.example(`valid ${event.schema} ${event.eventId} (${key}) is not in the lake`);
  }
  let unexpectedInLake = 0;
  for (const eventId of lakeRows.keys()) if (!ledger.validByEventId.has(eventId)) unexpectedInLake++;
  let validMissingFromRollupsOnly = 0;
  for (const [item, deficit] of inputs.rollups.deficitByItem) {
    validMissingFromRollupsOnly += Math.max(0, deficit - (lakeMissingByItem.get(item) ?? 0));
    found.example(`rollup ${item} counts ${deficit} event(s) too few`);
  }
  for (const difference of inputs.rollups.differences.slice(0, 3)) found.example(`rollups: ${difference}`);
  let validQuarantined = 0;
  for (const [key, byConsumer] of ledger.validQuarantined) {
    validQuarantined++;
    found.example(`valid ${key} was quarantined: ${[...byConsumer].map(([c, r]) => `${c} ${r}`).join(', ')}`);
  }
  return {
    validMissingFromLake,
    duplicatedInLake,
    unexpectedInLake,
    validMissingFromRollupsOnly,
    validQuarantined,
  };
};

type MalformedEntry = FuzzLedger['malformed'] extends ReadonlyMap<string, infer E> ? E : never;

/** Tallies the reasons each consumer gave one malformed record; true when some reason is not allowed. */
const tallyReasons = (
  key: string,
  entry: MalformedEntry,
  tally: KindTally,
  consumers: readonly string[],
  found: Findings,
): boolean => {
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
      found.example(
        `${entry.kind} ${key}: ${consumer} quarantined it as ${reason} (allowed: ${allowed.join('|')})`,
      );
    }
  }
  return wrong;
};

type MutableTally = { -readonly [K in keyof KindTally]: KindTally[K] };

/** Malformed records: quarantined by every consumer, for a reason their kind allows. */
const judgeMalformed = (inputs: VerdictInputs, found: Findings) => {
  const { ledger, consumers } = inputs;
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
  ) as Record<FuzzKind, MutableTally>;
  const byReason: Record<string, number> = {};
  let malformedNotQuarantined = 0;
  let misclassified = 0;
  for (const [key, entry] of ledger.malformed) {
    const tally = byKind[entry.kind];
    if (tallyReasons(key, entry, tally, consumers, found)) {
      misclassified++;
      tally.misclassified++;
    }
    const missing = consumers.filter((c) => !entry.reasons.has(c));
    if (missing.length > 0) {
      malformedNotQuarantined++;
      tally.notQuarantined++;
      found.lost.add(key);
      found.example(`${entry.kind} ${key} was not quarantined by ${missing.join(', ')}`);
      continue;
    }
    const reasons = new Set(entry.reasons.values());
    const agreed = (reasons.size === 1 ? [...reasons][0] : undefined) ?? 'split';
    byReason[agreed] = (byReason[agreed] ?? 0) + 1;
  }
  return { byKind: byKind as Record<FuzzKind, KindTally>, byReason, malformedNotQuarantined, misclassified };
};

/** Records given up on: every record inside an on-failure object written during the run. */
const judgeGivenUp = (inputs: VerdictInputs, found: Findings) => {
  let discardedOnly = 0;
  let keyless = 0;
  let onFailureRecords = 0;
  for (const object of inputs.onFailure) {
    onFailureRecords += object.records;
    for (const key of object.recordKeys) {
      if (!found.lost.has(key)) {
        found.lost.add(key);
        discardedOnly++;
      }
    }
    // Records the failure record does not name one by one (no payload) count as they are.
    keyless += Math.max(0, object.records - object.recordKeys.length);
    found.example(`on-failure object ${object.key} holds ${object.records} record(s)`);
  }
  return { discardedOnly: discardedOnly + keyless, keyless, onFailureRecords };
};

export const judge = (inputs: VerdictInputs): Verdict => {
  const found = findings();
  const valid = judgeValid(inputs, found);
  const malformed = judgeMalformed(inputs, found);
  const givenUp = judgeGivenUp(inputs, found);
  return {
    lost: found.lost.size + valid.validMissingFromRollupsOnly + givenUp.keyless,
    stalledShards: inputs.stalledShards.length,
    crashed: inputs.functionErrors + inputs.onFailure.length,
    lostParts: {
      validMissingFromLake: valid.validMissingFromLake,
      validMissingFromRollupsOnly: valid.validMissingFromRollupsOnly,
      malformedNotQuarantined: malformed.malformedNotQuarantined,
      discardedOnly: givenUp.discardedOnly,
    },
    misclassified: malformed.misclassified,
    validQuarantined: valid.validQuarantined,
    duplicatedInLake: valid.duplicatedInLake,
    unexpectedInLake: valid.unexpectedInLake,
    rollupSurplus: inputs.rollups.surplus,
    rollupDifferences: inputs.rollups.differences.length,
    onFailureRecords: givenUp.onFailureRecords,
    byReason: malformed.byReason,
    byKind: malformed.byKind,
    examples: found.examples,
  };
};
