import { describe, expect, it } from 'vitest';
import { summarize } from '../../commands/cost/cost-summary.ts';
import { countingRun } from '../../commands/cost/counting-run.ts';
import { costModel, SECONDS_PER_MONTH } from '../../commands/cost/model.ts';
import { PRICES } from '../../commands/cost/prices.ts';
import { AWS_STACK_SETTINGS } from '../../commands/cost/stack-settings.ts';
import { DEFAULT_BATCH } from '../../tracker/src/options.ts';

describe('npm run cost: a short counting run of the real local pipeline', () => {
  it('counts every service the model prices, and the model adds up', async () => {
    // Prepare / Act: web through the collector at the tracker's batching, devices over MQTT, every consumer.
    const measured = await countingRun({ rate: 300, durationSeconds: 8, devices: 20 });
    // Assess: the stream holds what the edges put, each record sized, each event of a batch record counted.
    const { stream } = measured;
    expect(stream.eventsByWay.web).toBeGreaterThan(0);
    expect(stream.eventsByWay.device).toBeGreaterThan(0);
    expect(stream.events).toBeGreaterThanOrEqual(stream.records);
    expect(stream.events).toBe(
      stream.eventsByWay.web + stream.eventsByWay.device + stream.eventsByWay.direct,
    );
    expect(stream.records).toBe(
      stream.recordsByWay.web + stream.recordsByWay.device + stream.recordsByWay.direct,
    );
    expect(stream.kibUnits).toBeGreaterThanOrEqual(stream.records);
    expect(stream.firehoseUnits).toBeGreaterThanOrEqual(stream.records);
    expect(measured.streamConsumers).toBe(3);
    // The edges: the collector at the tracker's default batching (a request holds at most that many events).
    expect(measured.webEventsPerRequest).toBe(DEFAULT_BATCH.maxEvents);
    expect(measured.api.requests).toBeGreaterThanOrEqual(
      Math.ceil(stream.eventsByWay.web / DEFAULT_BATCH.maxEvents),
    );
    expect(measured.api.accessLogBytes).toBeGreaterThan(0);
    // Each MQTT message the rule forwards is one record, whatever it holds.
    expect(measured.iot.messages).toBe(stream.recordsByWay.device);
    expect(measured.iot.rulesTriggered).toBeGreaterThan(0);
    expect(measured.iot.actions).toBeGreaterThan(0);
    // Lambda: every stream consumer ran, and its running time is part of its duration.
    for (const role of ['aggregate', 'archive', 'fanout']) {
      const fn = measured.functions.find((f) => f.role === role);
      expect(fn?.invocations, role).toBeGreaterThan(0);
      expect(fn?.busyMs, role).toBeGreaterThan(0);
      expect(fn?.busyMs, role).toBeLessThanOrEqual(fn?.durationMs ?? 0);
    }
    // DynamoDB: every table the pipeline writes, from DynamoDB's own ConsumedCapacity.
    for (const table of [
      'RollupsTable',
      'DuplicatesTable',
      'DerivedDerivedRollupsTable',
      'DerivedDeviceStateTable',
      'DerivedAlertStateTable',
    ]) {
      expect(measured.frontDoor.tables[table]?.writeUnits, table).toBeGreaterThan(0);
    }
    // The template's tables and indexes, each of which provisioned capacity would be set on.
    expect(measured.template.tables).toMatchObject({
      DerivedDerivedRollupsTable: ['TopByCount'],
      DerivedDeviceStateTable: ['BySilence'],
    });
    expect(
      measured.frontDoor.tables.DerivedDerivedRollupsTable?.indexes?.TopByCount?.writeUnits,
    ).toBeGreaterThan(0);
    // S3: the lake and the raw zone got objects.
    expect(measured.frontDoor.zones['LakeBucket/lake/']?.putClass).toBeGreaterThan(0);
    expect(measured.frontDoor.zones['RawZoneBucket/raw/']?.putClass).toBeGreaterThan(0);
    // CloudWatch: custom metrics from the EMF lines, log lines, the template's alarms and dashboard.
    expect(measured.logs.customMetrics.length).toBeGreaterThan(0);
    expect(measured.logs.byService['streamlake-aggregate']?.bytes).toBeGreaterThan(0);
    expect(measured.template.alarmMetrics).toBeGreaterThan(0);
    expect(measured.template.dashboards).toBe(1);

    // The model's arithmetic: lines add up to the groups, and per million is monthly over the month's events.
    const model = costModel(measured, PRICES, AWS_STACK_SETTINGS, 1000);
    const summary = summarize(model);
    const total = model.lines.reduce((sum, line) => sum + line.monthlyUsd, 0);
    expect(summary.monthly.core + summary.monthly.web + summary.monthly.device).toBeCloseTo(total, 6);
    expect(model.eventsPerMonth).toBe(1000 * SECONDS_PER_MONTH);
    expect(summary.perMillion.core).toBeCloseTo(summary.monthly.core / (model.eventsPerMonth / 1e6), 9);
    expect(model.lines.every((line) => Number.isFinite(line.monthlyUsd) && line.monthlyUsd >= 0)).toBe(true);
    expect(summary.perMillion.core).toBeGreaterThan(0);
    expect(summary.perMillion.web).toBeGreaterThan(0);
    expect(summary.perMillion.device).toBeGreaterThan(0);
    // DynamoDB's other capacity mode: every declared table and index at least one unit of each.
    expect(model.tableCapacity.length).toBeGreaterThanOrEqual(7);
    expect(model.tableCapacity.every((c) => c.writeUnits >= 1 && c.readUnits >= 1)).toBe(true);
    expect(model.otherDynamoMode.length).toBeGreaterThan(0);
  });
});
