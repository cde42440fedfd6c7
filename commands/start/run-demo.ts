import { setTimeout as wait } from 'node:timers/promises';
import type { LocalOps } from '../../infra/local/dashboard/local-ops.ts';
import { streamEnds, streamSequenceAtOrPast } from '../../infra/local/esm/dynamodb-stream-ends.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { compareSequence } from '../../processors/shared/sequence.ts';
import type { ProducerProgress } from '../../producers/progress.ts';
import { trafficOf } from '../../producers/run-options.ts';
import type { ProducerSummary } from '../../producers/run-producers.ts';
import { keepCaughtUp } from '../truth/keep-caught-up.ts';
import { liveRecountSettings } from '../truth/recount-settings.ts';
import { StreamTruth } from '../truth/stream-truth.ts';
import { type DemoDevices, registerDemoDevices } from './demo-devices.ts';
import { PipelineStats } from './pipeline-stats.ts';
import type { StartOptions } from './start-options.ts';
import { runProducersInThread } from './threaded-producers.ts';

export interface DemoRun {
  readonly cloud: LocalCloud;
  /** The ops dashboard and alarms; stopped with the cloud. */
  readonly ops: LocalOps;
  readonly stats: PipelineStats;
  readonly producers: ProducerSummary;
  readonly drained: boolean;
  /** Why the drain ended before the consumers caught up: its deadline, or `force` aborted. */
  readonly drainCutShort?: 'deadline' | 'forced';
  /** Accepted records the slowest consumer had not checkpointed when the drain ended (0 when drained). */
  readonly behind: number;
  /** How long the consumers took to catch up once the producers stopped: a backlog that kept growing shows here. */
  readonly drainMs: number;
  /** Whether the fan-out caught up with the rollups stream after the drain (absent: not waited for). */
  readonly fanoutDrained?: boolean;
  /** The stream recount verify compares against (`<stateDir>/truth.json`), caught up when producing stopped. */
  readonly truth: StreamTruth;
  /** The simulated devices, when they published over MQTT. */
  readonly devices?: DemoDevices;
}

export interface DemoHooks {
  onReady?(cloud: LocalCloud): void;
  /** The ops dashboard is being served (before any event is produced). */
  onOpsReady?(ops: LocalOps): void;
  /** The simulated devices are registered with the local CA (before any event is produced). */
  onDevicesReady?(devices: DemoDevices): void;
  /** Each alert the pipeline publishes to its SNS topic, as one line. */
  onAlert?(line: string): void;
  onProgress?(producer: ProducerProgress, stats: PipelineStats, cloud: LocalCloud, ops: LocalOps): void;
}

/** The running mappings that read the event stream, which the producers write to. */
const eventStreamMappings = (cloud: LocalCloud, include: (id: string) => boolean) =>
  cloud.plan.kinesisMappings.filter(
    (mapping) =>
      mapping.enabled && include(mapping.id) && mapping.streamArn === cloud.resources.eventStream.arn,
  );

/** Records the slowest running mapping has still to process, up to the targets (read from the stream). */
const recordsBehind = async (
  cloud: LocalCloud,
  truth: StreamTruth,
  targets: Map<string, string>,
  include: (id: string) => boolean,
): Promise<number> => {
  let behind = 0;
  for (const mapping of eventStreamMappings(cloud, include)) {
    let records = 0;
    for (const [shard, target] of targets) {
      const done = cloud.checkpoints.get(mapping.id, shard);
      if (done === undefined || compareSequence(target, done) > 0)
        records += await truth.recordsBetween(shard, done, target);
    }
    behind = Math.max(behind, records);
  }
  return behind;
};

/**
 * Every running mapping on the event stream has checkpointed, on every shard, at least up to the target
 * (durable checkpoints: a shard this run put nothing on may have been done by an earlier run).
 */
const caughtUp = (cloud: LocalCloud, targets: Map<string, string>, include: (id: string) => boolean) =>
  eventStreamMappings(cloud, include).every((mapping) =>
    [...targets].every(([shard, sequence]) => {
      const done = cloud.checkpoints.get(mapping.id, shard);
      return done !== undefined && compareSequence(done, sequence) >= 0;
    }),
  );

/** The web clickstream's way in: the local collector's server route with the stack's key, unless told otherwise. */
const collectorOf = (cloud: LocalCloud, options: StartOptions) => {
  const source = cloud.collectorServerSource;
  if (options.webVia === 'kinesis' || !source) return {};
  const { webEventsPerRequest: eventsPerRequest, webMaxDelayMs: maxDelayMs } = options;
  return {
    collector: {
      ...source,
      ...(eventsPerRequest === undefined ? {} : { eventsPerRequest }),
      ...(maxDelayMs === undefined ? {} : { maxDelayMs }),
    },
  };
};

/** The local cloud of the demo, with the stack's context the demo wants. */
const startCloud = (options: StartOptions, hooks: DemoHooks): Promise<LocalCloud> =>
  LocalCloud.start({
    stateDir: options.stateDir,
    fresh: options.fresh,
    basePort: options.basePort,
    onDemandShards: options.shards,
    ...(hooks.onAlert ? { onAlert: hooks.onAlert } : {}),
    ...(options.stack ? { stack: options.stack } : {}),
    ...(options.faults ? { faults: true } : {}),
    context: {
      // The archive's 60 s window suits AWS; a demo wants to see Parquet within seconds.
      'streamlake:archiveBatchingWindowSeconds': options.archiveWindowSeconds ?? 10,
      // Firehose's 300 s / 64 MiB buffers suit AWS; a demo wants raw objects within seconds too.
      'streamlake:rawBufferingIntervalSeconds': 10,
      // The stack's provisioned stream, sized by --shards (an on-demand stream gets them from onDemandShards).
      'streamlake:streamShards': options.shards,
      ...(options.batchingWindowSeconds === undefined
        ? {}
        : { 'streamlake:aggregateBatchingWindowSeconds': options.batchingWindowSeconds }),
    },
  });

/**
 * The ops dashboard, the stream recount and the devices' registration, done once the cloud is up; the cloud is
 * stopped if any fails.
 */
const openAroundCloud = async (
  cloud: LocalCloud,
  options: StartOptions,
  hooks: DemoHooks,
): Promise<{ ops: LocalOps; truth: StreamTruth; devices: DemoDevices | undefined }> => {
  try {
    const devices = await registerDemoDevices(cloud, options);
    const truth = await StreamTruth.open({
      stateDir: options.stateDir,
      kinesis: cloud.clients.kinesis,
      streamName: cloud.resources.eventStream.name,
      settings: liveRecountSettings(cloud),
    });
    const ops = await cloud.serveOps({
      // Next to the four service ports unless chosen; a free one when those are picked freely.
      port: options.dashboardPort ?? (options.basePort ? options.basePort + 4 : 0),
      ...(hooks.onAlert ? { onAlarm: hooks.onAlert } : {}),
    });
    return { ops, truth, devices };
  } catch (error) {
    await cloud.stop();
    throw error;
  }
};

/** How the wait for the consumers ended. */
type Drain = Pick<DemoRun, 'drained' | 'drainCutShort' | 'behind'>;

/**
 * Waits until every running mapping on the event stream has checkpointed up to the stream's end as the
 * recount last read it (for at most a minute plus two batching windows, or until `force` aborts).
 */
const drain = async (
  cloud: LocalCloud,
  truth: StreamTruth,
  include: (id: string) => boolean,
  force?: AbortSignal,
): Promise<Drain> => {
  const targets = truth.lastSequences();
  const window = cloud.resources.mappings.aggregate.maximumBatchingWindowMs;
  const deadline = Date.now() + 60_000 + window * 2;
  while (!caughtUp(cloud, targets, include) && Date.now() < deadline && !force?.aborted) {
    await wait(250, undefined, force ? { signal: force } : {}).catch(() => undefined);
  }
  if (caughtUp(cloud, targets, include)) return { drained: true, behind: 0 };
  return {
    drained: false,
    drainCutShort: force?.aborted ? 'forced' : 'deadline',
    behind: await recordsBehind(cloud, truth, targets, include),
  };
};

/**
 * Waits for the fan-out to process the rollups stream up to its end now: every rollup write was made before the
 * aggregate checkpointed, so once the event stream is drained the rollups stream is complete. Only its tail past
 * the fan-out's checkpoints is read. Its batching window (10 s by default) would otherwise leave the last
 * derived, device-state and alert writes unmade when the mappings stop. False when the deadline passes.
 */
const drainFanout = async (cloud: LocalCloud, force?: AbortSignal): Promise<boolean> => {
  const mapping = cloud.resources.mappings.fanout;
  if (!mapping.enabled) return true;
  const ends = await streamEnds(cloud.clients, mapping.tableName, (shard) =>
    cloud.checkpoints.get(mapping.id, shard),
  );
  const done = () =>
    [...ends].every(([shard, last]) =>
      streamSequenceAtOrPast(cloud.checkpoints.get(mapping.id, shard), last),
    );
  const deadline = Date.now() + 60_000 + mapping.maximumBatchingWindowMs * 2;
  while (!done() && Date.now() < deadline && !force?.aborted) {
    await wait(250, undefined, force ? { signal: force } : {}).catch(() => undefined);
  }
  return done();
};

/**
 * The demo: local cloud up, mappings running, simulators producing, the stream recount caught up every
 * half minute; when the simulators finish (or `stop` aborts), the recount reads to the end of the stream
 * and the demo waits for the pipeline to catch up to it (see drain), then stops the mappings after their
 * in-flight batch, which checkpoints it. Every server stays up throughout: the caller stops the cloud.
 */
export const runDemo = async (
  options: StartOptions,
  stop: AbortSignal,
  hooks: DemoHooks = {},
  /** Stop draining now (a second Ctrl-C): what is behind stays in the stream for the next run. */
  force?: AbortSignal,
): Promise<DemoRun> => {
  const cloud = await startCloud(options, hooks);
  hooks.onReady?.(cloud);
  const { ops, truth, devices } = await openAroundCloud(cloud, options, hooks);
  hooks.onOpsReady?.(ops);
  if (devices) hooks.onDevicesReady?.(devices);
  const stats = new PipelineStats();
  const mappings = new AbortController();
  const aggregateOnly = options.consumers === 'aggregate';
  const aggregate = cloud.resources.mappings.aggregate.id;
  const include = (id: string) => !aggregateOnly || id === aggregate;
  const running = cloud.runMappings(mappings.signal, { observer: stats, include });
  running.catch(() => mappings.abort());
  const recounting = new AbortController();
  const recounted = keepCaughtUp(truth, recounting.signal);
  let latest: ProducerProgress | undefined;
  const ticker = setInterval(() => latest && hooks.onProgress?.(latest, stats, cloud, ops), 1000);
  try {
    const producers = await runProducersInThread(
      {
        run: {
          streamName: cloud.resources.eventStream.name,
          ...trafficOf(options),
          ...collectorOf(cloud, options),
        },
        // The cloud's Kinesis endpoint (its fault proxy when faults are on), configured there as the cloud's own.
        kinesisEndpoint: cloud.endpoints.kinesis,
        ...(devices
          ? {
              devices: {
                credentials: [...devices.credentials],
                ...(devices.batching ? { batching: devices.batching } : {}),
              },
            }
          : {}),
      },
      stop,
      (progress) => (latest = progress),
    );
    const producedAt = Date.now();
    recounting.abort();
    await recounted;
    // The stream's end, whoever put the records and whenever: this run, an earlier one cut short, a replay.
    await truth.catchUp();
    // A stop (Ctrl-C) only ends producing: the drain still runs, so what the stream accepted is processed.
    const drained = await drain(cloud, truth, include, force);
    const drainMs = Date.now() - producedAt;
    // The fan-out reads the rollups table, not the event stream: it catches up after the stream's consumers.
    const fanoutDrained = drained.drained && !aggregateOnly ? await drainFanout(cloud, force) : undefined;
    if (latest) hooks.onProgress?.(latest, stats, cloud, ops);
    return {
      cloud,
      ops,
      stats,
      producers,
      ...drained,
      drainMs,
      ...(fanoutDrained === undefined ? {} : { fanoutDrained }),
      truth,
      ...(devices ? { devices } : {}),
    };
  } finally {
    recounting.abort();
    clearInterval(ticker);
    mappings.abort();
    await running.catch(() => undefined);
  }
};
