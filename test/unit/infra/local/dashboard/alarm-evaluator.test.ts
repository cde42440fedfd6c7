import { describe, expect, it } from 'vitest';
import { type AlarmSpec, DEFAULT_OPS_THRESHOLDS, opsAlarms } from '../../../../../dashboards/index.ts';
import { AlarmEvaluator, evaluateAlarm } from '../../../../../infra/local/dashboard/alarm-evaluator.ts';
import {
  alarmNotification,
  worthNotifying,
} from '../../../../../infra/local/dashboard/alarm-notification.ts';
import { MetricStore } from '../../../../../infra/local/metrics/metric-store.ts';
import { OPS_RESOURCES } from '../../../support/ops-resources.ts';

const RESOURCES = OPS_RESOURCES;
const ALARMS = opsAlarms(RESOURCES, DEFAULT_OPS_THRESHOLDS);
const alarm = (id: string): AlarmSpec => {
  const found = ALARMS.find((a) => a.id === id);
  if (!found) throw new Error(`no alarm ${id} among ${ALARMS.map((a) => a.id).join(', ')}`);
  return found;
};
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const lambda = (name: string, fn = 'agg-fn') => ({
  namespace: 'AWS/Lambda',
  name,
  dimensions: { FunctionName: fn },
});
const pipeline = (name: string, service = 'streamlake-aggregate') => ({
  namespace: 'Streamlake',
  name,
  dimensions: { service },
});

describe('evaluateAlarm', () => {
  it('goes to ALARM when the iterator age stays above the threshold for every evaluation period', () => {
    // Prepare
    const store = new MetricStore({ retentionMs: 60 * MINUTE, clock: () => T0 + 10 * MINUTE });
    for (let minute = 0; minute < 3; minute++)
      store.put(lambda('IteratorAge'), 90_000, T0 + minute * MINUTE + 1000);

    // Act
    const result = evaluateAlarm(store, alarm('AggregateIteratorAge'), T0 + 3 * MINUTE + 5000, 'OK');

    // Assess
    expect(result.state).toBe('ALARM');
    expect(result.reason).toContain('3 of 3');
  });

  it('stays OK while one of the periods is below the threshold', () => {
    // Prepare
    const store = new MetricStore({ retentionMs: 60 * MINUTE, clock: () => T0 + 10 * MINUTE });
    store.put(lambda('IteratorAge'), 90_000, T0 + 1000);
    store.put(lambda('IteratorAge'), 10_000, T0 + MINUTE + 1000);
    store.put(lambda('IteratorAge'), 90_000, T0 + 2 * MINUTE + 1000);

    // Act
    const result = evaluateAlarm(store, alarm('AggregateIteratorAge'), T0 + 3 * MINUTE + 5000, 'OK');

    // Assess
    expect(result.state).toBe('OK');
  });

  it('ignores the period still filling, as CloudWatch does', () => {
    // Prepare
    const store = new MetricStore({ retentionMs: 60 * MINUTE, clock: () => T0 + 10 * MINUTE });
    store.put(
      {
        namespace: 'AWS/S3',
        name: 'PutRequests',
        dimensions: { BucketName: 'lake-bucket', FilterId: 'OnFailureRecords' },
      },
      1,
      T0 + 10_000,
    );

    // Act
    const during = evaluateAlarm(store, alarm('OnFailureRecords'), T0 + 30_000, 'OK');
    const after = evaluateAlarm(store, alarm('OnFailureRecords'), T0 + MINUTE + 1000, 'OK');

    // Assess
    expect(during.state).toBe('OK');
    expect(after.state).toBe('ALARM');
  });

  it('computes the quarantine rate from quarantined and read events (not records: a batch record holds many), 3 of 5 periods', () => {
    // Prepare
    const store = new MetricStore({ retentionMs: 60 * MINUTE, clock: () => T0 + 10 * MINUTE });
    for (let minute = 0; minute < 5; minute++) {
      store.put(pipeline('RecordsIn'), 10, T0 + minute * MINUTE + 1000);
      store.put(pipeline('EventsIn'), 1000, T0 + minute * MINUTE + 1000);
      store.put(pipeline('RecordsQuarantined'), minute < 3 ? 100 : 0, T0 + minute * MINUTE + 1000);
    }

    // Act
    const result = evaluateAlarm(store, alarm('AggregateQuarantineRate'), T0 + 5 * MINUTE + 1000, 'OK');

    // Assess
    expect(result.state).toBe('ALARM');
    expect(result.reason).toContain('[10, 10, 10, 0, 0]');
  });

  it('treats an idle function as a 0% error rate rather than a division by zero', () => {
    // Prepare
    const store = new MetricStore({ retentionMs: 60 * MINUTE, clock: () => T0 + 10 * MINUTE });
    for (let minute = 0; minute < 5; minute++) {
      store.put(lambda('Invocations'), 0, T0 + minute * MINUTE + 1000);
      store.put(lambda('Errors'), 0, T0 + minute * MINUTE + 1000);
    }

    // Act
    const result = evaluateAlarm(store, alarm('AggregateErrorRate'), T0 + 5 * MINUTE + 1000, 'OK');

    // Assess
    expect(result.state).toBe('OK');
    expect(result.reason).toContain('[0, 0, 0, 0, 0]');
  });

  it('counts missing incoming records as breaching, so a silent stream raises the alarm', () => {
    // Prepare
    const store = new MetricStore({ retentionMs: 60 * MINUTE, clock: () => T0 + 10 * MINUTE });
    const spec = alarm('NoIncomingRecords');

    // Act
    const result = evaluateAlarm(store, spec, T0 + (spec.evaluationPeriods + 1) * MINUTE, 'OK');

    // Assess
    expect(result.state).toBe('ALARM');
  });

  it('does not count the minutes before the local cloud started as a silent stream', () => {
    // Prepare
    const store = new MetricStore({ retentionMs: 60 * MINUTE, clock: () => T0 + 10 * MINUTE });
    const spec = alarm('NoIncomingRecords');
    const started = T0;

    // Act
    const early = evaluateAlarm(store, spec, T0 + 3 * MINUTE, 'INSUFFICIENT_DATA', started);
    const late = evaluateAlarm(
      store,
      spec,
      T0 + (spec.evaluationPeriods + 1) * MINUTE,
      'INSUFFICIENT_DATA',
      started,
    );

    // Assess
    expect(early.state).toBe('INSUFFICIENT_DATA');
    expect(late.state).toBe('ALARM');
  });

  it('reports INSUFFICIENT_DATA for an alarm that leaves missing data missing and has none', () => {
    // Prepare
    const store = new MetricStore({ clock: () => T0 });
    const spec: AlarmSpec = { ...alarm('OnFailureRecords'), treatMissingData: 'missing' };

    // Act
    const result = evaluateAlarm(store, spec, T0, 'OK');

    // Assess
    expect(result.state).toBe('INSUFFICIENT_DATA');
  });
});

describe('AlarmEvaluator', () => {
  it('reports each change of state once, with where it came from', () => {
    // Prepare
    const store = new MetricStore({ retentionMs: 60 * MINUTE, clock: () => T0 + 10 * MINUTE });
    const spec = alarm('OnFailureRecords');
    const transitions: string[] = [];
    const evaluator = new AlarmEvaluator(store, [spec], (t) => transitions.push(`${t.from}->${t.to}`), T0);
    store.put(
      {
        namespace: 'AWS/S3',
        name: 'PutRequests',
        dimensions: { BucketName: 'lake-bucket', FilterId: 'OnFailureRecords' },
      },
      2,
      T0 + MINUTE + 1000,
    );

    // Act
    evaluator.evaluate(T0 + MINUTE);
    evaluator.evaluate(T0 + 2 * MINUTE + 1000);
    evaluator.evaluate(T0 + 2 * MINUTE + 6000);
    evaluator.evaluate(T0 + 3 * MINUTE + 1000);

    // Assess
    expect(transitions).toEqual(['INSUFFICIENT_DATA->OK', 'OK->ALARM', 'ALARM->OK']);
    expect(evaluator.current()[0]?.state).toBe('OK');
  });
});

describe('alarmNotification', () => {
  it("has CloudWatch's alarm message fields, and only changes into or out of ALARM are published", () => {
    // Prepare
    const spec = alarm('OnFailureRecords');
    const transition = {
      spec,
      from: 'OK' as const,
      to: 'ALARM' as const,
      reason: '1 of 1 datapoints',
      atMs: T0,
    };

    // Act
    const notification = alarmNotification(transition, {
      region: 'us-east-1',
      accountId: '000000000000',
      alarmPrefix: 'streamlake',
    });

    // Assess
    const message = JSON.parse(notification.Message);
    expect(message).toMatchObject({
      AlarmName: 'streamlake-OnFailureRecords',
      AlarmDescription: spec.description,
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      Trigger: { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' },
    });
    expect(notification.Subject).toBe('ALARM: "streamlake-OnFailureRecords" in us-east-1');
    expect(worthNotifying(transition)).toBe(true);
    expect(worthNotifying({ ...transition, from: 'INSUFFICIENT_DATA', to: 'OK' })).toBe(false);
  });
});
