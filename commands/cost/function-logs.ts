import { readFileSync } from 'node:fs';
import { parseEmf } from '../../infra/local/metrics/emf.ts';
import type { MetricId } from '../../infra/local/metrics/metric-store.ts';
import { FUNCTIONS_LOG_ROTATION, logFiles } from '../../infra/local/rotating-log.ts';

/** What the functions wrote to CloudWatch Logs, and the custom metrics their EMF lines define. */
export interface LogFigures {
  /** Bytes (each line with its newline) and lines per `service` the line names; `(other)` for lines naming none. */
  readonly byService: Readonly<Record<string, { readonly lines: number; readonly bytes: number }>>;
  /** Each distinct namespace + metric name + dimension values: what CloudWatch bills as one custom metric. */
  readonly customMetrics: readonly string[];
}

/** One custom metric as CloudWatch tells them apart. */
export const metricKey = (id: MetricId): string =>
  `${id.namespace}/${id.name}{${Object.entries(id.dimensions)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join(',')}}`;

/** The `service` a JSON log line names (Powertools puts it on every line, EMF lines carry it as a dimension). */
export const serviceOf = (line: string): string => {
  const match = /"service":"([^"]+)"/.exec(line);
  return match?.[1] ?? '(other)';
};

/** Tallies log lines (pure). */
export const logFiguresOf = (lines: Iterable<string>): LogFigures => {
  const byService: Record<string, { lines: number; bytes: number }> = {};
  const metrics = new Set<string>();
  for (const line of lines) {
    if (line === '') continue;
    const service = serviceOf(line);
    const tally = byService[service] ?? { lines: 0, bytes: 0 };
    tally.lines++;
    tally.bytes += Buffer.byteLength(line) + 1;
    byService[service] = tally;
    if (line.includes('"_aws"')) for (const { id } of parseEmf(line)) metrics.add(metricKey(id));
  }
  return { byService, customMetrics: [...metrics].sort() };
};

/**
 * Reads the functions' log (`<state>/logs/functions.log` and its rotated files). Throws when the oldest file
 * the rotation keeps exists: lines may have been dropped, and the figures would be short.
 */
export const functionLogFigures = (functionsLog: string): LogFigures => {
  const files = logFiles(functionsLog, FUNCTIONS_LOG_ROTATION);
  if (files.length > FUNCTIONS_LOG_ROTATION.olderFiles) {
    throw new Error(
      `${functionsLog} has rotated ${FUNCTIONS_LOG_ROTATION.olderFiles} times, so its oldest lines may be gone: run the cost run shorter (--duration)`,
    );
  }
  return logFiguresOf(files.flatMap((file) => readFileSync(file, 'utf8').split('\n')));
};
