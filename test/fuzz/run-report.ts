import { FUZZ_KINDS, KIND_NAMES } from './kinds.ts';
import type { FuzzLedger } from './ledger.ts';
import { n } from './run-console.ts';
import type { Verdict } from './verdict.ts';

const reasonsText = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => `${reason} ${n(count)}`)
    .join(' · ');

/** The report on stdout: a row a kind, the valid events, then the totals and the closing line. */
export const printReport = (verdict: Verdict, consumers: readonly string[], ledger: FuzzLedger) => {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`${'kind'.padEnd(16)} ${'put'.padStart(6)}  ${'allowed'.padEnd(46)} quarantined as`);
  for (const kind of KIND_NAMES) {
    const tally = verdict.byKind[kind];
    const got = consumers.map((c) => `${c}: ${reasonsText(tally.reasons[c] ?? {}) || '-'}`).join('; ');
    const flags = [
      tally.notQuarantined ? `NOT QUARANTINED ${n(tally.notQuarantined)}` : '',
      tally.misclassified ? `WRONG REASON ${n(tally.misclassified)}` : '',
    ].filter(Boolean);
    out(
      `${kind.padEnd(16)} ${n(tally.put).padStart(6)}  ${FUZZ_KINDS[kind].allowed.join('|').padEnd(46)} ${got}${flags.length ? `  ← ${flags.join(', ')}` : ''}`,
    );
  }
  out(
    `${'valid'.padEnd(16)} ${n(ledger.valid.size).padStart(6)}  ${'accepted'.padEnd(46)} in the lake ${n(ledger.valid.size - verdict.lostParts.validMissingFromLake)}`,
  );
  out();
  out(
    `valid events: ${n(ledger.valid.size)} put · missing from the lake ${n(verdict.lostParts.validMissingFromLake)} · ` +
      `in it more than once ${n(verdict.duplicatedInLake)} · quarantined ${n(verdict.validQuarantined)} · ` +
      `rollup differences ${n(verdict.rollupDifferences)} (counted too few ${n(verdict.lostParts.validMissingFromRollupsOnly)} beyond the lake's, too many ${n(verdict.rollupSurplus)})`,
  );
  out(
    `malformed records: ${n(ledger.malformed.size)} put · not quarantined by every consumer ${n(verdict.lostParts.malformedNotQuarantined)} · ` +
      `quarantined for a reason their kind does not allow ${n(verdict.misclassified)} · marked lake rows of no valid event ${n(verdict.unexpectedInLake)}`,
  );
  out(
    `given up on during the run: ${n(verdict.onFailureRecords)} records in on-failure objects · unsent by the producer ${n(ledger.unsent.length)}`,
  );
  if (verdict.examples.length > 0) {
    out('for example:');
    for (const example of verdict.examples) out(`  ${example}`);
  }
  out(`quarantined by reason: ${reasonsText(verdict.byReason) || 'none'}`);
  out(`lost ${n(verdict.lost)} · stalled shards ${n(verdict.stalledShards)} · crashed ${n(verdict.crashed)}`);
};
