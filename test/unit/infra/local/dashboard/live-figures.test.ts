import { describe, expect, it } from 'vitest';
import { liveFigures, liveText } from '../../../../../infra/local/dashboard/live-figures.ts';
import { MetricStore } from '../../../../../infra/local/metrics/metric-store.ts';
import { OPS_RESOURCES } from '../../../support/ops-resources.ts';

const RESOURCES = OPS_RESOURCES;
// 08:00:02.5 — deliberately not on a 5-second boundary.
const NOW = Date.UTC(2026, 10, 22, 8, 0, 2, 500);

describe('liveFigures', () => {
  it('gives the rate of the last five whole seconds, however they fall on 5-second boundaries, and counts each bad record once', () => {
    // Prepare
    const store = new MetricStore({ clock: () => NOW });
    for (let second = -10; second < 2; second++) {
      store.put(
        { namespace: 'AWS/Kinesis', name: 'IncomingRecords', dimensions: { StreamName: 'events' } },
        1000,
        NOW - 2500 + second * 1000 + 2000,
      );
      store.put(
        { namespace: 'Streamlake', name: 'RecordsIn', dimensions: { service: 'streamlake-aggregate' } },
        900,
        NOW - 500 + second * 1000,
      );
    }
    store.put(
      {
        namespace: 'Streamlake',
        name: 'RecordsQuarantined',
        dimensions: { service: 'streamlake-aggregate' },
      },
      3,
      NOW - 60_000,
    );
    store.put(
      { namespace: 'Streamlake', name: 'RecordsQuarantined', dimensions: { service: 'streamlake-archive' } },
      4,
      NOW - 1000,
    );
    store.put(
      { namespace: 'AWS/Lambda', name: 'IteratorAge', dimensions: { FunctionName: 'fan-fn' } },
      2500,
      NOW - 4000,
    );

    // Act
    const live = liveFigures({
      store,
      resources: RESOURCES,
      alerts: { opened: 2, resolved: 1 },
      alarmsFiring: 1,
      nowMs: NOW,
    });

    // Assess
    expect(live).toEqual({
      inPerSecond: 1000,
      outPerSecond: 900,
      iteratorAgeMs: 2500,
      quarantined: 3,
      alertsOpened: 2,
      alertsResolved: 1,
      alarmsFiring: 1,
    });
    expect(liveText(live)).toBe(
      'in 1,000/s · out 900/s · iterator age 2.5s · quarantined 3 · alerts 2 opened/1 resolved · alarms 1',
    );
  });
});
