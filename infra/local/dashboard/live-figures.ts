import {
  kinesisMetrics,
  lambdaMetrics,
  type MetricSpec,
  type OpsResources,
  pipelineMetric,
} from '../../../dashboards/index.ts';
import type { MetricStore } from '../metrics/metric-store.ts';

/** The figures of the terminal's live line, from the same metrics as the dashboard. */
export interface LiveFigures {
  readonly inPerSecond: number;
  readonly outPerSecond: number;
  readonly iteratorAgeMs: number;
  readonly quarantined: number;
  readonly alertsOpened: number;
  readonly alertsResolved: number;
  readonly alarmsFiring: number;
}

/**
 * Events per second into the stream and read by the aggregator over the last complete 5 seconds,
 * the highest iterator age of any consumer over the last 15, and the aggregator's totals since the start.
 */
export const liveFigures = (input: {
  readonly store: MetricStore;
  readonly resources: OpsResources;
  readonly alerts: { readonly opened: number; readonly resolved: number };
  readonly alarmsFiring: number;
  readonly nowMs: number;
}): LiveFigures => {
  const { store, resources } = input;
  const to = Math.floor(input.nowMs / 1000) * 1000;
  // One-second periods: a 5-second period would be aligned to multiples of 5 s and straddle two.
  const sum = (metric: MetricSpec) =>
    store.series(metric, 'Sum', 1000, to - 5000, to).values.reduce<number>((s, v) => s + (v ?? 0), 0);
  const aggregate = resources.consumers.find((c) => c.key === 'aggregate');
  const ages = resources.consumers.map((c) => {
    const metric = lambdaMetrics(c.functionName, c.title).iteratorAge;
    const values = store.series(metric, 'Maximum', 1000, to - 15_000, to).values;
    return values.reduce<number>((max, v) => Math.max(max, v ?? 0), 0);
  });
  return {
    inPerSecond: sum(kinesisMetrics(resources.streamName).incomingRecords) / 5,
    outPerSecond: aggregate ? sum(pipelineMetric(aggregate.service, 'RecordsIn', '')) / 5 : 0,
    iteratorAgeMs: Math.max(0, ...ages),
    // Each Kinesis consumer quarantines the same bad record; the aggregator's count is the number of bad records.
    quarantined: aggregate ? store.total(pipelineMetric(aggregate.service, 'RecordsQuarantined', '')) : 0,
    alertsOpened: input.alerts.opened,
    alertsResolved: input.alerts.resolved,
    alarmsFiring: input.alarmsFiring,
  };
};

const n = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** `in 1,000/s · out 998/s · iterator age 1.2s · quarantined 3 · alerts 2 opened/1 resolved · alarms 0` */
export const liveText = (live: LiveFigures): string =>
  [
    `in ${n(live.inPerSecond)}/s`,
    `out ${n(live.outPerSecond)}/s`,
    `iterator age ${(live.iteratorAgeMs / 1000).toFixed(1)}s`,
    `quarantined ${n(live.quarantined)}`,
    `alerts ${n(live.alertsOpened)} opened/${n(live.alertsResolved)} resolved`,
    `alarms ${live.alarmsFiring}`,
  ].join(' · ');
