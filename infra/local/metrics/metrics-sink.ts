import { FUNCTIONS_LOG_ROTATION, type LogRotation, RotatingLog } from '../rotating-log.ts';
import { parseEmf } from './emf.ts';
import type { MetricId, MetricStore } from './metric-store.ts';

const SERVICE = 'service';

/**
 * Collects what functions print, as CloudWatch Logs would: every line goes to the log file (rotated by
 * size, so the newest lines are kept and the file stays bounded, see FUNCTIONS_LOG_ROTATION), and
 * embedded-metric-format lines become metrics in the store (`Streamlake` `RecordsIn{service=…}`,
 * `QuarantinedByReason{service=…,reason=too-late}`).
 */
export class MetricsSink {
  /** Namespaces seen in EMF lines, so counters can be looked up without naming one. */
  private readonly namespaces = new Set<string>();
  private readonly log?: RotatingLog;

  constructor(
    private readonly store: MetricStore,
    logFile?: string,
    rotation: LogRotation = FUNCTIONS_LOG_ROTATION,
  ) {
    if (logFile) this.log = new RotatingLog(logFile, rotation);
  }

  readonly accept = (line: string): void => {
    this.log?.append(line);
    for (const { id, values, timestampMs } of parseEmf(line)) {
      this.namespaces.add(id.namespace);
      this.store.put(id, values, timestampMs);
    }
  };

  /** Every metric named `name`, in any namespace seen, with the given dimensions among its own. */
  private metricsNamed(name: string, service?: string): MetricId[] {
    const fixed: Record<string, string> = service === undefined ? {} : { [SERVICE]: service };
    return [...this.namespaces].flatMap((namespace) => this.store.find(namespace, name, fixed));
  }

  /** A counter (all time) of one service, or summed over all services when none is named. */
  get(name: string, service?: string): number {
    let sum = 0;
    for (const id of this.metricsNamed(name, service)) {
      // Only the per-service series: the ones split by a further dimension would count the same values again.
      if (Object.keys(id.dimensions).every((key) => key === SERVICE)) sum += this.store.total(id);
    }
    return sum;
  }

  /** Counters named `name` that carry a dimension besides `service` (e.g. `reason`), by that dimension's value. */
  byDimension(name: string, service?: string): Record<string, number> {
    const result: Record<string, number> = {};
    for (const id of this.metricsNamed(name, service)) {
      const extra = Object.keys(id.dimensions)
        .filter((key) => key !== SERVICE)
        .sort()
        .map((key) => id.dimensions[key])
        .join(',');
      if (extra) result[extra] = (result[extra] ?? 0) + this.store.total(id);
    }
    return result;
  }
}
