import type { CollectorFiguresSnapshot } from '../../infra/local/collector-figures.ts';

const n = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });
const ms = (value: number | undefined) => (value === undefined ? '-' : `${n(value)} ms`);

/** Events refused by reason, `throttled 40, invalid 2`; empty when none were. */
const refusedText = (figures: CollectorFiguresSnapshot): string =>
  Object.entries(figures.eventsRefused)
    .map(([reason, count]) => `${reason} ${n(count ?? 0)}`)
    .join(', ');

/** The collector's part of the live line: `edge 120 req, 2,400 ev, p99 9 ms`. */
export const edgeLiveText = (figures: CollectorFiguresSnapshot | undefined): string => {
  if (!figures || figures.requests === 0) return '';
  const refused = refusedText(figures);
  return `edge ${n(figures.requests)} req, ${n(figures.eventsAccepted)} ev${refused ? `, refused ${refused}` : ''}, p99 ${ms(figures.latencyP99Ms)}`;
};

/** The summary's line for the web collector. */
export const edgeSummaryLine = (figures: CollectorFiguresSnapshot | undefined): string | undefined => {
  if (!figures) return undefined;
  const statuses = Object.entries(figures.byStatus)
    .map(([status, count]) => `${status}: ${n(count)}`)
    .join(', ');
  const refused = refusedText(figures);
  return (
    `  web collector           ${n(figures.requests)} requests${statuses ? ` (${statuses})` : ''}, ` +
    `${n(figures.eventsAccepted)} events accepted, refused ${refused || '0'}` +
    `${refused ? ' (a refused event the client resent counts again when accepted)' : ''}; ` +
    `latency p50 ${ms(figures.latencyP50Ms)}, p99 ${ms(figures.latencyP99Ms)}`
  );
};
