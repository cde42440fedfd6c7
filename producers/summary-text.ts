import type { EdgeFigures } from './edge-figures.ts';
import type { ProducerSummary } from './run-producers.ts';

const count = (n: number) => n.toLocaleString('en-US');
const listing = (counts: Readonly<Record<string, number | undefined>>) =>
  Object.entries(counts)
    .filter(([, n]) => n)
    .map(([name, n]) => `${name} ${count(n ?? 0)}`)
    .join(', ') || 'none';

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

/** What the run saw of the web collector, client-side. */
const edgeLines = (edge: EdgeFigures, seconds: number) => [
  `edge: ${count(edge.requests)} requests (${count(Math.round(edge.requests / Math.max(seconds, 0.001)))}/s), ${count(edge.accepted)} events accepted, ${count(edge.retried)} resent, latency p50 ${ms(edge.latencyP50Ms)} p99 ${ms(edge.latencyP99Ms)}`,
  `edge refusals by reason: ${listing(edge.refusedByReason)}`,
];

/** The human-readable end-of-run report. */
export const formatSummary = (summary: ProducerSummary): string => {
  const seconds = summary.elapsedMs / 1000;
  const lines = [
    `stopped by ${summary.stoppedBy} after ${seconds.toFixed(1)} s`,
    `generated ${count(summary.generated)}, sent ${count(summary.sent)} (${count(Math.round(summary.sent / Math.max(seconds, 0.001)))} events/s), retried ${count(summary.retried)}, unsent ${count(summary.unsentCount)}`,
    `by dataset: ${listing(summary.byDataset)}`,
    `by type: ${listing(summary.byType)}`,
    `poison sent: ${count(summary.poisonSent)} (${listing(summary.poisonByKind)})`,
  ];
  if (summary.edge) lines.push(...edgeLines(summary.edge, seconds));
  if (summary.fatalError) lines.push(`stopped early: ${summary.fatalError}`);
  if (summary.unsentCount > 0) {
    lines.push(`unsent by error: ${listing(summary.unsentByError)}`);
    for (const unsent of summary.unsent.slice(0, 5)) {
      lines.push(
        `  ${unsent.schema ?? unsent.poison} key=${unsent.partitionKey}: ${unsent.errorCode} after ${unsent.attempts} attempt(s): ${unsent.errorMessage}`,
      );
    }
  }
  return lines.join('\n');
};
