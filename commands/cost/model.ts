import type { Measured } from './measured.ts';
import type { Prices } from './prices.ts';
import {
  type Batching,
  invocationsPerSecond,
  onDemandShards,
  provisionedShards,
  type StreamLoad,
} from './stream-capacity.ts';
import { capacityUsePerEvent, type ProvisionedCapacity, provisionedCapacity } from './table-capacity.ts';

/** AWS bills a month as 730 hours. */
export const SECONDS_PER_MONTH = 730 * 3600;
const GIB = 2 ** 30;

/** Lambda gives a function one vCPU at 1,769 MB, and CPU in proportion to memory below it. */
export const MB_PER_VCPU = 1769;

/**
 * Bytes Lambda itself writes to a function's log per invocation (START, END and REPORT lines): an assumption from
 * their documented text format, not measured (the local runtime does not write them).
 */
export const PLATFORM_LOG_BYTES = 260;

export type Group = 'core' | 'web' | 'device';

/** One priced item: what it is, which group pays it, and its dollars a month at the rate. */
export interface CostLine {
  readonly service: string;
  readonly item: string;
  readonly group: Group;
  readonly monthlyUsd: number;
  /** Does not grow with the event rate (stream-hours, alarms, dashboards, custom metrics, schedules). */
  readonly fixed?: boolean;
}

/** What the stack declares on AWS that the model needs beside the measured counts (from infra/defaults.ts). */
export interface StackSettings {
  /** Each Kinesis-mapped function's AWS batching, by role. */
  readonly kinesisBatching: Readonly<Record<string, Batching>>;
  /** Functions invoked on a schedule, by role: seconds between invocations. */
  readonly scheduleSeconds: Readonly<Record<string, number>>;
  /** Firehose's buffering: an object at least every `intervalSeconds` or `sizeBytes` of input. */
  readonly rawBuffering: { readonly intervalSeconds: number; readonly sizeBytes: number };
  /** The function whose invocations the lake's S3 requests follow. */
  readonly lakeWriter: string;
  readonly kinesisMode: 'on-demand' | 'provisioned';
  /** The tables' capacity mode (on-demand: per request; provisioned: units an hour, held by auto scaling). */
  readonly dynamoMode: 'on-demand' | 'provisioned';
  /** The utilization auto scaling holds provisioned tables and indexes at (0–1). */
  readonly dynamoTargetUtilization: number;
}

export interface CostModel {
  readonly rate: number;
  readonly eventsPerMonth: number;
  readonly webEventsPerMonth: number;
  readonly deviceEventsPerMonth: number;
  /** Shards for the load: what a provisioned stream is sized to, and what an on-demand one runs with. */
  readonly shards: { readonly provisioned: number; readonly onDemand: number };
  readonly lines: readonly CostLine[];
  /** The Kinesis lines of the mode the stack does not use, for comparison. */
  readonly otherKinesisMode: readonly CostLine[];
  /** Records per second into the stream at the rate (events ÷ the run's events per record). */
  readonly recordsPerSecond: number;
  /** The tables' capacity mode priced in `lines` (the stack's). */
  readonly dynamoMode: StackSettings['dynamoMode'];
  /** Capacity provisioned tables and their indexes would hold at the rate. */
  readonly tableCapacity: readonly ProvisionedCapacity[];
  /** The DynamoDB lines of the capacity mode the stack does not use, for comparison. */
  readonly otherDynamoMode: readonly CostLine[];
}

/** A count of the run per event it carried (a record may hold several: events, not records, are the unit). */
const perEvent = (measured: Measured, count: number) => count / Math.max(1, measured.stream.events);

/** Kinesis's lines in one capacity mode. */
const kinesisLines = (
  measured: Measured,
  prices: Prices,
  mode: 'on-demand' | 'provisioned',
  eventsPerMonth: number,
  shards: number,
): CostLine[] => {
  const service = `Kinesis (${mode})`;
  if (mode === 'provisioned') {
    return [
      {
        service,
        item: 'shard-hours (shards per rate below the table)',
        group: 'core',
        fixed: true,
        monthlyUsd: shards * 730 * prices.kinesisShardHour.usd,
      },
      {
        service,
        item: 'PUT payload units (25 KiB)',
        group: 'core',
        monthlyUsd:
          perEvent(measured, measured.stream.putPayloadUnits) *
          eventsPerMonth *
          prices.kinesisPutPayloadUnit.usd,
      },
    ];
  }
  const gib = (perEvent(measured, measured.stream.kibUnits) * eventsPerMonth * 1024) / GIB;
  return [
    {
      service,
      item: 'stream-hours',
      group: 'core',
      fixed: true,
      monthlyUsd: 730 * prices.kinesisOnDemandStreamHour.usd,
    },
    {
      service,
      item: 'data in (records rounded to 1 KiB)',
      group: 'core',
      monthlyUsd: gib * prices.kinesisOnDemandIngestGb.usd,
    },
    {
      service,
      item: `data out (${measured.streamConsumers} consumers)`,
      group: 'core',
      monthlyUsd: gib * measured.streamConsumers * prices.kinesisOnDemandRetrievalGb.usd,
    },
  ];
};

/** The rate priced: events per second, and the stream's load (records and bytes) they make. */
interface Rate {
  readonly eventsPerSecond: number;
  readonly load: StreamLoad;
}

/**
 * Invocations a month of a function at the rate: from its AWS batching (records and payload per shard) or
 * schedule, else in proportion to events.
 */
const invocationsPerMonth = (
  role: string,
  measured: Measured,
  settings: StackSettings,
  rate: Rate,
  shards: number,
): number => {
  const batching = settings.kinesisBatching[role];
  if (batching) return invocationsPerSecond(rate.load, shards, batching) * SECONDS_PER_MONTH;
  const every = settings.scheduleSeconds[role];
  if (every) return SECONDS_PER_MONTH / every;
  const fn = measured.functions.find((f) => f.role === role);
  return perEvent(measured, fn?.invocations ?? 0) * rate.eventsPerSecond * SECONDS_PER_MONTH;
};

/** Lambda and its CloudWatch Logs, per function. */
const functionLines = (
  measured: Measured,
  prices: Prices,
  settings: StackSettings,
  rate: Rate,
  shards: number,
): CostLine[] =>
  measured.functions.flatMap((fn) => {
    const invocations = invocationsPerMonth(fn.role, measured, settings, rate, shards);
    const scheduled = settings.scheduleSeconds[fn.role] !== undefined;
    // Work follows events for the stream consumers, invocations for a schedule.
    const scale = scheduled
      ? invocations / Math.max(1, fn.invocations)
      : perEvent(measured, 1) * rate.eventsPerSecond * SECONDS_PER_MONTH;
    // Running time stretches as the CPU share shrinks below one vCPU; waiting on services does not.
    const cpuStretch = Math.max(1, MB_PER_VCPU / fn.memoryMb);
    const localMs = fn.busyMs * cpuStretch + Math.max(0, fn.durationMs - fn.busyMs);
    const billedSeconds = (localMs * scale + 0.5 * invocations) / 1000;
    const gbSeconds = (billedSeconds * fn.memoryMb) / 1024;
    const logged = fn.service ? (measured.logs.byService[fn.service]?.bytes ?? 0) : 0;
    const logBytes = (logged / Math.max(1, fn.invocations) + PLATFORM_LOG_BYTES) * invocations;
    const service = `Lambda ${fn.role}`;
    return [
      {
        service,
        item: 'requests',
        group: 'core',
        fixed: scheduled,
        monthlyUsd: invocations * prices.lambdaRequest.usd,
      },
      {
        service,
        item: `${fn.memoryMb} MB arm64 GB-s`,
        group: 'core',
        fixed: scheduled,
        monthlyUsd: gbSeconds * prices.lambdaArmGbSecond.usd,
      },
      {
        service,
        item: 'CloudWatch Logs ingested',
        group: 'core',
        fixed: scheduled,
        monthlyUsd: (logBytes / GIB) * prices.cloudWatchLogsIngestGb.usd,
      },
    ];
  });

/** DynamoDB on-demand: every request unit the run consumed, per event. */
const onDemandTableLines = (measured: Measured, prices: Prices, eventsPerMonth: number): CostLine[] =>
  Object.entries(measured.frontDoor.tables).flatMap(([table, counts]) => [
    {
      service: `DynamoDB ${table}`,
      item: 'write units',
      group: 'core' as const,
      monthlyUsd: perEvent(measured, counts.writeUnits) * eventsPerMonth * prices.dynamoWriteUnit.usd,
    },
    {
      service: `DynamoDB ${table}`,
      item: 'read units',
      group: 'core' as const,
      monthlyUsd: perEvent(measured, counts.readUnits) * eventsPerMonth * prices.dynamoReadUnit.usd,
    },
  ]);

/** DynamoDB provisioned: the units auto scaling holds, every hour of the month, per table with its indexes. */
const provisionedTableLines = (
  capacity: readonly ProvisionedCapacity[],
  prices: Prices,
  target: number,
): CostLine[] => {
  const tables = [...new Set(capacity.map((c) => c.table))];
  return tables.flatMap((table) => {
    const own = capacity.filter((c) => c.table === table);
    const sum = (pick: (c: ProvisionedCapacity) => number) => own.reduce((total, c) => total + pick(c), 0);
    const service = `DynamoDB ${table}`;
    const at = `provisioned at ${Math.round(target * 100)} %${own.length > 1 ? ', table + indexes' : ''}`;
    return [
      {
        service,
        item: `write capacity (${at})`,
        group: 'core' as const,
        monthlyUsd: sum((c) => c.writeUnits) * 730 * prices.dynamoWriteCapacityHour.usd,
      },
      {
        service,
        item: `read capacity (${at})`,
        group: 'core' as const,
        monthlyUsd: sum((c) => c.readUnits) * 730 * prices.dynamoReadCapacityHour.usd,
      },
    ];
  });
};

/** S3 per zone: the lake's requests follow its writer's invocations, raw's Firehose's buffering, the rest events. */
const s3Lines = (
  measured: Measured,
  prices: Prices,
  settings: StackSettings,
  eventsPerMonth: number,
  lakeInvocations: number,
  load: StreamLoad,
): CostLine[] =>
  Object.entries(measured.frontDoor.zones).flatMap(([zone, counts]) => {
    const writer = measured.functions.find((f) => f.role === settings.lakeWriter);
    const { intervalSeconds, sizeBytes } = settings.rawBuffering;
    const objectsPerSecond = Math.max(1 / intervalSeconds, load.bytesPerSecond / sizeBytes);
    const scale = zone.endsWith('/lake/')
      ? lakeInvocations / Math.max(1, writer?.invocations ?? 0)
      : zone.endsWith('/raw/')
        ? (objectsPerSecond * SECONDS_PER_MONTH) / Math.max(1, counts.putClass)
        : eventsPerMonth / Math.max(1, measured.stream.events);
    const group: 'core' | 'device' = zone.includes('/errors/') ? 'device' : 'core';
    const storedGb = (perEvent(measured, counts.bytesIn) * eventsPerMonth) / GIB;
    return [
      {
        service: `S3 ${zone}`,
        item: 'requests',
        group,
        monthlyUsd:
          scale * (counts.putClass * prices.s3PutRequest.usd + counts.getClass * prices.s3GetRequest.usd),
      },
      {
        service: `S3 ${zone}`,
        item: "a month's data, stored a month",
        group,
        monthlyUsd: storedGb * prices.s3StandardGbMonth.usd,
      },
    ];
  });

/**
 * Dollars a month at `rate` events/s for every priced item, from what one local run measured. Counts that follow
 * events (bytes, capacity units, publishes, edge requests) scale with the rate; what Kinesis and Firehose meter per
 * record (units, shards' record limits) follows records, at the run's events per record; invocations follow the
 * stack's batching windows and shards; alarms, dashboards, custom metrics and stream-hours are fixed; provisioned
 * DynamoDB capacity follows the units per second at the rate.
 */
export const costModel = (
  measured: Measured,
  prices: Prices,
  settings: StackSettings,
  rate: number,
): CostModel => {
  if (!(rate > 0))
    throw new RangeError(`the rate must be a positive number of events per second (given ${rate})`);
  const eventsPerMonth = rate * SECONDS_PER_MONTH;
  const { stream } = measured;
  const share = (way: 'web' | 'device') => perEvent(measured, stream.eventsByWay[way]);
  const load: StreamLoad = {
    recordsPerSecond: rate * perEvent(measured, stream.records),
    bytesPerSecond: rate * perEvent(measured, stream.bytes),
    consumers: measured.streamConsumers,
  };
  const priced: Rate = { eventsPerSecond: rate, load };
  const shards = { provisioned: provisionedShards(load), onDemand: onDemandShards(load) };
  const awsShards = settings.kinesisMode === 'on-demand' ? shards.onDemand : shards.provisioned;
  const other = settings.kinesisMode === 'on-demand' ? 'provisioned' : 'on-demand';
  const webEventsPerMonth = eventsPerMonth * share('web');
  const deviceEventsPerMonth = eventsPerMonth * share('device');
  const lakeInvocations = invocationsPerMonth(settings.lakeWriter, measured, settings, priced, awsShards);
  const firehoseGib = (perEvent(measured, stream.firehoseUnits) * eventsPerMonth * 5 * 1024) / GIB;
  // Web events from the stream: the collector's answer no longer counts them (one record per request, D36).
  const apiPerWebEvent = measured.api.requests / Math.max(1, stream.eventsByWay.web);
  const accessLogPerRequest = measured.api.accessLogBytes / Math.max(1, measured.api.requests);
  const iotPerDeviceEvent = (count: number) => count / Math.max(1, stream.eventsByWay.device);
  const { template } = measured;
  const tableCapacity = provisionedCapacity(
    capacityUsePerEvent(measured.frontDoor.tables, stream.events, template.tables),
    rate,
    settings.dynamoTargetUtilization,
  );
  const dynamoLines = {
    'on-demand': () => onDemandTableLines(measured, prices, eventsPerMonth),
    provisioned: () => provisionedTableLines(tableCapacity, prices, settings.dynamoTargetUtilization),
  };
  const otherDynamo = settings.dynamoMode === 'on-demand' ? 'provisioned' : 'on-demand';
  const lines: CostLine[] = [
    ...kinesisLines(measured, prices, settings.kinesisMode, eventsPerMonth, awsShards),
    ...functionLines(measured, prices, settings, priced, awsShards),
    ...dynamoLines[settings.dynamoMode](),
    ...s3Lines(measured, prices, settings, eventsPerMonth, lakeInvocations, load),
    {
      service: 'Firehose',
      item: 'ingested (records rounded to 5 KiB)',
      group: 'core',
      monthlyUsd: firehoseGib * prices.firehoseIngestGb.usd,
    },
    {
      service: 'SNS',
      item: 'publishes (64 KB)',
      group: 'core',
      monthlyUsd: perEvent(measured, measured.frontDoor.snsUnits) * eventsPerMonth * prices.snsPublish.usd,
    },
    {
      service: 'CloudWatch',
      item: `${measured.logs.customMetrics.length + template.metricFilters} custom metrics`,
      group: 'core',
      fixed: true,
      monthlyUsd:
        (measured.logs.customMetrics.length + template.metricFilters) * prices.cloudWatchMetricMonth.usd,
    },
    {
      service: 'CloudWatch',
      item: `${template.alarmMetrics} alarm metrics`,
      group: 'core',
      fixed: true,
      monthlyUsd: template.alarmMetrics * prices.cloudWatchAlarmMonth.usd,
    },
    {
      service: 'CloudWatch',
      item: `${template.dashboards} dashboards`,
      group: 'core',
      fixed: true,
      monthlyUsd: template.dashboards * prices.cloudWatchDashboardMonth.usd,
    },
    {
      service: 'API Gateway',
      item: 'REST requests',
      group: 'web',
      monthlyUsd: webEventsPerMonth * apiPerWebEvent * prices.apiGatewayRestRequest.usd,
    },
    {
      service: 'API Gateway',
      item: 'access log ingested',
      group: 'web',
      monthlyUsd:
        ((webEventsPerMonth * apiPerWebEvent * accessLogPerRequest) / GIB) *
        prices.cloudWatchLogsIngestGb.usd,
    },
    {
      service: 'IoT Core',
      item: 'messages (5 KB)',
      group: 'device',
      monthlyUsd: deviceEventsPerMonth * iotPerDeviceEvent(measured.iot.messages) * prices.iotMessage.usd,
    },
    {
      service: 'IoT Core',
      item: 'rules triggered',
      group: 'device',
      monthlyUsd:
        deviceEventsPerMonth * iotPerDeviceEvent(measured.iot.rulesTriggered) * prices.iotRuleTriggered.usd,
    },
    {
      service: 'IoT Core',
      item: 'actions executed',
      group: 'device',
      monthlyUsd:
        deviceEventsPerMonth * iotPerDeviceEvent(measured.iot.actions) * prices.iotActionExecuted.usd,
    },
  ];
  const otherShards = other === 'on-demand' ? shards.onDemand : shards.provisioned;
  return {
    rate,
    eventsPerMonth,
    webEventsPerMonth,
    deviceEventsPerMonth,
    shards,
    lines,
    otherKinesisMode: kinesisLines(measured, prices, other, eventsPerMonth, otherShards),
    recordsPerSecond: load.recordsPerSecond,
    dynamoMode: settings.dynamoMode,
    tableCapacity,
    otherDynamoMode: dynamoLines[otherDynamo](),
  };
};
