import { describe, expect, it } from 'vitest';
import { summarize } from '../../../../commands/cost/cost-summary.ts';
import {
  type CostLine,
  costModel,
  MB_PER_VCPU,
  PLATFORM_LOG_BYTES,
  SECONDS_PER_MONTH,
} from '../../../../commands/cost/model.ts';
import { PRICES } from '../../../../commands/cost/prices.ts';
import { AWS_STACK_SETTINGS } from '../../../../commands/cost/stack-settings.ts';
import { DEFAULTS } from '../../../../infra/defaults.ts';
import { measuredRun } from './measured-factory.ts';

const line = (lines: readonly CostLine[], service: string, item: string) => {
  const found = lines.find((l) => l.service === service && l.item.startsWith(item));
  if (!found)
    throw new Error(
      `no line ${service}: ${item} in ${lines.map((l) => `${l.service}: ${l.item}`).join(' | ')}`,
    );
  return found.monthlyUsd;
};

/** The stack with an on-demand stream (`streamlake:streamOnDemand`): shard-hours then do not follow the rate. */
const ON_DEMAND = { ...AWS_STACK_SETTINGS, kinesisMode: 'on-demand' as const };

describe('the cost model', () => {
  const measured = measuredRun();

  it('prices what follows events in proportion to the rate, and fixed items the same at every rate', () => {
    const at1k = costModel(measured, PRICES, ON_DEMAND, 1000);
    const at2k = costModel(measured, PRICES, ON_DEMAND, 2000);
    for (const [service, item] of [
      ['DynamoDB RollupsTable', 'write units'],
      ['Firehose', 'ingested'],
      ['API Gateway', 'REST requests'],
      ['IoT Core', 'messages'],
    ] as const) {
      expect(line(at2k.lines, service, item)).toBeCloseTo(2 * line(at1k.lines, service, item));
    }
    for (const fixed of at1k.lines.filter((l) => l.fixed)) {
      expect(at2k.lines.find((l) => l.service === fixed.service && l.item === fixed.item)?.monthlyUsd).toBe(
        fixed.monthlyUsd,
      );
    }
  });

  it('bills Firehose 5 KiB per record however small: $0.029/GB × 5 KiB × events', () => {
    const model = costModel(measured, PRICES, AWS_STACK_SETTINGS, 1000);
    const expected = ((1000 * SECONDS_PER_MONTH * 5 * 1024) / 2 ** 30) * 0.029;
    expect(line(model.lines, 'Firehose', 'ingested')).toBeCloseTo(expected);
  });

  it('prices web requests at the measured events per request, per web event', () => {
    const model = costModel(measured, PRICES, AWS_STACK_SETTINGS, 1000);
    const { perMillion } = summarize(model);
    // 350 requests for 7,000 web events: 20 a request, $3.50 per million requests.
    expect(line(model.lines, 'API Gateway', 'REST requests') / (model.webEventsPerMonth / 1e6)).toBeCloseTo(
      0.175,
    );
    expect(perMillion.web).toBeGreaterThan(0.175);
  });

  it("stretches running time below one vCPU but not waiting time, and adds Lambda's own log lines", () => {
    const model = costModel(measured, PRICES, ON_DEMAND, 1000);
    const events = 1000 * SECONDS_PER_MONTH;
    // aggregate: 1,000 ms running (× 1769/512) + 1,000 ms waiting per 10,000 events.
    const localMsPerEvent = (1000 * (MB_PER_VCPU / 512) + 1000) / 10_000;
    // 4 on-demand shards, a batch per shard every batching window.
    const invocations = (4 / DEFAULTS.aggregateEventSource.maxBatchingWindow.toSeconds()) * SECONDS_PER_MONTH;
    const gbSeconds = (((localMsPerEvent * events + 0.5 * invocations) / 1000) * 512) / 1024;
    expect(line(model.lines, 'Lambda aggregate', '512 MB')).toBeCloseTo(
      gbSeconds * PRICES.lambdaArmGbSecond.usd,
    );
    const logBytes = (4000 / 4 + PLATFORM_LOG_BYTES) * invocations;
    expect(line(model.lines, 'Lambda aggregate', 'CloudWatch Logs')).toBeCloseTo((logBytes / 2 ** 30) * 0.5);
  });

  it('prices a scheduled function by its schedule, not by events', () => {
    const at100 = costModel(measured, PRICES, AWS_STACK_SETTINGS, 100);
    const at10k = costModel(measured, PRICES, AWS_STACK_SETTINGS, 10_000);
    expect(line(at100.lines, 'Lambda silentDeviceCheck', 'requests')).toBeCloseTo(
      (SECONDS_PER_MONTH / 60) * 0.2e-6,
    );
    expect(line(at10k.lines, 'Lambda silentDeviceCheck', '512 MB')).toBe(
      line(at100.lines, 'Lambda silentDeviceCheck', '512 MB'),
    );
  });

  it('prices the stack default, provisioned shards sized to the rate, and shows on-demand beside it', () => {
    const model = costModel(measured, PRICES, AWS_STACK_SETTINGS, 1000);
    expect(line(model.lines, 'Kinesis (provisioned)', 'shard-hours')).toBeCloseTo(2 * 730 * 0.015);
    expect(model.otherKinesisMode.every((l) => l.service === 'Kinesis (on-demand)')).toBe(true);
  });

  it('shows the other Kinesis capacity mode beside the one the stack uses', () => {
    const model = costModel(measured, PRICES, ON_DEMAND, 1000);
    expect(model.lines.some((l) => l.service === 'Kinesis (on-demand)')).toBe(true);
    expect(model.otherKinesisMode.map((l) => l.service)).toEqual([
      'Kinesis (provisioned)',
      'Kinesis (provisioned)',
    ]);
    expect(model.shards).toEqual({ provisioned: 2, onDemand: 4 });
    expect(line(model.otherKinesisMode, 'Kinesis (provisioned)', 'shard-hours')).toBeCloseTo(2 * 730 * 0.015);
  });

  it('sums the groups so that the totals are the lines', () => {
    const model = costModel(measured, PRICES, AWS_STACK_SETTINGS, 1000);
    const summary = summarize(model);
    const all = model.lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
    expect(summary.monthly.core + summary.monthly.web + summary.monthly.device).toBeCloseTo(all);
    expect(summary.allInWeb).toBeCloseTo(summary.perMillion.core + summary.perMillion.web);
    expect(summary.largest).toHaveLength(3);
  });

  it('refuses a rate that is not positive, naming it', () => {
    expect(() => costModel(measured, PRICES, AWS_STACK_SETTINGS, 0)).toThrow(
      'the rate must be a positive number of events per second (given 0)',
    );
  });
});

describe('the cost model with records holding several events (D36)', () => {
  // The same 10,000 events as measuredRun, in 100 records of 100 events (≈ 39 KiB each): 2 PUT payload units,
  // 8 Firehose units and 40 KiB units a record.
  const batched = measuredRun({
    stream: {
      records: 100,
      events: 10_000,
      bytes: 4_000_000,
      kibUnits: 100 * 40,
      putPayloadUnits: 100 * 2,
      firehoseUnits: 100 * 8,
      recordsByWay: { web: 70, device: 30, direct: 0 },
      eventsByWay: { web: 7_000, device: 3_000, direct: 0 },
      bytesByWay: { web: 2_800_000, device: 1_200_000, direct: 0 },
    },
    // The collector's answer no longer counts events: the model takes web events from the stream.
    api: { requests: 70, events: 0, accessLogBytes: 7_000 },
    iot: { messages: 30, rulesTriggered: 30, actions: 30 },
  });

  it('prices Kinesis and Firehose units per record, so per event they fall with events per record', () => {
    const single = costModel(measuredRun(), PRICES, AWS_STACK_SETTINGS, 1000);
    const model = costModel(batched, PRICES, AWS_STACK_SETTINGS, 1000);
    const events = 1000 * SECONDS_PER_MONTH;
    expect(line(model.lines, 'Firehose', 'ingested')).toBeCloseTo(
      ((0.08 * events * 5 * 1024) / 2 ** 30) * 0.029,
    );
    expect(line(model.lines, 'Firehose', 'ingested')).toBeCloseTo(
      line(single.lines, 'Firehose', 'ingested') * 0.08,
    );
    expect(line(model.lines, 'Kinesis (provisioned)', 'PUT payload units')).toBeCloseTo(
      0.02 * events * PRICES.kinesisPutPayloadUnit.usd,
    );
    expect(line(model.otherKinesisMode, 'Kinesis (on-demand)', 'data in')).toBeCloseTo(
      ((0.4 * events * 1024) / 2 ** 30) * 0.08,
    );
  });

  it('sizes shards from records and bytes at the rate: the record limit stops binding', () => {
    const at10k = costModel(batched, PRICES, AWS_STACK_SETTINGS, 10_000);
    // 100 records/s, 4 MB/s in, 12 MB/s read by 3 consumers at 70 % of 2 MiB: 9 shards (single-event: 15).
    expect(at10k.recordsPerSecond).toBeCloseTo(100);
    expect(at10k.shards.provisioned).toBe(Math.ceil((4_000_000 * 3) / (2_097_152 * 0.7)));
    expect(costModel(measuredRun(), PRICES, AWS_STACK_SETTINGS, 10_000).shards.provisioned).toBe(15);
  });

  it("prices the edges per event from the stream's events: requests and messages carry many", () => {
    const model = costModel(batched, PRICES, AWS_STACK_SETTINGS, 1000);
    // 70 requests for 7,000 web events; 30 messages for 3,000 device events.
    expect(line(model.lines, 'API Gateway', 'REST requests') / (model.webEventsPerMonth / 1e6)).toBeCloseTo(
      0.035,
    );
    expect(line(model.lines, 'IoT Core', 'messages') / (model.deviceEventsPerMonth / 1e6)).toBeCloseTo(0.01);
  });

  it('counts invocations from records at the rate, and work (GB-s) from events', () => {
    const single = costModel(measuredRun(), PRICES, AWS_STACK_SETTINGS, 1000);
    const model = costModel(batched, PRICES, AWS_STACK_SETTINGS, 1000);
    expect(line(model.lines, 'Lambda aggregate', 'requests')).toBeLessThanOrEqual(
      line(single.lines, 'Lambda aggregate', 'requests'),
    );
    // The shards differ (1 against 2), so requests and their ½ ms differ; the measured work per event does not.
    expect(line(model.lines, 'Lambda aggregate', '512 MB')).toBeCloseTo(
      line(single.lines, 'Lambda aggregate', '512 MB'),
      0,
    );
  });
});

describe('DynamoDB capacity modes', () => {
  const measured = measuredRun({
    frontDoor: {
      ...measuredRun().frontDoor,
      tables: {
        RollupsTable: { requests: 200, writeUnits: 200, readUnits: 10, conditionFailures: 0 },
        DerivedRollupsTable: {
          requests: 300,
          writeUnits: 500,
          readUnits: 0,
          conditionFailures: 0,
          indexes: { TopByCount: { writeUnits: 200, readUnits: 0 } },
        },
      },
    },
    template: {
      alarmMetrics: 10,
      dashboards: 1,
      metricFilters: 1,
      tables: { RollupsTable: [], DerivedRollupsTable: ['TopByCount'], AlertStateTable: [] },
    },
  });

  it("prices the stack's on-demand tables and shows provisioned capacity beside them, sized at 70 %", () => {
    const model = costModel(measured, PRICES, AWS_STACK_SETTINGS, 1000);
    expect(model.dynamoMode).toBe('on-demand');
    expect(line(model.lines, 'DynamoDB RollupsTable', 'write units')).toBeCloseTo(
      0.02 * 1000 * SECONDS_PER_MONTH * 0.625e-6,
    );
    // Per event: rollups 0.02 WRU, derived 0.03 own + 0.02 TopByCount. At 1,000/s: 20, 30 and 20 WRU a second.
    expect(model.tableCapacity).toEqual([
      { table: 'RollupsTable', writeUnits: 29, readUnits: 2 },
      { table: 'DerivedRollupsTable', writeUnits: 43, readUnits: 1 },
      { table: 'DerivedRollupsTable', index: 'TopByCount', writeUnits: 29, readUnits: 1 },
      { table: 'AlertStateTable', writeUnits: 1, readUnits: 1 },
    ]);
    const wcuMonth = 730 * 0.00065;
    const rcuMonth = 730 * 0.00013;
    expect(line(model.otherDynamoMode, 'DynamoDB DerivedRollupsTable', 'write capacity')).toBeCloseTo(
      (43 + 29) * wcuMonth,
    );
    expect(line(model.otherDynamoMode, 'DynamoDB DerivedRollupsTable', 'read capacity')).toBeCloseTo(
      2 * rcuMonth,
    );
    expect(line(model.otherDynamoMode, 'DynamoDB AlertStateTable', 'write capacity')).toBeCloseTo(wcuMonth);
  });

  it('finds provisioned cheaper for steady load above a few units a second, on-demand cheaper near idle', () => {
    const dynamo = (lines: readonly CostLine[]) =>
      lines.filter((l) => l.service.startsWith('DynamoDB ')).reduce((sum, l) => sum + l.monthlyUsd, 0);
    const at = (rate: number) => {
      const model = costModel(measured, PRICES, AWS_STACK_SETTINGS, rate);
      return { onDemand: dynamo(model.lines), provisioned: dynamo(model.otherDynamoMode) };
    };
    // A unit a second all month: 2.628 M writes on demand ($1.64) against 1 ÷ 0.7 WCU provisioned ($0.68).
    expect(at(1000).provisioned).toBeLessThan(at(1000).onDemand);
    expect(at(10_000).provisioned).toBeLessThan(at(10_000).onDemand);
    expect(at(0.1).provisioned).toBeGreaterThan(at(0.1).onDemand);
  });

  it('prices provisioned tables in the lines when the stack provisions them, and on-demand beside', () => {
    const settings = { ...AWS_STACK_SETTINGS, dynamoMode: 'provisioned' as const };
    const model = costModel(measured, PRICES, settings, 1000);
    expect(model.lines.some((l) => l.item.startsWith('write capacity'))).toBe(true);
    expect(model.otherDynamoMode.map((l) => l.item)).toContain('write units');
    const summary = summarize(model);
    expect(summary.monthly.core + summary.monthly.web + summary.monthly.device).toBeCloseTo(
      model.lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
    );
  });
});
