import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPS_THRESHOLDS,
  deviceAlarms,
  devicesRow,
  type MetricSpec,
  metricsOf,
  type OpsResources,
  opsAlarms,
  opsDashboard,
  type SearchSpec,
  seriesOf,
  validateThresholds,
} from '../../../dashboards/index.ts';

const DEVICES = { ruleName: 'Streamlake_device_telemetry' };
const LAKE = 'lake-bucket';

const resources = (devices?: typeof DEVICES): OpsResources => ({
  streamName: 'events',
  consumers: [
    {
      key: 'aggregate',
      title: 'aggregate',
      functionName: 'agg',
      mappingUuid: '00000000-0000-4000-8000-000000000001',
      service: 'streamlake-aggregate',
      source: 'kinesis',
    },
    {
      key: 'archive',
      title: 'archive',
      functionName: 'arc',
      mappingUuid: '00000000-0000-4000-8000-000000000002',
      service: 'streamlake-archive',
      source: 'kinesis',
    },
    {
      key: 'fanout',
      title: 'fan-out',
      functionName: 'fan',
      mappingUuid: '00000000-0000-4000-8000-000000000003',
      service: 'streamlake-fanout',
      source: 'dynamodb-stream',
    },
  ],
  scheduled: [],
  tables: [],
  lakeBucketName: LAKE,
  alertsTopicName: 'alerts',
  ...(devices ? { devices } : {}),
});

/** Every metric a row draws, as `namespace name {dimensions}`. */
const metricNamesOf = (row: ReturnType<typeof devicesRow>) =>
  row.widgets
    .flatMap(seriesOf)
    .flatMap((series): readonly (MetricSpec | SearchSpec)[] =>
      series.kind === 'search' ? [series] : metricsOf(series),
    )
    .map((m) => `${m.namespace} ${m.name} ${JSON.stringify(m.dimensions)}`);

describe('the Devices row', () => {
  it('charts connections, messages in, the Kinesis action and the rule errors, by the names IoT Core gives them', () => {
    // Act
    const row = devicesRow(DEVICES, LAKE);

    // Assess
    expect(row.widgets.map((w) => w.width)).toEqual([6, 6, 6, 6]);
    expect(metricNamesOf(row)).toEqual([
      'AWS/IoT Connect.Success {"Protocol":"MQTT"}',
      'AWS/IoT Connect.AuthError {"Protocol":"MQTT"}',
      'AWS/IoT PublishIn.Success {"Protocol":"MQTT"}',
      'AWS/IoT PublishIn.AuthError {"Protocol":"MQTT"}',
      'AWS/IoT TopicMatch {"RuleName":"Streamlake_device_telemetry"}',
      'AWS/IoT Success {"ActionType":"Kinesis","RuleName":"Streamlake_device_telemetry"}',
      'AWS/IoT Failure {"ActionType":"Kinesis","RuleName":"Streamlake_device_telemetry"}',
      'AWS/IoT Failure {"RuleName":"Streamlake_device_telemetry"}',
      `AWS/S3 PutRequests {"BucketName":"${LAKE}","FilterId":"DeviceRuleErrors"}`,
      'AWS/IoT ErrorActionFailure {"ActionType":"S3","RuleName":"Streamlake_device_telemetry"}',
      'AWS/IoT ParseError {"RuleName":"Streamlake_device_telemetry"}',
    ]);
  });

  it('draws the failures of every action of the rule, one line per action type', () => {
    // Act
    const search = devicesRow(DEVICES, LAKE)
      .widgets.flatMap(seriesOf)
      .find((s) => s.kind === 'search');

    // Assess
    expect(search).toMatchObject({
      name: 'Failure',
      groupBy: 'ActionType',
      dimensions: { RuleName: DEVICES.ruleName },
    });
  });

  it('comes after the overview on the ops dashboard of a stack with devices, and only then', () => {
    // Act
    const titles = opsDashboard(resources(DEVICES)).rows.map((r) => r.title);
    const without = opsDashboard(resources()).rows.map((r) => r.title);

    // Assess
    expect(titles[1]).toBe('Devices: IoT Core topic rule Streamlake_device_telemetry');
    expect(without.some((t) => t.startsWith('Devices'))).toBe(false);
  });
});

describe('the device alarm', () => {
  it('goes off on the first message the rule could not put, keep or parse in a minute', () => {
    // Act
    const [alarm] = deviceAlarms(DEVICES, LAKE, DEFAULT_OPS_THRESHOLDS);

    // Assess
    expect(alarm).toMatchObject({
      id: 'DeviceRuleErrors',
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
    });
    expect(alarm && metricsOf(alarm.series).map((m) => m.name)).toEqual([
      'Failure',
      'ErrorActionFailure',
      'ParseError',
    ]);
    expect(alarm?.description).toContain(`s3://${LAKE}/errors/iot/`);
  });

  it('is among the ops alarms of a stack with devices, and only then', () => {
    // Act
    const ids = opsAlarms(resources(DEVICES), DEFAULT_OPS_THRESHOLDS).map((a) => a.id);
    const without = opsAlarms(resources(), DEFAULT_OPS_THRESHOLDS).map((a) => a.id);

    // Assess
    expect(ids).toContain('DeviceRuleErrors');
    expect(without).not.toContain('DeviceRuleErrors');
  });

  it('keeps its description within the 1024 characters CloudWatch allows, with a 128-character rule name', () => {
    // Act
    const [alarm] = deviceAlarms({ ruleName: 'r'.repeat(128) }, 'b'.repeat(63), DEFAULT_OPS_THRESHOLDS);

    // Assess
    expect(alarm?.description.length).toBeLessThanOrEqual(1024);
  });

  it('refuses a negative threshold, naming it', () => {
    expect(() => validateThresholds({ ...DEFAULT_OPS_THRESHOLDS, deviceRuleErrorsPerMinute: -1 })).toThrow(
      'ops threshold deviceRuleErrorsPerMinute must be a number of at least 0 (given -1)',
    );
  });
});
