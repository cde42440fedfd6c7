import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../../infra/defaults.ts';
import type { ExchangeTap } from '../../infra/local/faults/exchange-tap.ts';
import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import { LAMBDA_NAMESPACE, LOCAL_LAMBDA_NAMESPACE } from '../../infra/local/metrics/lambda-metrics.ts';
import { DEFAULT_BATCH } from '../../tracker/src/options.ts';
import { type DemoHooks, runDemo } from '../start/run-demo.ts';
import type { StartOptions } from '../start/start-options.ts';
import { FrontDoorCounter, type FrontDoorCounts } from './front-door-counts.ts';
import { functionLogFigures } from './function-logs.ts';
import type { FunctionFigures, Measured } from './measured.ts';
import { streamFigures } from './stream-figures.ts';
import { logicalName, templateFigures } from './template-figures.ts';

export interface CountingRunOptions {
  /** Events/s the simulators send. @default 1000 */
  readonly rate?: number;
  /** Seconds they send for. @default 30 */
  readonly durationSeconds?: number;
  /** Simulated devices, each publishing over MQTT. @default 50 */
  readonly devices?: number;
  /**
   * Shards of the local stream. Each consumer batches per shard, so fewer shards make larger batches and fewer
   * DynamoDB writes per event. @default 2, the stack's default (infra/defaults.ts)
   */
  readonly shards?: number;
  /** Web events per collector request. @default the tracker's default (tracker/src/options.ts) */
  readonly webEventsPerRequest?: number;
  /** Told of the run's progress once a second (the CLI's live line). */
  readonly onProgress?: DemoHooks['onProgress'];
  /** Further taps told of every exchange at the front doors while the run counts (an analysis's own tallies). */
  readonly taps?: readonly ExchangeTap[];
}

/** The AWS/Lambda totals the local runtime recorded for one function. */
const lambdaTotal = (
  cloud: LocalCloud,
  name: string,
  metric: string,
  namespace = LAMBDA_NAMESPACE,
): number => {
  const [id] = cloud.metricStore.find(namespace, metric, { FunctionName: name });
  return id ? cloud.metricStore.total(id) : 0;
};

const functionFigures = (cloud: LocalCloud): FunctionFigures[] => {
  const roles = Object.entries(cloud.resources.functions).map(([role, fn]) => [fn.logicalId, role]);
  const roleOf = new Map(roles as [string, string][]);
  return cloud.plan.functions.map((fn) => ({
    role: roleOf.get(fn.logicalId) ?? fn.logicalId,
    name: fn.name,
    memoryMb: fn.memoryMb,
    invocations: lambdaTotal(cloud, fn.name, 'Invocations'),
    durationMs: lambdaTotal(cloud, fn.name, 'Duration'),
    busyMs: lambdaTotal(cloud, fn.name, 'BusyDuration', LOCAL_LAMBDA_NAMESPACE),
    ...(fn.environment.POWERTOOLS_SERVICE_NAME ? { service: fn.environment.POWERTOOLS_SERVICE_NAME } : {}),
  }));
};

/** The counts with tables and buckets named by their logical ids, as the stack declares them. */
const byLogicalName = (cloud: LocalCloud, counts: FrontDoorCounts): FrontDoorCounts => {
  const names = new Map(
    [...cloud.plan.tables, ...cloud.plan.buckets].map((r) => [r.name, logicalName(r.logicalId)]),
  );
  const rename = <T>(entries: Readonly<Record<string, T>>, nameOf: (key: string) => string) =>
    Object.fromEntries(Object.entries(entries).map(([key, value]) => [nameOf(key), value]));
  return {
    ...counts,
    tables: rename(counts.tables, (table) => names.get(table) ?? table),
    zones: rename(counts.zones, (zone) => {
      const [bucket = '', ...rest] = zone.split('/');
      return [names.get(bucket) ?? bucket, ...rest].join('/');
    }),
  };
};

/** Mappings on the event stream and Firehose delivery streams reading it: each reads every record. */
const streamConsumers = (cloud: LocalCloud): number =>
  cloud.plan.kinesisMappings.filter((m) => m.streamArn === cloud.resources.eventStream.arn).length +
  cloud.plan.deliveryStreams.length;

/** Sum over the AWS/IoT metric `name` of every rule (and action type). */
const iotTotal = (cloud: LocalCloud, name: string): number =>
  cloud.metricStore.find('AWS/IoT', name).reduce((sum, id) => sum + cloud.metricStore.total(id), 0);

/** Bytes of the log groups the template declares for the REST APIs' access logs (`logs/<group>.log`). */
const accessLogBytes = (stateDir: string): number => {
  const logs = join(stateDir, 'logs');
  if (!existsSync(logs)) return 0;
  return readdirSync(logs)
    .filter((file) => file.endsWith('.log') && !['functions.log', 'iot.log'].includes(file))
    .reduce((sum, file) => sum + statSync(join(logs, file)).size, 0);
};

/**
 * A short run of the whole local pipeline as `npm start` runs it — web events through the collector at the
 * tracker's batching (its events per request and its wait for a full one), devices over MQTT, every consumer — with a counting tap at the services' front doors, then
 * what the run left: the stream's records, the functions' invocations, durations and log lines, the collector's
 * and the broker's figures, the template's alarms and dashboards. A fresh temporary state folder, removed after.
 */
export const countingRun = async (options: CountingRunOptions = {}): Promise<Measured> => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-cost-'));
  const webEventsPerRequest = options.webEventsPerRequest ?? DEFAULT_BATCH.maxEvents;
  const start: StartOptions = {
    rate: options.rate ?? 1000,
    durationSeconds: options.durationSeconds ?? 30,
    forever: false,
    seed: 42,
    devices: options.devices ?? 50,
    poisonRate: 0.002,
    shards: options.shards ?? DEFAULTS.eventStream.shards,
    stateDir,
    fresh: true,
    basePort: 0,
    consumers: 'all',
    faults: true,
    webVia: 'collector',
    webEventsPerRequest,
    // A partial request waits as the tracker's would: requests per event then follow its batching, not latency.
    webMaxDelayMs: DEFAULT_BATCH.maxDelayMs,
  };
  const counter = new FrontDoorCounter();
  let untaps: (() => void)[] = [];
  const untap = () => {
    for (const remove of untaps) remove();
    untaps = [];
  };
  let cloud: LocalCloud | undefined;
  try {
    const run = await runDemo(start, new AbortController().signal, {
      onReady: (ready) => {
        cloud = ready;
        if (!ready.faults)
          throw new Error('the cost run needs the fault proxies (faults: true) to count requests');
        const { taps } = ready.faults;
        untaps = [counter, ...(options.taps ?? [])].map((tap) => taps.add(tap));
      },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    untap();
    if (!run.drained) {
      throw new Error(
        `the pipeline did not catch up (${run.behind} records behind): run the cost run at a lower --run-rate`,
      );
    }
    if (run.fanoutDrained === false) {
      throw new Error(
        'the fan-out did not catch up with the rollups stream: its last writes would be missing; run the cost run at a lower --run-rate',
      );
    }
    const runSeconds = run.producers.elapsedMs / 1000;
    const measured: Measured = {
      targetRate: start.rate,
      runRate: run.producers.sent / runSeconds,
      runSeconds,
      webEventsPerRequest,
      stream: await streamFigures(run.cloud.clients.kinesis, run.cloud.resources.eventStream.name),
      streamConsumers: streamConsumers(run.cloud),
      functions: functionFigures(run.cloud),
      frontDoor: byLogicalName(run.cloud, counter.counts()),
      logs: functionLogFigures(join(stateDir, 'logs', 'functions.log')),
      api: {
        requests: run.cloud.collectorFigures?.snapshot().requests ?? 0,
        events: run.cloud.collectorFigures?.snapshot().eventsAccepted ?? 0,
        accessLogBytes: accessLogBytes(stateDir),
      },
      iot: {
        messages: run.cloud.iot?.figures().messagesIn ?? 0,
        rulesTriggered: iotTotal(run.cloud, 'TopicMatch'),
        actions: iotTotal(run.cloud, 'Success') + iotTotal(run.cloud, 'Failure'),
      },
      template: templateFigures(join(stateDir, 'cdk.out')),
    };
    return measured;
  } finally {
    untap();
    await (cloud as LocalCloud | undefined)?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
};
