import { rmSync } from 'node:fs';
import { setTimeout as wait } from 'node:timers/promises';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { DEFAULTS } from '../defaults.ts';
import { AlertsLog } from './alerts-log.ts';
import { type LocalRestApis, startRestApis } from './apigateway/start-rest-apis.ts';
import { AwsJsonWire, KINESIS_JSON } from './aws-json-wire.ts';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  type LocalClients,
  type LocalEndpoints,
  localAwsEnvironment,
  localClients,
} from './clients.ts';

import { CollectorFigures } from './collector-figures.ts';
import { LocalOps } from './dashboard/local-ops.ts';
import type { LocalOpsView } from './dashboard/local-ops-view.ts';
import { CheckpointStore } from './esm/checkpoints.ts';
import { DynamoDbStreamMappingPoller } from './esm/dynamodb-stream-poller.ts';
import { type Invoke, KinesisMappingPoller, type PollerObserver } from './esm/kinesis-poller.ts';
import { type FaultInjection, startFaultInjection } from './faults/fault-injection.ts';
import type { LocalFirehose } from './firehose/local-firehose.ts';
import type { LocalIot } from './iot/local-iot.ts';
import { handlerModule, LocalFunction } from './lambda/local-function.ts';
import { ApiAccessLogs } from './logs/api-access-logs.ts';
import { observeAll } from './metrics/mapping-metrics.ts';
import type { MetricStore } from './metrics/metric-store.ts';
import { MetricsSink } from './metrics/metrics-sink.ts';
import { type SchedulePlan, scheduledEvent } from './schedules.ts';
import { assertJava } from './servers/dynamodb-server.ts';
import type { LocalSns } from './servers/sns-server.ts';
import { withAllowedOrigin } from './shop/allowed-origins.ts';
import { type LocalShop, shopOrigin, startShop } from './shop/shop-server.ts';
import type { StackResources } from './stack-resources.ts';
import { startCloudFirehose } from './start-up/firehose.ts';
import { type CloudFolders, cloudFolders } from './start-up/folders.ts';
import { startCloudIot } from './start-up/iot.ts';
import { type CloudMetrics, cloudMetrics } from './start-up/metrics.ts';
import { assertServicePortsFree, servicePorts } from './start-up/ports.ts';
import { provision } from './start-up/provision.ts';
import { saveCloudState } from './start-up/saved-state.ts';
import { type CloudServers, startServers, stopServers } from './start-up/servers.ts';
import { type SynthesizedCloud, type SynthOptions, synthesizeCloud } from './start-up/synth.ts';
import { prepareStateDir } from './state-dir.ts';
import type { CloudPlan, FunctionPlan } from './template.ts';
import { TtlSweeper } from './ttl/ttl-sweeper.ts';
import { ttlTables } from './ttl/ttl-tables.ts';

export { LOCAL_ACCOUNT_ID } from './clients.ts';

export interface LocalCloudOptions extends SynthOptions {
  /** Where servers keep their data, the cloud assembly, checkpoints and logs; in-memory servers when unset. */
  readonly stateDir?: string;
  /** Empty the state folder first — only one streamlake created (see state-dir.ts). @default false */
  readonly fresh?: boolean;
  /**
   * First of four consecutive loopback ports (Kinesis, DynamoDB, S3, SNS); the demo shop gets base + 5, the MQTT
   * broker base + 6. 0 picks free ones. @default 0
   */
  readonly basePort?: number;
  /** Shards of an on-demand stream. @default 2 */
  readonly onDemandShards?: number;
  /** Called with a one-line description of each alert published to the local SNS. */
  readonly onAlert?: (line: string) => void;
  /**
   * How often expired items (DynamoDB TTL) are deleted from the tables that enable TTL; 0: only when
   * `cloud.ttl.sweep()` is called. @default 60_000
   */
  readonly ttlSweepEveryMs?: number;
  /**
   * Serve fault injection (for `npm run chaos`): every client reaches the services through a fault proxy,
   * ruled by a loopback control (infra/local/faults/fault-control.ts) kept in `cloud.json`. @default false
   */
  readonly faults?: boolean;
}

export interface RunMappingsOptions {
  /** Told of every batch a poller delivers (tests and the demo's progress line). */
  readonly observer?: PollerObserver;
  /** Lets tests wrap the handler of a mapping: the invoke to use for mapping `id`, or undefined for the real one. */
  readonly invokeOverride?: (id: string) => Invoke | undefined;
  /** Which mappings, schedules and delivery streams run, by logical id (benchmarks isolate one). @default all */
  readonly include?: (id: string) => boolean;
}

/** The parts a local cloud is assembled from, each made by a start-up step (see start()). */
interface LocalCloudParts {
  readonly synthesized: SynthesizedCloud;
  readonly folders: CloudFolders;
  readonly servers: CloudServers;
  readonly metrics: CloudMetrics;
  readonly alerts: AlertsLog;
  readonly checkpoints: CheckpointStore;
  readonly apiAccessLogs: ApiAccessLogs;
  readonly ttlSweepEveryMs?: number;
  readonly faults?: FaultInjection;
}

/** The fault proxies and control when asked for; the servers are stopped if they fail to start. */
const startFaultsIfAsked = async (
  asked: boolean | undefined,
  servers: CloudServers,
  cloudOf: () => LocalCloud | undefined,
): Promise<FaultInjection | undefined> => {
  if (!asked) return undefined;
  try {
    return await startFaultInjection(servers.endpoints, {
      restartKinesis: () => servers.kinesis.restart(),
      functionNamed: (name) => cloudOf()?.functionNamed(name),
      functionNames: () => cloudOf()?.plan.functions.map((fn) => fn.name) ?? [],
    });
  } catch (error) {
    await stopServers(servers);
    throw error;
  }
};

/**
 * The local cloud: real AWS-compatible servers on 127.0.0.1, provisioned from the synthesized
 * template, with each event source mapping run by a poller that invokes the bundled handler.
 */
export class LocalCloud {
  readonly plan: CloudPlan;
  /** The resource of each role (the event stream, the rollups table, …), as the stack's outputs name it. */
  readonly resources: StackResources;
  readonly schedules: SchedulePlan[];
  readonly endpoints: LocalEndpoints;
  readonly clients: LocalClients;
  /** Kinesis on the wire, for the pollers' GetRecords (see aws-json-wire.ts). */
  private readonly kinesisWire: AwsJsonWire;
  /** Every message published to the local SNS topics (the alerts). */
  readonly alerts: AlertsLog;
  readonly sns: LocalSns;
  /**
   * What CloudWatch would hold for this cloud: the functions' EMF metrics and the AWS/Lambda,
   * AWS/Kinesis, AWS/S3 and AWS/SNS metrics the local services measure.
   */
  readonly metricStore: MetricStore;
  /** The functions' log lines and their EMF counters. */
  readonly metrics: MetricsSink;
  readonly checkpoints: CheckpointStore;
  /** The stack's ops dashboard and alarms, with this cloud's physical names. */
  readonly opsView: LocalOpsView;
  /** DynamoDB's TTL, which DynamoDB Local lacks: deletes expired items of the tables that enable it. */
  readonly ttl: TtlSweeper;
  /** The fault proxies and their control, when started with `faults`. */
  readonly faults: FaultInjection | undefined;
  /** Every REST API the template deploys, served on 127.0.0.1 (infra/local/apigateway/). */
  restApis?: LocalRestApis;
  /** The collector's edge figures (requests, events accepted and refused, latency), when the stack has one. */
  readonly collectorFigures: CollectorFigures | undefined;
  /** What CloudWatch gets from the REST APIs: stage metrics, access log lines, the template's metric filters. */
  readonly apiAccessLogs: ApiAccessLogs;
  /** The demo shop (infra/local/shop/), served when the stack declares a collector. */
  shop?: LocalShop;
  /** The template's Firehose delivery streams: their API, and what they delivered (figures) while mappings run. */
  firehose?: LocalFirehose;
  private localIot?: LocalIot;
  private readonly functions = new Map<string, LocalFunction>();
  private ops?: LocalOps;
  private readonly servers: CloudServers;
  private readonly folders: CloudFolders;
  private readonly measured: CloudMetrics;

  private constructor(parts: LocalCloudParts) {
    const { synthesized, folders, servers, metrics } = parts;
    this.plan = synthesized.plan;
    this.resources = synthesized.resources;
    this.schedules = synthesized.schedules;
    this.opsView = synthesized.opsView;
    this.faults = parts.faults;
    // With fault injection on, every client passes through the proxies, as AWS clients pass the front door.
    this.endpoints = parts.faults?.endpoints ?? servers.endpoints;
    this.clients = localClients(this.endpoints);
    this.kinesisWire = new AwsJsonWire(this.endpoints.kinesis, KINESIS_JSON);
    this.alerts = parts.alerts;
    this.sns = servers.sns;
    this.metricStore = metrics.store;
    this.metrics = new MetricsSink(metrics.store, folders.functionsLog);
    this.checkpoints = parts.checkpoints;
    this.servers = servers;
    this.folders = folders;
    this.measured = metrics;
    const collectorApi = this.resources.collectorApi;
    this.collectorFigures = collectorApi ? new CollectorFigures(collectorApi.logicalId) : undefined;
    this.apiAccessLogs = parts.apiAccessLogs;
    this.ttl = new TtlSweeper(this.clients.dynamodb, ttlTables(this.plan), {
      ...(parts.ttlSweepEveryMs === undefined ? {} : { everyMs: parts.ttlSweepEveryMs }),
    });
  }

  /**
   * Starts a local cloud, step by step: the start-up checks (ports free, Java) before anything is
   * touched, then the state folder, the synth, the servers, `cloud.json` and the provisioning. Once a
   * server runs, a failing step stops every server before the failure is passed on.
   */
  static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    const ports = await servicePorts(options.basePort);
    await assertServicePortsFree(ports);
    assertJava();
    // Only once the start-up checks pass may --fresh delete anything, and only a folder streamlake made.
    if (options.stateDir) prepareStateDir(options.stateDir, { fresh: options.fresh === true });
    const folders = cloudFolders(options.stateDir);
    // Read before any server starts: an unreadable file stops the start with nothing to clean up.
    const checkpoints = new CheckpointStore(folders.checkpointsFile);
    // The shop's pages send to the collector keyless, as a site's do: its origin joins the allow-list.
    const synthesized = synthesizeCloud(folders.assemblyDir, {
      ...options,
      context: withAllowedOrigin(options.context, shopOrigin(ports.shop)),
    });
    const alerts = new AlertsLog(folders.alertsFile, options.onAlert);
    const metrics = cloudMetrics(synthesized.plan);
    // Before any server starts: a metric filter the local cloud cannot evaluate stops the start, naming it.
    const apiAccessLogs = new ApiAccessLogs(
      synthesized.plan.restApis,
      synthesized.plan.metricFilters,
      metrics.store,
      folders.logGroupFile,
    );
    const servers = await startServers(ports, folders, {
      onPuts: metrics.kinesisPuts,
      onObjectCreated: metrics.s3Requests,
      onPublish: (message) => {
        metrics.snsPublishes(message);
        alerts.record(message);
      },
    });
    let cloud: LocalCloud | undefined;
    // The control finds functions through the cloud, which is made once the proxies' endpoints are known.
    const faults = await startFaultsIfAsked(options.faults, servers, () => cloud);
    cloud = new LocalCloud({
      synthesized,
      folders,
      servers,
      metrics,
      alerts,
      checkpoints,
      apiAccessLogs,
      ...(options.ttlSweepEveryMs === undefined ? {} : { ttlSweepEveryMs: options.ttlSweepEveryMs }),
      ...(faults ? { faults } : {}),
    });
    try {
      await provision(cloud.plan, cloud.clients, { onDemandShards: options.onDemandShards ?? 2 });
      // The APIs' integrations reach the services as every other client does (through the fault proxies, if any).
      const { collectorFigures, apiAccessLogs } = cloud;
      cloud.restApis = await startRestApis(cloud.plan.restApis, {
        endpoints: cloud.endpoints,
        onAnswer: (entry) => {
          apiAccessLogs.record(entry);
          collectorFigures?.record(entry);
        },
      });
      const collectorUrl = cloud.collectorUrl;
      if (collectorUrl) cloud.shop = await startShop({ port: ports.shop, collectorUrl });
      cloud.localIot = await startCloudIot({
        devicePolicy: synthesized.devicePolicy,
        plan: cloud.plan,
        port: ports.mqtt,
        folders,
        clients: cloud.clients,
        store: metrics.store,
      });
      cloud.firehose = await startCloudFirehose(cloud.plan, folders, metrics.store);
      saveCloudState(folders, cloud.plan, cloud.resources, cloud.endpoints, {
        faults: faults?.control,
        collector: collectorUrl,
        shop: cloud.shopUrl,
        mqtt: cloud.iot?.url,
        firehose: cloud.firehose.endpoint,
      });
    } catch (error) {
      await cloud.stop();
      throw error;
    }
    cloud.ttl.start();
    return cloud;
  }

  /**
   * The bundled code of a function of the plan (e.g. `cloud.resources.functions.aggregate`), run in local
   * execution environments with its template environment.
   */
  localFunction(fn: FunctionPlan): LocalFunction {
    let local = this.functions.get(fn.logicalId);
    if (!local) {
      local = new LocalFunction(
        fn,
        handlerModule(this.folders.assemblyDir, fn),
        {
          ...fn.environment,
          ...localAwsEnvironment(this.endpoints),
          POWERTOOLS_DEV: 'false',
          NODE_OPTIONS: '',
        },
        this.metrics.accept,
        this.measured.invocations,
      );
      this.functions.set(fn.logicalId, local);
    }
    return local;
  }

  /** The function playing role `name` (aggregate, archive, …), or the one the plan names so (physical name or logical id). */
  functionNamed(name: string): LocalFunction | undefined {
    const byRole = (this.resources.functions as Record<string, FunctionPlan | undefined>)[name];
    const fn = byRole ?? this.plan.functions.find((f) => f.name === name || f.logicalId === name);
    return fn && this.localFunction(fn);
  }

  /**
   * Runs every event source mapping (Kinesis and DynamoDB streams), every schedule and every Firehose
   * delivery stream until `signal` aborts; the in-flight batch of each shard finishes and is checkpointed
   * first, and each delivery stream writes what it buffered.
   */
  async runMappings(signal: AbortSignal, options: RunMappingsOptions = {}) {
    const { observer, invokeOverride, include = () => true } = options;
    const functionOf = (name: string) => this.plan.functions.find((f) => f.name === name);
    const observed = observeAll(observer, this.measured.mappings);
    const invokerOf = (functionName: string) => (event: unknown) => {
      const fn = functionOf(functionName);
      if (!fn) throw new Error(`no function named ${functionName} in the plan`);
      return this.localFunction(fn).invoke(event);
    };
    const kinesis = this.plan.kinesisMappings
      .filter((mapping) => mapping.enabled && include(mapping.id))
      .map((mapping) =>
        new KinesisMappingPoller(mapping, {
          kinesis: this.clients.kinesis,
          kinesisWire: this.kinesisWire,
          s3: this.clients.s3,
          checkpoints: this.checkpoints,
          invoke: invokeOverride?.(mapping.id) ?? invokerOf(mapping.functionName),
          region: LOCAL_REGION,
          roleArn: functionOf(mapping.functionName)?.roleArn ?? '',
          signal,
          observer: observed,
        }).run(),
      );
    const streams = this.plan.dynamoDbStreamMappings
      .filter((mapping) => mapping.enabled && include(mapping.id))
      .map((mapping) =>
        new DynamoDbStreamMappingPoller(mapping, {
          streams: this.clients.dynamodbStreams,
          dynamodb: this.clients.dynamodb,
          s3: this.clients.s3,
          checkpoints: this.checkpoints,
          invoke:
            (invokeOverride?.(mapping.id) as
              | ((event: DynamoDBStreamEvent) => Promise<unknown>)
              | undefined) ?? invokerOf(mapping.functionName),
          region: LOCAL_REGION,
          signal,
          observer: observed,
        }).run(),
      );
    const schedules = this.schedules
      .filter((schedule) => schedule.enabled && include(schedule.ruleId))
      .map((schedule) => this.runSchedule(schedule, signal));
    const deliveries = this.firehose?.run({ clients: this.clients, signal, include }) ?? [];
    await Promise.all([...kinesis, ...streams, ...schedules, ...deliveries]);
  }

  /** EventBridge's rate schedule: invoke the target every period until `signal` aborts. */
  private async runSchedule(schedule: SchedulePlan, signal: AbortSignal): Promise<void> {
    const target = this.plan.functions.find((f) => f.logicalId === schedule.functionLogicalId);
    if (!target) return;
    while (!signal.aborted) {
      await wait(schedule.everyMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const event = scheduledEvent(schedule, LOCAL_REGION, LOCAL_ACCOUNT_ID, Date.now());
      // A scheduled invocation is asynchronous on AWS: a failure is logged, never fatal to the caller.
      await this.localFunction(target)
        .invoke(event)
        .catch(() => undefined);
    }
  }

  /**
   * Serves the ops dashboard on 127.0.0.1 and starts evaluating the ops alarms, whose changes are
   * published to the stack's ops topic; stopped with the cloud.
   */
  async serveOps(options: { port: number; onAlarm?: (line: string) => void }): Promise<LocalOps> {
    this.ops ??= await LocalOps.start({
      store: this.metricStore,
      view: this.opsView,
      alerts: this.alerts,
      ...(this.clients.sns ? { sns: this.clients.sns } : {}),
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      port: options.port,
      ...(options.onAlarm ? { onAlarm: options.onAlarm } : {}),
    });
    return this.ops;
  }

  /** s3rver's folder (objects are files under `<folder>/<bucket>/<key>`), for tools that list the local lake. */
  get s3Directory(): string {
    return this.folders.s3Data;
  }

  get state(): string | undefined {
    return this.folders.stateDir;
  }

  /** The web collector's browser route (`POST …/v1/events`) on 127.0.0.1, when the stack declares a collector. */
  get collectorUrl(): string | undefined {
    return this.collectorRoute(DEFAULTS.collector.browserPath);
  }

  /**
   * The collector's route for server-side sources (`POST …/v1/server/events`) and the value of the stack's API
   * key for it: how `npm start` sends the simulated web clickstream.
   */
  get collectorServerSource(): { readonly url: string; readonly apiKey: string } | undefined {
    const url = this.collectorRoute(DEFAULTS.collector.serverPath);
    const key = this.resources.collectorApiKey;
    const apiKey = key === undefined ? undefined : this.restApis?.apiKeys.get(key);
    return url && apiKey ? { url, apiKey } : undefined;
  }

  private collectorRoute(path: string): string | undefined {
    const api = this.resources.collectorApi;
    const base = api && this.restApis?.urls.get(api.logicalId);
    return base ? `${base}${path.replace(/^\//, '')}` : undefined;
  }

  /**
   * The local IoT Core (infra/local/iot/): the MQTT broker with its CA, device registry and the stack's device
   * policy, handing what it accepts to the template's topic rules; undefined for a stack without a device policy.
   */
  get iot(): LocalIot | undefined {
    return this.localIot;
  }

  /** The demo shop's `http://127.0.0.1:<port>/`, when the stack declares a collector. */
  get shopUrl(): string | undefined {
    return this.shop?.url;
  }

  async stop(): Promise<void> {
    await this.ttl.stop();
    await this.ops?.stop();
    await this.shop?.stop();
    // Before the servers: the rule engine finishes writing what the broker accepted.
    await this.localIot?.stop();
    await this.restApis?.stop();
    await this.firehose?.stop();
    await Promise.all([...this.functions.values()].map((fn) => fn.stop()));
    await this.faults?.stop();
    this.kinesisWire.destroy();
    await stopServers(this.servers);
    if (this.folders.ephemeralDir) rmSync(this.folders.ephemeralDir, { recursive: true, force: true });
  }
}
