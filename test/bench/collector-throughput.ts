import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PRICES, READ_ON, REGION } from '../../commands/cost/prices.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { LatencyHistogram } from '../../infra/local/metrics/latency-histogram.ts';
import { batchBody, requestHeaders } from '../../producers/collector-request.ts';
import { type ProducedRecord, recordOf } from '../../producers/source.ts';
import { WebSessionSimulator } from '../../producers/web-sessions.ts';
import { bundleTracker } from '../../tracker/bundle.ts';
import { DEFAULT_BATCH } from '../../tracker/src/options.ts';

// The collector through the local edge (API Gateway emulation → kinesalite) against the same events put
// straight into Kinesis, at the same concurrency, in one run. `npx tsx test/bench/collector-throughput.ts [--quick]`

/** One cell: `clients` loops each sending `eventsPerRequest` events a request, back to back, for a bounded time. */
export interface ThroughputCell {
  readonly clients: number;
  readonly eventsPerRequest: number;
  readonly requests: number;
  readonly events: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers other than full acceptance, by status or error (a throttled edge would show here). */
  readonly failures: Readonly<Record<string, number>>;
}

export interface CollectorBench {
  readonly cells: readonly { readonly edge: ThroughputCell; readonly direct: ThroughputCell }[];
  readonly tracker: readonly {
    readonly fileName: string;
    readonly minifiedBytes: number;
    readonly gzippedBytes: number;
  }[];
}

/** API Gateway REST API requests, from the one prices file (commands/cost/prices.ts). */
export const REST_API_DOLLARS_PER_MILLION_REQUESTS = PRICES.apiGatewayRestRequest.usd * 1e6;
/** The tracker's default batch (tracker/src/options.ts), so what a browser sends per request. */
export const TRACKER_EVENTS_PER_REQUEST = DEFAULT_BATCH.maxEvents;

/** Dollars of API Gateway requests per million events at `eventsPerRequest` events a request. */
export const edgeDollarsPerMillionEvents = (eventsPerRequest: number) =>
  REST_API_DOLLARS_PER_MILLION_REQUESTS / eventsPerRequest;

/** The local throttles raised above what two cores can send, so the cells measure the edge, not its limits. */
const UNTHROTTLED = {
  'streamlake:collectorRateLimit': 10_000,
  'streamlake:collectorBurstLimit': 5_000,
  'streamlake:collectorKeyRateLimit': 10_000,
  'streamlake:collectorKeyBurstLimit': 5_000,
};

/** Realistic web events, made once: a cell cycles through them so generating them costs the cell nothing. */
const eventPool = (count: number): ProducedRecord[] => {
  const web = new WebSessionSimulator({ seed: 12 });
  const start = Date.now();
  return Array.from({ length: count }, (_, i) => recordOf(web.next(start + i)));
};

type Send = (batch: readonly ProducedRecord[]) => Promise<string | undefined>;

/** Runs `clients` loops until `cellMs` passed or `maxRequests` were sent; `send` answers undefined or a failure. */
const runCell = async (
  clients: number,
  eventsPerRequest: number,
  pool: readonly ProducedRecord[],
  limits: { readonly cellMs: number; readonly maxRequests: number },
  send: Send,
): Promise<ThroughputCell> => {
  const latency = new LatencyHistogram();
  const failures: Record<string, number> = {};
  let requests = 0;
  let events = 0;
  let cursor = 0;
  const started = performance.now();
  const deadline = started + limits.cellMs;
  const loop = async () => {
    while (performance.now() < deadline && requests < limits.maxRequests) {
      requests++;
      const at = cursor;
      cursor = (cursor + eventsPerRequest) % (pool.length - eventsPerRequest);
      const sentAt = performance.now();
      const failure = await send(pool.slice(at, at + eventsPerRequest));
      latency.add(performance.now() - sentAt);
      if (failure) failures[failure] = (failures[failure] ?? 0) + 1;
      else events += eventsPerRequest;
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return {
    clients,
    eventsPerRequest,
    requests,
    events,
    seconds: (performance.now() - started) / 1000,
    p50Ms: latency.percentile(50) ?? 0,
    p99Ms: latency.percentile(99) ?? 0,
    failures,
  };
};

/** A POST to the collector's server route, as the collector writer sends it; a failure is any partial answer. */
const edgeSender = (url: string, apiKey: string): Send => {
  const headers = requestHeaders({ url, apiKey });
  return async (batch) => {
    try {
      const response = await fetch(url, { method: 'POST', headers, body: batchBody(batch) });
      const body = (await response.json()) as { refused?: unknown[] };
      return response.status === 200 && body.refused?.length === 0 ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return error instanceof Error ? error.name : String(error);
    }
  };
};

/** The same events as one PutRecords each, through the local cloud's Kinesis client (64 keep-alive sockets). */
const directSender = (cloud: LocalCloud): Send => {
  const StreamName = cloud.resources.eventStream.name;
  return async (batch) => {
    try {
      const records = batch.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey }));
      const output = await cloud.clients.kinesis.send(
        new PutRecordsCommand({ StreamName, Records: records }),
      );
      return output.FailedRecordCount ? 'FailedRecordCount' : undefined;
    } catch (error) {
      return error instanceof Error ? error.name : String(error);
    }
  };
};

/** Every cell on a fresh local cloud (no consumers run: the stream only fills), edge then direct. */
export const measureCollector = async (
  options: { readonly quick?: boolean; readonly onCell?: (line: string) => void } = {},
): Promise<CollectorBench> => {
  const limits = { cellMs: options.quick ? 2_000 : 5_000, maxRequests: options.quick ? 20_000 : 50_000 };
  const tracker = await bundleTracker();
  const cloud = await LocalCloud.start({ context: UNTHROTTLED });
  try {
    const url = (cloud.collectorUrl ?? '').replace(/v1\/events$/, 'v1/server/events');
    const apiKey = [...(cloud.restApis?.apiKeys.values() ?? [])][0];
    if (!apiKey)
      throw new Error(`the local collector at ${url} has no API key: is the collector in the stack?`);
    const edge = edgeSender(url, apiKey);
    const direct = directSender(cloud);
    const pool = eventPool(20_000);
    // A warm-up, so the first cell does not pay for connections and the JIT.
    await runCell(8, 20, pool, { cellMs: 500, maxRequests: 200 }, edge);
    await runCell(8, 20, pool, { cellMs: 500, maxRequests: 200 }, direct);
    const cells: { edge: ThroughputCell; direct: ThroughputCell }[] = [];
    for (const eventsPerRequest of [1, 20]) {
      for (const clients of [1, 8, 64]) {
        const cell = {
          edge: await runCell(clients, eventsPerRequest, pool, limits, edge),
          direct: await runCell(clients, eventsPerRequest, pool, limits, direct),
        };
        cells.push(cell);
        options.onCell?.(formatCell(cell));
      }
    }
    return { cells, tracker };
  } finally {
    await cloud.stop();
  }
};

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
const rate = (cell: ThroughputCell, what: 'requests' | 'events') => cell[what] / cell.seconds;

export const CELL_HEADER =
  'clients × events/req   edge req/s  edge events/s  p50 ms  p99 ms   direct events/s  p50 ms  p99 ms   edge/direct';

export const formatCell = ({ edge, direct }: { edge: ThroughputCell; direct: ThroughputCell }): string => {
  const failed = [...Object.entries(edge.failures), ...Object.entries(direct.failures)]
    .map(([why, count]) => `${why} ${count}`)
    .join(', ');
  return (
    `${`${edge.clients} × ${edge.eventsPerRequest}`.padEnd(20)} ${n(rate(edge, 'requests')).padStart(11)} ${n(rate(edge, 'events')).padStart(14)} ` +
    `${n(edge.p50Ms, 1).padStart(7)} ${n(edge.p99Ms, 1).padStart(7)}   ${n(rate(direct, 'events')).padStart(15)} ` +
    `${n(direct.p50Ms, 1).padStart(7)} ${n(direct.p99Ms, 1).padStart(7)}   ${n(rate(edge, 'events') / rate(direct, 'events'), 2).padStart(11)}` +
    (failed ? `   failures: ${failed}` : '')
  );
};

export const printCollectorBench = async (quick: boolean): Promise<void> => {
  console.log(
    `\n## Web collector, local edge (API Gateway emulation → kinesalite), ${quick ? 2 : 5} s per cell, fresh local cloud, throttles raised`,
  );
  console.log(
    'the edge puts a request as one batch record, the direct baseline one record per event (D36): the ratio includes what batching saves kinesalite',
  );
  // Cells are comparable within a run only: the machine's load (other processes) moves all of them.
  console.log(
    `load average at start ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  );
  console.log(CELL_HEADER);
  const bench = await measureCollector({ quick, onCell: (line) => console.log(line) });
  for (const build of bench.tracker) {
    console.log(
      `tracker ${build.fileName}: ${n(build.minifiedBytes)} bytes min, ${n(build.gzippedBytes)} bytes min+gzip (budget 6,144)`,
    );
  }
  console.log(
    `edge cost on AWS: ${TRACKER_EVENTS_PER_REQUEST} events/request (tracker batch) × $${REST_API_DOLLARS_PER_MILLION_REQUESTS} per million REST requests = $${n(edgeDollarsPerMillionEvents(TRACKER_EVENTS_PER_REQUEST), 3)} per million events; at 500 events/request $${n(edgeDollarsPerMillionEvents(500), 3)} (${PRICES.apiGatewayRestRequest.source}, ${REGION}, ${PRICES.apiGatewayRestRequest.unit}, read on ${READ_ON})`,
  );
};

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  process.removeAllListeners('warning');
  await printCollectorBench(process.argv.includes('--quick'));
  process.exit(0);
}
