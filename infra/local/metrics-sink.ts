import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

interface EmfDocument {
  _aws?: { CloudWatchMetrics?: { Dimensions?: string[][]; Metrics?: { Name: string }[] }[] };
  [key: string]: unknown;
}

/**
 * Collects what functions print: CloudWatch embedded-metric-format lines become counters
 * (`RecordsIn`, `QuarantinedByReason{reason=too-late}`), every line goes to the log file.
 */
export class MetricsSink {
  readonly totals = new Map<string, number>();

  constructor(private readonly logFile?: string) {
    if (logFile) mkdirSync(dirname(logFile), { recursive: true });
  }

  readonly accept = (line: string): void => {
    if (this.logFile) appendFileSync(this.logFile, `${line}\n`);
    if (!line.startsWith('{') || !line.includes('"_aws"')) return;
    let document: EmfDocument;
    try {
      document = JSON.parse(line) as EmfDocument;
    } catch {
      return;
    }
    for (const directive of document._aws?.CloudWatchMetrics ?? []) {
      const dimensions = (directive.Dimensions?.[0] ?? []).filter((d) => d !== 'service');
      const suffix = dimensions.length
        ? `{${dimensions.map((d) => `${d}=${String(document[d])}`).join(',')}}`
        : '';
      for (const metric of directive.Metrics ?? []) {
        const raw = document[metric.Name];
        const values = Array.isArray(raw) ? raw : [raw];
        const sum = values.reduce(
          (total: number, value) => total + (typeof value === 'number' ? value : 0),
          0,
        );
        const key = `${metric.Name}${suffix}`;
        this.totals.set(key, (this.totals.get(key) ?? 0) + sum);
      }
    }
  };

  get(name: string): number {
    return this.totals.get(name) ?? 0;
  }

  /** Counters whose name starts with `prefix{`, by their dimension value. */
  byDimension(prefix: string): Record<string, number> {
    const result: Record<string, number> = {};
    for (const [key, value] of this.totals) {
      const match = key.startsWith(`${prefix}{`) ? /=([^}]*)\}$/.exec(key) : null;
      if (match?.[1]) result[match[1]] = value;
    }
    return result;
  }
}
