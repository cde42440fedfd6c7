import { describe, expect, it } from 'vitest';
import { opsDashboard } from '../../../../../dashboards/index.ts';
import { evaluateSeries, windowEndingAt } from '../../../../../infra/local/dashboard/evaluate-series.ts';
import { dashboardSnapshot } from '../../../../../infra/local/dashboard/snapshot.ts';
import { MetricStore } from '../../../../../infra/local/metrics/metric-store.ts';
import { OPS_RESOURCES } from '../../../support/ops-resources.ts';

const RESOURCES = OPS_RESOURCES;
const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const incoming = { namespace: 'AWS/Kinesis', name: 'IncomingRecords', dimensions: { StreamName: 'events' } };

describe('evaluateSeries', () => {
  it('turns a counter into a per-second rate over the period', () => {
    // Prepare
    const store = new MetricStore({ clock: () => T0 });
    store.put(incoming, [500, 500], T0 + 1000);
    store.put(incoming, 250, T0 + 6000);

    // Act
    const [line] = evaluateSeries(
      store,
      {
        kind: 'perSecond',
        of: { kind: 'metric', ...incoming, statistic: 'Sum', label: 'in', unit: 'Count' },
        label: 'in/s',
      },
      windowEndingAt(T0 + 9000, 5000, 3),
    );

    // Assess
    expect(line?.values).toEqual([null, 200, 50]);
  });

  it('draws one line per reason for a search series', () => {
    // Prepare
    const store = new MetricStore({ clock: () => T0 });
    const byReason = (reason: string) => ({
      namespace: 'Streamlake',
      name: 'QuarantinedByReason',
      dimensions: { service: 'streamlake-aggregate', reason },
    });
    store.put(byReason('invalid'), 3, T0 + 1000);
    store.put(byReason('too-late'), 2, T0 + 1000);

    // Act
    const lines = evaluateSeries(
      store,
      {
        kind: 'search',
        namespace: 'Streamlake',
        name: 'QuarantinedByReason',
        dimensions: { service: 'streamlake-aggregate' },
        groupBy: 'reason',
        statistic: 'Sum',
        label: 'aggregate quarantined',
        unit: 'Count',
      },
      windowEndingAt(T0 + 1000, 5000, 1),
    );

    // Assess
    expect(lines).toEqual([
      { label: 'aggregate quarantined: invalid', values: [3] },
      { label: 'aggregate quarantined: too-late', values: [2] },
    ]);
  });
});

describe('dashboardSnapshot', () => {
  it('evaluates every widget of the shared definition over the local metrics', () => {
    // Prepare
    const store = new MetricStore({ clock: () => T0 });
    store.put(incoming, 1000, T0 + 1000);
    const dashboard = opsDashboard(RESOURCES);

    // Act
    const snapshot = dashboardSnapshot({
      dashboard,
      store,
      alarms: [],
      alerts: [],
      nowMs: T0 + 2000,
      periodSeconds: 5,
      periods: 12,
    });

    // Assess
    expect(snapshot.rows.map((row) => row.title)).toEqual(dashboard.rows.map((row) => row.title));
    expect(snapshot.timestamps).toHaveLength(12);
    const widgets = snapshot.rows.flatMap((row) => row.widgets);
    const numbers = widgets.find((w) => w.kind === 'number');
    expect(numbers?.kind === 'number' && numbers.values[0]).toEqual({
      label: 'incoming records',
      unit: 'Count',
      value: 1000,
    });
    const flow = widgets.find((w) => w.title.startsWith('Events per second'));
    expect(flow?.kind === 'graph' && flow.left.lines[0]?.values.at(-1)).toBe(200);
  });

  it('says why the DynamoDB charts stay empty locally instead of "no data yet"', () => {
    // Prepare
    const store = new MetricStore({ clock: () => T0 });

    // Act
    const snapshot = dashboardSnapshot({
      dashboard: opsDashboard(RESOURCES),
      store,
      alarms: [],
      alerts: [],
      nowMs: T0,
      periodSeconds: 5,
      periods: 12,
    });

    // Assess
    const widgets = snapshot.rows.flatMap((row) => row.widgets);
    const capacity = widgets.find((w) => w.title === 'Consumed write capacity');
    const invocations = widgets.find((w) => w.title === 'Invocations');
    expect(capacity?.kind === 'graph' && capacity.note).toContain(
      'DynamoDB Local publishes no CloudWatch metrics',
    );
    expect(invocations?.kind === 'graph' && invocations.note).toBeUndefined();
  });
});
