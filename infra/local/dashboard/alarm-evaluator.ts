import type { AlarmSpec } from '../../../dashboards/index.ts';
import type { MetricStore } from '../metrics/metric-store.ts';
import { evaluateSeries, windowEndingAt } from './evaluate-series.ts';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmStatus {
  readonly spec: AlarmSpec;
  readonly state: AlarmState;
  readonly reason: string;
  readonly sinceMs: number;
}

export interface AlarmTransition {
  readonly spec: AlarmSpec;
  readonly from: AlarmState;
  readonly to: AlarmState;
  readonly reason: string;
  readonly atMs: number;
}

const breaches = (spec: AlarmSpec, value: number) =>
  spec.comparison === 'GreaterThanThreshold' ? value > spec.threshold : value < spec.threshold;

/**
 * The state CloudWatch would give an alarm from its last `evaluationPeriods` complete periods:
 * ALARM when at least `datapointsToAlarm` of them breach, missing datapoints treated as the alarm
 * says (breaching, not breaching, ignored, or left missing), INSUFFICIENT_DATA when nothing is known.
 * Periods that ended before `notBeforeMs` (when the local cloud started) are not evaluated: an alarm
 * created then has no history, so "no records for 15 minutes" needs 15 minutes of running first.
 */
export const evaluateAlarm = (
  store: MetricStore,
  spec: AlarmSpec,
  nowMs: number,
  current: AlarmState,
  notBeforeMs = Number.NEGATIVE_INFINITY,
): { state: AlarmState; reason: string } => {
  const periodMs = spec.periodSeconds * 1000;
  // The period containing `now` is still filling: CloudWatch waits for it to complete.
  const window = windowEndingAt(nowMs - periodMs, periodMs, spec.evaluationPeriods);
  const series = evaluateSeries(store, spec.series, window)[0]?.values ?? [];
  const values = series.filter((_, i) => window.fromMs + (i + 1) * periodMs > notBeforeMs);
  if (values.length === 0) return { state: current, reason: 'no complete period since the start yet' };
  const present = values.filter((v): v is number => v !== null);
  const missing = values.length - present.length;
  const breaching = present.filter((v) => breaches(spec, v)).length;
  const shown = present.map((v) => Number(v.toFixed(2))).join(', ');
  const comparison = spec.comparison === 'GreaterThanThreshold' ? 'greater than' : 'less than';
  if (present.length === 0) {
    if (spec.treatMissingData === 'breaching')
      return missing >= spec.datapointsToAlarm
        ? { state: 'ALARM', reason: `no datapoints in ${missing} periods (treated as breaching)` }
        : {
            state: current === 'ALARM' ? 'OK' : current,
            reason: `no datapoints in ${missing} periods so far`,
          };
    if (spec.treatMissingData === 'notBreaching')
      return { state: 'OK', reason: 'no datapoints (treated as not breaching)' };
    if (spec.treatMissingData === 'ignore') return { state: current, reason: 'no datapoints (state kept)' };
    return { state: 'INSUFFICIENT_DATA', reason: `no datapoints in the last ${values.length} periods` };
  }
  const counted = breaching + (spec.treatMissingData === 'breaching' ? missing : 0);
  const reason = `${counted} of ${values.length} datapoints ${comparison} ${spec.threshold} [${shown}]`;
  return { state: counted >= spec.datapointsToAlarm ? 'ALARM' : 'OK', reason };
};

/** Keeps every alarm's state, re-evaluated on demand; reports each change of state. */
export class AlarmEvaluator {
  private readonly statuses = new Map<string, AlarmStatus>();

  constructor(
    private readonly store: MetricStore,
    readonly specs: readonly AlarmSpec[],
    private readonly onTransition: (transition: AlarmTransition) => void = () => undefined,
    private readonly startedMs = Date.now(),
  ) {
    for (const spec of specs) {
      this.statuses.set(spec.id, {
        spec,
        state: 'INSUFFICIENT_DATA',
        reason: 'not evaluated yet',
        sinceMs: startedMs,
      });
    }
  }

  evaluate(nowMs = Date.now()): AlarmStatus[] {
    for (const spec of this.specs) {
      const previous = this.statuses.get(spec.id);
      const from = previous?.state ?? 'INSUFFICIENT_DATA';
      const { state, reason } = evaluateAlarm(this.store, spec, nowMs, from, this.startedMs);
      if (state !== from) {
        this.statuses.set(spec.id, { spec, state, reason, sinceMs: nowMs });
        this.onTransition({ spec, from, to: state, reason, atMs: nowMs });
      } else {
        this.statuses.set(spec.id, { spec, state, reason, sinceMs: previous?.sinceMs ?? nowMs });
      }
    }
    return this.current();
  }

  current(): AlarmStatus[] {
    return this.specs.map((spec) => this.statuses.get(spec.id) as AlarmStatus);
  }
}
