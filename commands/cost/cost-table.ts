import { type CostSummary, deviceBatchFor, summarize } from './cost-summary.ts';
import type { Measured } from './measured.ts';
import type { CostModel } from './model.ts';
import type { Prices } from './prices.ts';
import { READ_ON, REGION } from './prices.ts';

/** The goals at 1,000 events/s (ARCHITECTURE.md): dollars per million events. */
export const GOALS = { core: 0.05, allInWeb: 0.1 } as const;

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const usd = (value: number) =>
  value >= 100 ? `$${n(value)}` : value >= 1 ? `$${n(value, 2)}` : `$${n(value, 4)}`;
const pad = (text: string, width: number) => text.padEnd(width);
const right = (text: string, width: number) => text.padStart(width);

/** What the run measured, per 1,000 events (per 1,000 of the edge's own events for the edges). */
export const measuredText = (m: Measured): string => {
  const per1k = (count: number, of = m.stream.records) => n((count / Math.max(1, of)) * 1000, 2);
  const { stream } = m;
  const lines = [
    `measured: ${n(stream.records)} events in ${n(m.runSeconds, 1)} s (${n(m.runRate)} events/s; asked ${n(m.targetRate)}): web ${n(stream.byWay.web)} through the collector at ${m.webEventsPerRequest} events/request, devices ${n(stream.byWay.device)} over MQTT, direct ${n(stream.byWay.direct)}`,
    'per 1,000 events:',
    `  Kinesis       ${n(stream.bytes / Math.max(1, stream.records))} bytes/record; 1 KiB units ${per1k(stream.kibUnits)}, 25 KiB PUT payload units ${per1k(stream.putPayloadUnits)}; ${m.streamConsumers} consumers read each`,
    `  Firehose      5 KiB units ${per1k(stream.firehoseUnits)} (${n(stream.bytes / Math.max(1, stream.records))} bytes a record, billed as 5,120)`,
    ...m.functions.map(
      (fn) =>
        `  Lambda ${pad(fn.role, 18)} ${fn.memoryMb} MB: invocations ${per1k(fn.invocations)} (${n(fn.invocations)} in the run), local ms ${per1k(fn.durationMs)} of which running ${per1k(fn.busyMs)}`,
    ),
    ...Object.entries(m.frontDoor.tables).map(
      ([table, t]) =>
        `  DynamoDB ${pad(table, 28)} WRU ${per1k(t.writeUnits)}, RRU ${per1k(t.readUnits)}, requests ${per1k(t.requests)}`,
    ),
    ...Object.entries(m.frontDoor.zones).map(
      ([zone, z]) =>
        `  S3 ${pad(zone, 34)} PUT/LIST ${per1k(z.putClass)}, GET ${per1k(z.getClass)}, bytes in ${per1k(z.bytesIn)}`,
    ),
    `  SNS           publishes ${per1k(m.frontDoor.snsPublishes)}`,
    `  API Gateway   requests per 1,000 web events ${per1k(m.api.requests, m.api.events)}; access log ${n(m.api.accessLogBytes / Math.max(1, m.api.requests))} bytes/request`,
    `  IoT Core      per 1,000 device events: messages ${per1k(m.iot.messages, stream.byWay.device)}, rules ${per1k(m.iot.rulesTriggered, stream.byWay.device)}, actions ${per1k(m.iot.actions, stream.byWay.device)}`,
    `  CloudWatch    ${m.logs.customMetrics.length} custom metrics from EMF + ${m.template.metricFilters} metric filter(s); log bytes in the run: ${Object.entries(
      m.logs.byService,
    )
      .map(([service, l]) => `${service} ${n(l.bytes)}`)
      .join(', ')}; ${m.template.alarmMetrics} alarm metrics, ${m.template.dashboards} dashboard(s)`,
  ];
  return lines.join('\n');
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
      const other = m.otherKinesisMode.reduce((sum, line) => sum + line.monthlyUsd, 0);
      const [mode] = m.otherKinesisMode.map((line) => line.service);
      return `${n(m.rate)}/s: ${mode ?? 'other mode'} instead ${usd(other)}/month (${usd(other / (m.eventsPerMonth / 1e6))}/M); shards: ${m.shards.provisioned} provisioned, ${m.shards.onDemand} on demand`;
    }),
  ].join('\n');
};

/** The three largest costs, the goals at 1,000 events/s and the device batch that matches the web edge. */
export const verdictText = (models: readonly CostModel[], measured: Measured, prices: Prices): string => {
  const at = models.find((m) => m.rate === 1000) ?? models[0];
  if (!at) return '';
  const s = summarize(at);
  const deviceBytes = measured.stream.bytesByWay.device / Math.max(1, measured.stream.byWay.device);
  const perMessage = prices.iotMessage.usd + prices.iotRuleTriggered.usd + prices.iotActionExecuted.usd;
  const batch = deviceBatchFor(s.perMillion.web, deviceBytes, 37, perMessage);
  const basic = deviceBatchFor(s.perMillion.web, deviceBytes, 37, perMessage - prices.iotMessage.usd);
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `largest at ${n(at.rate)}/s: ${s.largest.map((l) => `${l.service} ${l.item} ${usd(l.monthlyUsd)}/month`).join('; ')}`,
    `goals at ${n(at.rate)}/s: core ${usd(s.perMillion.core)}/M (≤ $${GOALS.core}: ${mark(s.perMillion.core <= GOALS.core)}); all-in web ${usd(s.allInWeb)}/M (≤ $${GOALS.allInWeb}: ${mark(s.allInWeb <= GOALS.allInWeb)})`,
    `devices: ${batch === undefined ? 'no batch within one message' : `${batch} events per message`} keep IoT Core at or below the web edge's ${usd(s.perMillion.web)}/M (${basic === undefined ? 'none' : basic} with Basic Ingest); ${n(deviceBytes)} bytes an event`,
    `prices: ${REGION}, as read on ${READ_ON} (commands/cost/prices.ts, with sources)`,
  ].join('\n');
};
