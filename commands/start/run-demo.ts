import { setTimeout as wait } from 'node:timers/promises';
import type { LocalOps } from '../../infra/local/dashboard/local-ops.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { compareSequence } from '../../processors/shared/sequence.ts';
import { readGroundTruth } from '../../producers/ground-truth.ts';
import type { ProducerProgress } from '../../producers/progress.ts';
import { type ProducerSummary, runProducers } from '../../producers/run-producers.ts';
import { PipelineStats } from './pipeline-stats.ts';
import type { StartOptions } from './start-options.ts';

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
  readonly groundTruthPath: string;
}

export interface DemoHooks {
  onReady?(cloud: LocalCloud): void;
  /** The ops dashboard is being served (before any event is produced). */
  onOpsReady?(ops: LocalOps): void;
  /** Each alert the pipeline publishes to its SNS topic, as one line. */
  onAlert?(line: string): void;
  onProgress?(producer: ProducerProgress, stats: PipelineStats, cloud: LocalCloud, ops: LocalOps): void;
}

type Accepted = { readonly shardId: string; readonly sequenceNumber: string };

/** Highest accepted sequence number per shard, from the ground truth. */
const lastSequencePerShard = (accepted: readonly Accepted[]): Map<string, string> => {
  const last = new Map<string, string>();
  for (const entry of accepted) {
    const current = last.get(entry.shardId);
    if (!current || compareSequence(entry.sequenceNumber, current) > 0)
      last.set(entry.shardId, entry.sequenceNumber);
  }
  return last;
};

/** The running mappings that read the event stream, which the producers write to. */
const eventStreamMappings = (cloud: LocalCloud, include: (id: string) => boolean) =>
  cloud.plan.kinesisMappings.filter(
    (mapping) =>
      mapping.enabled && include(mapping.id) && mapping.streamArn === cloud.resources.eventStream.arn,
  );

/** Accepted records the slowest running mapping has not checkpointed yet. */
const recordsBehind = (
  cloud: LocalCloud,
  stats: PipelineStats,
  accepted: readonly Accepted[],
  include: (id: string) => boolean,
): number =>
  Math.max(
    0,
    ...eventStreamMappings(cloud, include).map((mapping) => {
      const checkpoints = stats.mapping(mapping.id).checkpoints;
      return accepted.filter((entry) => {
        const done = checkpoints.get(entry.shardId);
        return done === undefined || compareSequence(entry.sequenceNumber, done) > 0;
      }).length;
    }),
  );

/** Every running mapping on the event stream has checkpointed, on every shard, at least up to the target. */
const caughtUp = (
  cloud: LocalCloud,
  stats: PipelineStats,
  targets: Map<string, string>,
  include: (id: string) => boolean,
) =>
  eventStreamMappings(cloud, include).every((mapping) =>
    [...targets].every(([shard, sequence]) => {
      const done = stats.mapping(mapping.id).checkpoints.get(shard);
      return done !== undefined && compareSequence(done, sequence) >= 0;
    }),
  );

/**
 * The demo: local cloud up, mappings running, simulators producing; when they finish (or `stop`
 * aborts), wait for the pipeline to catch up to what the stream accepted (for at most a minute plus
 * two batching windows, or until `force` aborts), then stop the mappings after their in-flight batch,
 * which checkpoints it. Every server stays up throughout: the caller stops the cloud.
 */
export const runDemo = async (
  options: StartOptions,
  stop: AbortSignal,
  hooks: DemoHooks = {},
  /** Stop draining now (a second Ctrl-C): what is behind stays in the stream for the next run. */
  force?: AbortSignal,
): Promise<DemoRun> => {
  const cloud = await LocalCloud.start({
    stateDir: options.stateDir,
    fresh: options.fresh,
    basePort: options.basePort,
    onDemandShards: options.shards,
    ...(hooks.onAlert ? { onAlert: hooks.onAlert } : {}),
    ...(options.stack ? { stack: options.stack } : {}),
    context: {
      // The archive's 60 s window suits AWS; a demo wants to see Parquet within seconds.
      'streamlake:archiveBatchingWindowSeconds': options.archiveWindowSeconds ?? 10,
      ...(options.batchingWindowSeconds === undefined
        ? {}
        : { 'streamlake:aggregateBatchingWindowSeconds': options.batchingWindowSeconds }),
    },
  });
  hooks.onReady?.(cloud);
  let ops: LocalOps;
  try {
    ops = await cloud.serveOps({
      // Next to the four service ports unless chosen; a free one when those are picked freely.
      port: options.dashboardPort ?? (options.basePort ? options.basePort + 4 : 0),
      ...(hooks.onAlert ? { onAlarm: hooks.onAlert } : {}),
    });
  } catch (error) {
    await cloud.stop();
    throw error;
  }
  hooks.onOpsReady?.(ops);
  const stats = new PipelineStats();
  const mappings = new AbortController();
  const aggregateOnly = options.consumers === 'aggregate';
  const aggregate = cloud.resources.mappings.aggregate.id;
  const include = (id: string) => !aggregateOnly || id === aggregate;
  const running = cloud.runMappings(mappings.signal, { observer: stats, include });
  running.catch(() => mappings.abort());
  const groundTruthPath = `${options.stateDir}/ground-truth.jsonl`;
  let latest: ProducerProgress | undefined;
  const ticker = setInterval(() => latest && hooks.onProgress?.(latest, stats, cloud, ops), 1000);
  try {
    const producers = await runProducers({
      // The cloud's own Kinesis client: configured once for kinesalite (see infra/local/clients.ts).
      client: cloud.clients.kinesis,
      streamName: cloud.resources.eventStream.name,
      rate: options.rate,
      durationSeconds: options.durationSeconds,
      forever: options.forever,
      seed: options.seed,
      devices: options.devices,
      poisonRate: options.poisonRate,
      groundTruthPath,
      // The stream, tables and lake keep earlier runs' data, so the ground truth must too.
      appendGroundTruth: !options.fresh,
      signal: stop,
      onProgress: (progress) => (latest = progress),
    });
    const producedAt = Date.now();
    const accepted = await readGroundTruth(groundTruthPath);
    const targets = lastSequencePerShard(accepted);
    const window = cloud.resources.mappings.aggregate.maximumBatchingWindowMs;
    const deadline = Date.now() + 60_000 + window * 2;
    // A stop (Ctrl-C) only ends producing: the drain still runs, so what the stream accepted is processed.
    while (!caughtUp(cloud, stats, targets, include) && Date.now() < deadline && !force?.aborted) {
      await wait(250, undefined, force ? { signal: force } : {}).catch(() => undefined);
    }
    const drained = caughtUp(cloud, stats, targets, include);
    const drainMs = Date.now() - producedAt;
    if (latest) hooks.onProgress?.(latest, stats, cloud, ops);
    return {
      cloud,
      ops,
      stats,
      producers,
      drained,
      ...(drained ? {} : { drainCutShort: force?.aborted ? ('forced' as const) : ('deadline' as const) }),
      behind: drained ? 0 : recordsBehind(cloud, stats, accepted, include),
      drainMs,
      groundTruthPath,
    };
  } finally {
    clearInterval(ticker);
    mappings.abort();
    await running.catch(() => undefined);
  }
};
