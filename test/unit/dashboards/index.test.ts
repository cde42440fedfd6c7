import { describe, expect, it } from 'vitest';
import {
  type AlarmSpec,
  DEFAULT_OPS_THRESHOLDS,
  type MetricSpec,
  mathExpressionOf,
  type OpsResources,
  type OpsThresholds,
  opsAlarms,
  opsDashboard,
  pipelineMetric,
  quarantinedByReason,
  searchExpressionOf,
  seriesOf,
  validateThresholds,
  widgetsOf,
} from '../../../dashboards/index.ts';

/** Names as long as AWS allows: stream 128, function 64, table 255, bucket 63, topic 256 characters. */
const named = (prefix: string, length: number) => prefix.padEnd(length, 'x');

const resources = (lengths = { stream: 0, fn: 0, table: 0, bucket: 0, topic: 0 }): OpsResources => ({
  streamName: named('events', lengths.stream),
  consumers: [
    {
      key: 'aggregate',
      title: 'aggregate',
      functionName: named('agg', lengths.fn),
      mappingUuid: '00000000-0000-4000-8000-000000000001',
      service: 'streamlake-aggregate',
      source: 'kinesis',
    },
    {
      key: 'archive',
      title: 'archive',
      functionName: named('arc', lengths.fn),
      mappingUuid: '00000000-0000-4000-8000-000000000002',
      service: 'streamlake-archive',
      source: 'kinesis',
    },
    {
      key: 'fanout',
      title: 'fan-out',
      functionName: named('fan', lengths.fn),
      mappingUuid: '00000000-0000-4000-8000-000000000003',
      service: 'streamlake-fanout',
      source: 'dynamodb-stream',
      logGroupName: `/aws/lambda/${named('fan', lengths.fn)}`,
    },
  ],
  scheduled: [
    {
      title: 'silent-device check',
      functionName: named('silent', lengths.fn),
      logGroupName: `/aws/lambda/${named('silent', lengths.fn)}`,
    },
  ],
  tables: ['rollups', 'derived rollups', 'device state', 'alert state'].map((title) => ({
    title,
    tableName: named(title.replace(' ', '-'), lengths.table),
  })),
  lakeBucketName: named('lake', lengths.bucket),
  alertsTopicName: named('alerts', lengths.topic),
});

const RESOURCES = resources();
const errors = pipelineMetric('streamlake-aggregate', 'Errors', 'errors');
const invocations = pipelineMetric('streamlake-aggregate', 'Invocations', 'invocations');

const alarmsWhere = (alarms: AlarmSpec[], suffix: string) => alarms.filter((a) => a.id.endsWith(suffix));

describe('opsDashboard', () => {
  it('draws at least one series in every widget but the alarm states and the recent alerts', () => {
    for (const widget of widgetsOf(opsDashboard(RESOURCES))) {
      if (widget.kind === 'alarms' || widget.kind === 'alerts') expect(seriesOf(widget)).toEqual([]);
      else expect(seriesOf(widget).length, widget.title).toBeGreaterThan(0);
    }
  });

  it('fits every row in the 24-column grid, one widget at a time', () => {
    for (const widget of widgetsOf(opsDashboard(RESOURCES))) {
      expect(widget.width, widget.title).toBeGreaterThan(0);
      expect(widget.width, widget.title).toBeLessThanOrEqual(24);
    }
  });

  it('lists recent alerts from the log groups of the fan-out and the silent-device check', () => {
    const alerts = widgetsOf(opsDashboard(RESOURCES)).filter((w) => w.kind === 'alerts');

    expect(alerts).toEqual([
      expect.objectContaining({ logGroupNames: ['/aws/lambda/fan', '/aws/lambda/silent'] }),
    ]);
  });
});

describe('opsDashboard for provisioned tables', () => {
  const chart = 'Write units per second: consumed against provisioned';
  const charted = (tables: OpsResources['tables']) =>
    widgetsOf(opsDashboard({ ...RESOURCES, tables })).filter((w) => w.title === chart);

  it('charts write units consumed per second against provisioned, for each provisioned table and index', () => {
    const [widget, ...more] = charted([
      { title: 'device state', tableName: 'devices', indexes: ['BySilence'], provisioned: true },
    ]);
    expect(more).toEqual([]);
    expect(
      widget &&
        seriesOf(widget).map((series) =>
          series.kind === 'perSecond'
            ? `${series.of.name}/s`
            : series.kind === 'metric'
              ? series.name
              : series.kind,
        ),
    ).toEqual([
      'ConsumedWriteCapacityUnits/s',
      'ProvisionedWriteCapacityUnits',
      'ConsumedWriteCapacityUnits/s',
      'ProvisionedWriteCapacityUnits',
    ]);
  });

  it('has no such chart when every table is on demand', () => {
    expect(charted([{ title: 'device state', tableName: 'devices', indexes: ['BySilence'] }])).toEqual([]);
  });
});

describe('series expressions', () => {
  it('searches the quarantine reasons of one service, one line per reason', () => {
    expect(searchExpressionOf(quarantinedByReason('streamlake-aggregate', 'aggregate'), 60)).toBe(
      `SEARCH('{Streamlake,reason,service} service="streamlake-aggregate" MetricName="QuarantinedByReason"', 'Sum', 60)`,
    );
  });

  it('turns a counter into a rate per second of the period', () => {
    expect(mathExpressionOf({ kind: 'perSecond', of: errors, label: 'errors/s' }, ['m0_0'])).toBe(
      'm0_0 / PERIOD(m0_0)',
    );
  });

  it('makes a percentage that is 0 while the whole is 0', () => {
    expect(
      mathExpressionOf({ kind: 'percent', part: errors, whole: invocations, label: 'error rate' }, [
        'm0_0',
        'm0_1',
      ]),
    ).toBe('IF(m0_1 > 0, 100 * m0_0 / m0_1, 0)');
  });

  it('adds metrics up, a missing one counting as 0', () => {
    const of: MetricSpec[] = [errors, invocations, errors];

    expect(mathExpressionOf({ kind: 'total', of, label: 'total' }, ['a', 'b', 'c'])).toBe(
      'FILL(a, 0) + FILL(b, 0) + FILL(c, 0)',
    );
  });
});

describe('opsAlarms', () => {
  const alarms = opsAlarms(RESOURCES, DEFAULT_OPS_THRESHOLDS);

  it('watches the iterator age of each consumer, its threshold in milliseconds', () => {
    expect(
      alarmsWhere(alarms, 'IteratorAge').map((a) => [
        a.id,
        a.threshold,
        a.evaluationPeriods,
        a.datapointsToAlarm,
      ]),
    ).toEqual([
      ['AggregateIteratorAge', 60_000, 3, 3],
      ['ArchiveIteratorAge', 300_000, 3, 3],
      ['FanoutIteratorAge', 60_000, 3, 3],
    ]);
  });

  it('watches the error rate of every function, scheduled ones too', () => {
    expect(alarmsWhere(alarms, 'ErrorRate').map((a) => [a.id, a.threshold, a.series.kind])).toEqual([
      ['AggregateErrorRate', 1, 'percent'],
      ['ArchiveErrorRate', 1, 'percent'],
      ['FanoutErrorRate', 1, 'percent'],
      ['SilentDeviceCheckErrorRate', 1, 'percent'],
    ]);
  });

  it('goes off on the first on-failure record', () => {
    expect(alarmsWhere(alarms, 'OnFailureRecords')).toEqual([
      expect.objectContaining({ threshold: 0, comparison: 'GreaterThanThreshold', evaluationPeriods: 1 }),
    ]);
  });

  it('watches the quarantine rate of the Kinesis consumers only', () => {
    expect(alarmsWhere(alarms, 'QuarantineRate').map((a) => [a.id, a.threshold])).toEqual([
      ['AggregateQuarantineRate', 5],
      ['ArchiveQuarantineRate', 5],
    ]);
  });

  it('watches read and write throttles of every table', () => {
    const throttles = alarmsWhere(alarms, 'Throttles');

    expect(throttles.map((a) => a.id)).toEqual([
      'RollupsThrottles',
      'DerivedRollupsThrottles',
      'DeviceStateThrottles',
      'AlertStateThrottles',
    ]);
    for (const alarm of throttles) {
      expect(alarm.series.kind === 'total' && alarm.series.of.map((m) => m.name)).toEqual([
        'WriteThrottleEvents',
        'ReadThrottleEvents',
      ]);
    }
  });

  it("counts a table's index throttles with its own, and says what to do when the table is provisioned", () => {
    const withIndexes: OpsResources = {
      ...RESOURCES,
      tables: [
        { title: 'derived rollups', tableName: 'derived', indexes: ['TopByCount'], provisioned: true },
        { title: 'alert state', tableName: 'alerts' },
      ],
    };
    const [derived, alerts] = alarmsWhere(opsAlarms(withIndexes, DEFAULT_OPS_THRESHOLDS), 'Throttles');
    expect(derived?.series.kind === 'total' && derived.series.of.map((m) => [m.name, m.dimensions])).toEqual([
      ['WriteThrottleEvents', { TableName: 'derived' }],
      ['ReadThrottleEvents', { TableName: 'derived' }],
      ['WriteThrottleEvents', { TableName: 'derived', GlobalSecondaryIndexName: 'TopByCount' }],
      ['ReadThrottleEvents', { TableName: 'derived', GlobalSecondaryIndexName: 'TopByCount' }],
    ]);
    expect(derived?.description).toContain('or its indexes');
    expect(derived?.description).toContain('raise streamlake:tableMaxUnits');
    expect(alerts?.description).toContain('On-demand tables throttle');
  });

  it('counts minutes without incoming records as breaching: silence is what it looks for', () => {
    expect(alarmsWhere(alarms, 'NoIncomingRecords')).toEqual([
      expect.objectContaining({
        comparison: 'LessThanThreshold',
        threshold: 1,
        evaluationPeriods: 15,
        datapointsToAlarm: 15,
        treatMissingData: 'breaching',
      }),
    ]);
  });

  it('gives every alarm its own id', () => {
    expect(new Set(alarms.map((a) => a.id)).size).toBe(alarms.length);
  });

  it('keeps every description within the 1024 characters CloudWatch allows, even with the longest names', () => {
    const longest = resources({ stream: 128, fn: 64, table: 255, bucket: 63, topic: 256 });

    for (const alarm of opsAlarms(longest, DEFAULT_OPS_THRESHOLDS)) {
      expect(alarm.description.length, alarm.id).toBeLessThanOrEqual(1024);
    }
  });
});

describe('validateThresholds', () => {
  const withThreshold = (change: Partial<OpsThresholds>): OpsThresholds => ({
    ...DEFAULT_OPS_THRESHOLDS,
    ...change,
  });

  it('accepts the defaults', () => {
    expect(validateThresholds(DEFAULT_OPS_THRESHOLDS)).toEqual(DEFAULT_OPS_THRESHOLDS);
  });

  it.each([
    [
      { errorRatePercent: -1 },
      'ops threshold errorRatePercent must be a percentage from 0 to 100 (given -1)',
    ],
    [
      { quarantineRatePercent: Number.POSITIVE_INFINITY },
      'ops threshold quarantineRatePercent must be a percentage from 0 to 100 (given Infinity)',
    ],
    [
      { iteratorAgePeriods: 0 },
      'ops threshold iteratorAgePeriods must be a whole number of one-minute periods from 1 to 1440 (a day) (given 0)',
    ],
    [
      { noIncomingRecordsMinutes: 1.5 },
      'ops threshold noIncomingRecordsMinutes must be a whole number of one-minute periods from 1 to 1440 (a day) (given 1.5)',
    ],
    [
      { iteratorAgeSeconds: { aggregate: 60, archive: -5, fanout: 60 } },
      'ops threshold iteratorAgeSeconds.archive must be a number of at least 0 (given -5)',
    ],
  ])('rejects %o, naming the value', (change, message) => {
    expect(() => validateThresholds(withThreshold(change))).toThrow(message);
  });
});
