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
    const invocations = (4 / 5) * SECONDS_PER_MONTH; // 4 on-demand shards, a 5 s window
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
    expect(line(model.lines, 'Kinesis (provisioned)', '2 shards')).toBeCloseTo(2 * 730 * 0.015);
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
    expect(line(model.otherKinesisMode, 'Kinesis (provisioned)', '2 shards')).toBeCloseTo(2 * 730 * 0.015);
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
