import { type CostSummary, deviceBatchFor, summarize } from './cost-summary.ts';
import type { Measured } from './measured.ts';
import type { CostLine, CostModel } from './model.ts';
import type { Prices } from './prices.ts';
import { READ_ON, REGION } from './prices.ts';
import { eventsPerRecord, type StreamFigures, type Way } from './stream-figures.ts';
import type { ProvisionedCapacity } from './table-capacity.ts';

/** The goals at 1,000 events/s (ARCHITECTURE.md): dollars per million events. */
export const GOALS = { core: 0.05, allInWeb: 0.1 } as const;

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const usd = (value: number) =>
  value >= 100 ? `$${n(value)}` : value >= 1 ? `$${n(value, 2)}` : `$${n(value, 4)}`;
const pad = (text: string, width: number) => text.padEnd(width);
const right = (text: string, width: number) => text.padStart(width);

/** Events and records of one way in: `21,061 events in 211 records (99.8 a record)`. */
const wayText = (stream: StreamFigures, way: Way) => {
  const records = stream.recordsByWay[way];
  const each = records > 0 ? ` (${n(eventsPerRecord(stream, way), 1)} a record)` : '';
  return `${n(stream.eventsByWay[way])} events in ${n(records)} records${each}`;
};

/** What the run measured, per 1,000 events (per 1,000 of the edge's own events for the edges). */
export const measuredText = (m: Measured): string => {
  const { stream } = m;
  const per1k = (count: number, of = stream.events) => n((count / Math.max(1, of)) * 1000, 2);
  const bytesPerRecord = n(stream.bytes / Math.max(1, stream.records));
  const tableText = ([table, t]: [string, Measured['frontDoor']['tables'][string]]) => {
    const indexes = Object.entries(t.indexes ?? {}).map(
      ([index, i]) => `; of which ${index} WRU ${per1k(i.writeUnits)}, RRU ${per1k(i.readUnits)}`,
    );
    return `  DynamoDB ${pad(table, 28)} WRU ${per1k(t.writeUnits)}, RRU ${per1k(t.readUnits)}, requests ${per1k(t.requests)}${indexes.join('')}`;
  };
  const lines = [
    `measured: ${n(stream.events)} events in ${n(stream.records)} records, ${n(m.runSeconds, 1)} s (${n(m.runRate)} events/s; asked ${n(m.targetRate)})`,
    `  web ${wayText(stream, 'web')} through the collector (${n(m.api.requests)} requests, ${m.webEventsPerRequest} events/request asked); devices ${wayText(stream, 'device')} over MQTT (${n(m.iot.messages)} messages); direct ${wayText(stream, 'direct')}`,
    'per 1,000 events:',
    `  Kinesis       records ${per1k(stream.records)} (${n(eventsPerRecord(stream), 2)} events a record, ${bytesPerRecord} bytes a record, ${n(stream.bytes / Math.max(1, stream.events))} an event); 1 KiB units ${per1k(stream.kibUnits)}, 25 KiB PUT payload units ${per1k(stream.putPayloadUnits)}; ${m.streamConsumers} consumers read each record`,
    `  Firehose      5 KiB units ${per1k(stream.firehoseUnits)} (per record, ${bytesPerRecord} bytes a record on average; a smaller one is billed as 5,120)`,
    ...m.functions.map(
      (fn) =>
        `  Lambda ${pad(fn.role, 18)} ${fn.memoryMb} MB: invocations ${per1k(fn.invocations)} (${n(fn.invocations)} in the run), local ms ${per1k(fn.durationMs)} of which running ${per1k(fn.busyMs)}`,
    ),
    ...Object.entries(m.frontDoor.tables).map(tableText),
    ...Object.entries(m.frontDoor.zones).map(
      ([zone, z]) =>
        `  S3 ${pad(zone, 34)} PUT/LIST ${per1k(z.putClass)}, GET ${per1k(z.getClass)}, bytes in ${per1k(z.bytesIn)}`,
    ),
    `  SNS           publishes ${per1k(m.frontDoor.snsPublishes)}`,
    `  API Gateway   requests per 1,000 web events ${per1k(m.api.requests, stream.eventsByWay.web)}; access log ${n(m.api.accessLogBytes / Math.max(1, m.api.requests))} bytes/request`,
    `  IoT Core      per 1,000 device events: messages ${per1k(m.iot.messages, stream.eventsByWay.device)}, rules ${per1k(m.iot.rulesTriggered, stream.eventsByWay.device)}, actions ${per1k(m.iot.actions, stream.eventsByWay.device)}`,
    `  CloudWatch    ${m.logs.customMetrics.length} custom metrics from EMF + ${m.template.metricFilters} metric filter(s); log bytes in the run: ${Object.entries(
      m.logs.byService,
    )
      .map(([service, l]) => `${service} ${n(l.bytes)}`)
      .join(', ')}; ${m.template.alarmMetrics} alarm metrics, ${m.template.dashboards} dashboard(s)`,
  ];
  return lines.join('\n');
};

const sumOf = (lines: readonly CostLine[]) => lines.reduce((sum, line) => sum + line.monthlyUsd, 0);

/** `RollupsTable 29/1, DerivedRollupsTable 40/1 + TopByCount 20/1`: write/read units per table and index. */
const capacityText = (capacity: readonly ProvisionedCapacity[]) =>
  [...new Set(capacity.map((c) => c.table))]
    .map((table) =>
      capacity
        .filter((c) => c.table === table)
        .map((c) => `${c.index ?? table} ${n(c.writeUnits)}/${n(c.readUnits)}`)
        .join(' + '),
    )
    .join(', ');

/** DynamoDB's two capacity modes at one rate: what each costs a month, which is cheaper, the units provisioned. */
const dynamoModesText = (m: CostModel) => {
  const current = m.lines.filter((line) => line.service.startsWith('DynamoDB '));
  const currentMode = m.dynamoMode;
  const otherMode = currentMode === 'on-demand' ? 'provisioned' : 'on-demand';
  const [a, b] = [sumOf(current), sumOf(m.otherDynamoMode)];
  const perM = (monthly: number) => usd(monthly / (m.eventsPerMonth / 1e6));
  const cheaper =
    a === b ? 'the same' : `${a < b ? currentMode : otherMode} cheaper by ${usd(Math.abs(a - b))}/month`;
  return `${n(m.rate)}/s: DynamoDB ${currentMode} ${usd(a)}/month (${perM(a)}/M), ${otherMode} instead ${usd(b)}/month (${perM(b)}/M): ${cheaper}; provisioned WCU/RCU ${capacityText(m.tableCapacity)}`;
};

/** The table: each item's dollars a month and per million events at each rate, then the totals. */
export const costTable = (models: readonly CostModel[]): string => {
  const width = 58;
  const cell = 22;
  const header = pad('item', width) + models.map((m) => right(`${n(m.rate)}/s: $/month  $/M`, cell)).join('');
  const [first] = models;
  if (!first) return header;
  const rows = first.lines.map((line, index) => {
    const label = `${line.service}: ${line.item}${line.group === 'core' ? '' : ` [${line.group}]`}`;
    const cells = models.map((m) => {
      const priced = m.lines[index];
      const events =
        line.group === 'web'
          ? m.webEventsPerMonth
          : line.group === 'device'
            ? m.deviceEventsPerMonth
            : m.eventsPerMonth;
      const monthly = priced?.monthlyUsd ?? 0;
      return right(`${usd(monthly)}  ${usd(monthly / Math.max(1e-9, events / 1e6))}`, cell);
    });
    return pad(label.slice(0, width - 1), width) + cells.join('');
  });
  const summaries = models.map(summarize);
  const total = (label: string, pick: (s: CostSummary) => string) =>
    pad(label, width) + summaries.map((s) => right(pick(s), cell)).join('');
  return [
    header,
    ...rows,
    total('core pipeline ($/month, $/M events)', (s) => `${usd(s.monthly.core)}  ${usd(s.perMillion.core)}`),
    total('web edge ($/month, $/M web events)', (s) => `${usd(s.monthly.web)}  ${usd(s.perMillion.web)}`),
    total(
      'device edge ($/month, $/M device events)',
      (s) => `${usd(s.monthly.device)}  ${usd(s.perMillion.device)}`,
    ),
    total('all-in, web event ($/M)', (s) => usd(s.allInWeb)),
    total('all-in, device event ($/M)', (s) => usd(s.allInDevice)),
    ...models.map((m) => {
      const other = sumOf(m.otherKinesisMode);
      const [mode] = m.otherKinesisMode.map((line) => line.service);
      return `${n(m.rate)}/s: ${mode ?? 'other mode'} instead ${usd(other)}/month (${usd(other / (m.eventsPerMonth / 1e6))}/M); ${n(m.recordsPerSecond, 1)} records/s, shards: ${m.shards.provisioned} provisioned, ${m.shards.onDemand} on demand`;
    }),
    ...models.map(dynamoModesText),
  ].join('\n');
};

/** The goals again as the other table capacity mode would price them (only DynamoDB's lines change). */
const otherTablesGoalText = (m: CostModel, s: CostSummary, mark: (ok: boolean) => string): string => {
  const now = sumOf(m.lines.filter((line) => line.service.startsWith('DynamoDB ')));
  const change = (sumOf(m.otherDynamoMode) - now) / (m.eventsPerMonth / 1e6);
  const [core, web] = [s.perMillion.core + change, s.allInWeb + change];
  const mode =
    m.dynamoMode === 'on-demand' ? 'provisioned (-c streamlake:tablesOnDemand=false)' : 'on demand';
  return `  with tables ${mode}: core ${usd(core)}/M (${mark(core <= GOALS.core)}); all-in web ${usd(web)}/M (${mark(web <= GOALS.allInWeb)})`;
};

/** The three largest costs, the goals at 1,000 events/s and the device batch that matches the web edge. */
export const verdictText = (models: readonly CostModel[], measured: Measured, prices: Prices): string => {
  const at = models.find((m) => m.rate === 1000) ?? models[0];
  if (!at) return '';
  const s = summarize(at);
  const deviceBytes = measured.stream.bytesByWay.device / Math.max(1, measured.stream.eventsByWay.device);
  const perMessage = prices.iotMessage.usd + prices.iotRuleTriggered.usd + prices.iotActionExecuted.usd;
  const batch = deviceBatchFor(s.perMillion.web, deviceBytes, 37, perMessage);
  const basic = deviceBatchFor(s.perMillion.web, deviceBytes, 37, perMessage - prices.iotMessage.usd);
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `largest at ${n(at.rate)}/s: ${s.largest.map((l) => `${l.service} ${l.item} ${usd(l.monthlyUsd)}/month`).join('; ')}`,
    `goals at ${n(at.rate)}/s: core ${usd(s.perMillion.core)}/M (≤ $${GOALS.core}: ${mark(s.perMillion.core <= GOALS.core)}); all-in web ${usd(s.allInWeb)}/M (≤ $${GOALS.allInWeb}: ${mark(s.allInWeb <= GOALS.allInWeb)})`,
    otherTablesGoalText(at, s, mark),
    `devices: ${batch === undefined ? 'no batch within one message' : `${batch} events per message`} keep IoT Core at or below the web edge's ${usd(s.perMillion.web)}/M (${basic === undefined ? 'none' : basic} with Basic Ingest); ${n(deviceBytes)} bytes an event`,
    `prices: ${REGION}, as read on ${READ_ON} (commands/cost/prices.ts, with sources)`,
  ].join('\n');
};
