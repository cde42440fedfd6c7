import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

interface EmfDocument {
  _aws?: { CloudWatchMetrics?: { Dimensions?: string[][]; Metrics?: { Name: string }[] }[] };
  [key: string]: unknown;
}

/**
 * Collects what functions print: CloudWatch embedded-metric-format lines become counters per
 * service (`streamlake-aggregate` `RecordsIn`, `QuarantinedByReason{reason=too-late}`), and
 * every line goes to the log file.
 */
export class MetricsSink {
  /** `<service>/<metric>{<dimension>=<value>}` → sum. */
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
    const service = String(document.service ?? 'unknown');
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
        const key = `${service}/${metric.Name}${suffix}`;
        this.totals.set(key, (this.totals.get(key) ?? 0) + sum);
      }
    }
  };

  /** A counter of one service, or summed over all services when none is named. */
  get(name: string, service?: string): number {
    let sum = 0;
    for (const [key, value] of this.totals) {
      const slash = key.indexOf('/');
      if (key.slice(slash + 1) === name && (service === undefined || key.slice(0, slash) === service))
        sum += value;
    }
    return sum;
  }

  /** Counters named `name{…}` of one service (or all), by their dimension value. */
  byDimension(name: string, service?: string): Record<string, number> {
    const result: Record<string, number> = {};
    for (const [key, value] of this.totals) {
      const slash = key.indexOf('/');
      const metric = key.slice(slash + 1);
      if (!metric.startsWith(`${name}{`) || (service !== undefined && key.slice(0, slash) !== service))
        continue;
      const dimension = /=([^}]*)\}$/.exec(metric)?.[1];
      if (dimension) result[dimension] = (result[dimension] ?? 0) + value;
    }
    return result;
  }
}
