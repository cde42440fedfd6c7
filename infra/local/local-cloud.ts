import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createStreamlakeApp, type StreamlakeAppOptions } from '../streamlake-app.ts';
import { AlertsLog } from './alerts-log.ts';
import {
  LOCAL_REGION,
  type LocalClients,
  type LocalEndpoints,
  localAwsEnvironment,
  localClients,
} from './clients.ts';
import { writeCloudState } from './cloud-state.ts';
import { LocalOps } from './dashboard/local-ops.ts';
import { type LocalOpsView, localOpsView } from './dashboard/local-ops-view.ts';
import { CheckpointStore } from './esm/checkpoints.ts';
import { DynamoDbStreamMappingPoller } from './esm/dynamodb-stream-poller.ts';
import { type Invoke, KinesisMappingPoller, type PollerObserver } from './esm/kinesis-poller.ts';
import { handlerModule, LocalFunction } from './lambda/local-function.ts';
import { kinesisPutMetrics } from './metrics/kinesis-metrics.ts';
import { lambdaInvocationMetrics } from './metrics/lambda-metrics.ts';
import { givenUpMetrics, iteratorAgeMetrics, observeAll } from './metrics/mapping-metrics.ts';
import { MetricStore } from './metrics/metric-store.ts';
import { MetricsSink } from './metrics/metrics-sink.ts';
import { s3RequestMetrics } from './metrics/s3-metrics.ts';
import { snsPublishMetrics } from './metrics/sns-metrics.ts';
import { provision } from './provision.ts';
import { type SchedulePlan, scheduledEvent, schedulesFromTemplate } from './schedules.ts';
import { assertJava, startDynamoDb } from './servers/dynamodb-server.ts';
import { type LocalServer, startKinesis } from './servers/kinesis-server.ts';
import { assertPortFree, freePort } from './servers/ports.ts';
import { startS3 } from './servers/s3-server.ts';
import { type LocalSns, startSns } from './servers/sns-server.ts';
import { type StackResources, stackResources } from './stack-resources.ts';
import { prepareStateDir } from './state-dir.ts';
import { type CloudPlan, type FunctionPlan, planFromTemplate, type Template } from './template.ts';

export interface LocalCloudOptions {
  /** Where servers keep their data, the cloud assembly, checkpoints and logs; in-memory servers when unset. */
  readonly stateDir?: string;
  /** Empty the state folder first — only one streamlake created (see state-dir.ts). @default false */
  readonly fresh?: boolean;
  /** First of four consecutive loopback ports (Kinesis, DynamoDB, S3, SNS); 0 picks free ones. @default 0 */
  readonly basePort?: number;
  /** Shards of an on-demand stream. @default 2 */
  readonly onDemandShards?: number;
  /** Called with a one-line description of each alert published to the local SNS. */
  readonly onAlert?: (line: string) => void;
  /** CDK context for the synth, e.g. a shorter batching window for a demo. */
  readonly context?: Record<string, unknown>;
  /** The stack class to synthesize; tests give a variant of it. @default StreamlakeStack */
  readonly stack?: StreamlakeAppOptions['stack'];
}

export interface RunMappingsOptions {
  /** Told of every batch a poller delivers (tests and the demo's progress line). */
  readonly observer?: PollerObserver;
  /** Lets tests wrap the handler of a mapping: the invoke to use for mapping `id`, or undefined for the real one. */
  readonly invokeOverride?: (id: string) => Invoke | undefined;
  /** Which mappings and schedules run; all by default (benchmarks isolate one consumer). @default all */
  readonly include?: (id: string) => boolean;
}

export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * The Node.js Lambda runtime provides the AWS SDK v3, so bundles leave `@aws-sdk/*` out. The local
 * runtime provides the same — and only that — by linking the project's copy next to the assets.
 */
const provideRuntimeSdk = (assemblyDir: string): void => {
  const sdk = dirname(
    dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb/package.json')),
  );
  const link = join(assemblyDir, 'node_modules', '@aws-sdk');
  if (existsSync(link)) return;
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(sdk, link, 'dir');
};

/**
 * The local cloud: real AWS-compatible servers on 127.0.0.1, provisioned from the synthesized
 * template, with each event source mapping run by a poller that invokes the bundled handler.
 */
export class LocalCloud {
  private readonly functions = new Map<string, LocalFunction>();
  private ops?: LocalOps;
  private readonly invocationMetrics: ReturnType<typeof lambdaInvocationMetrics>;
  private readonly mappingMetrics: PollerObserver;

  private constructor(
    readonly plan: CloudPlan,
    /** The resource of each role (the event stream, the rollups table, …), as the stack's outputs name it. */
    readonly resources: StackResources,
    readonly schedules: SchedulePlan[],
    readonly endpoints: LocalEndpoints,
    readonly clients: LocalClients,
    /** Every message published to the local SNS topics (the alerts). */
    readonly alerts: AlertsLog,
    readonly sns: LocalSns,
    /**
     * What CloudWatch would hold for this cloud: the functions' EMF metrics and the AWS/Lambda,
     * AWS/Kinesis, AWS/S3 and AWS/SNS metrics the local services measure.
     */
    readonly metricStore: MetricStore,
    /** The functions' log lines and their EMF counters. */
    readonly metrics: MetricsSink,
    readonly checkpoints: CheckpointStore,
    /** The stack's ops dashboard and alarms, with this cloud's physical names. */
    readonly opsView: LocalOpsView,
    private readonly servers: LocalServer[],
    private readonly assemblyDir: string,
    private readonly stateDir?: string,
    private readonly ephemeralDir?: string,
  ) {
    this.invocationMetrics = lambdaInvocationMetrics(metricStore);
    this.mappingMetrics = observeAll(
      iteratorAgeMetrics(metricStore, plan),
      givenUpMetrics(metricStore, plan),
    );
  }

  static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    const { stateDir } = options;
    const ports = options.basePort
      ? [options.basePort, options.basePort + 1, options.basePort + 2, options.basePort + 3]
      : [await freePort(), await freePort(), await freePort(), await freePort()];
    const [kinesisPort, dynamoPort, s3Port, snsPort] = ports as [number, number, number, number];
    await assertPortFree(kinesisPort, 'Kinesis');
    await assertPortFree(dynamoPort, 'DynamoDB Local');
    await assertPortFree(s3Port, 'S3');
    await assertPortFree(snsPort, 'SNS');
    // Only once the start-up checks pass may --fresh delete anything, and only a folder streamlake made.
    assertJava();
    if (stateDir) prepareStateDir(stateDir, { fresh: options.fresh === true });

    // Without a state folder everything is ephemeral: servers in memory, files in a temporary folder.
    const scratchDir = stateDir ?? mkdtempSync(join(tmpdir(), 'streamlake-'));
    const assemblyDir = join(scratchDir, 'cdk.out');
    const { app, stack } = createStreamlakeApp({
      outdir: assemblyDir,
      context: { 'streamlake:nag': false, ...options.context },
      ...(options.stack ? { stack: options.stack } : {}),
    });
    const template = app.synth().getStackByName(stack.stackName).template as Template;
    const plan = planFromTemplate(template, {
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      stackName: 'streamlake',
    });
    const resources = stackResources(template, plan, stack.stackName);
    provideRuntimeSdk(assemblyDir);

    const alerts = new AlertsLog(stateDir && join(stateDir, 'alerts.jsonl'), options.onAlert);
    const metricStore = new MetricStore();
    const publishMetrics = snsPublishMetrics(metricStore);
    const servers: LocalServer[] = [];
    try {
      servers.push(
        await startKinesis(kinesisPort, stateDir && join(stateDir, 'kinesis'), {
          onPuts: kinesisPutMetrics(metricStore),
        }),
      );
      servers.push(await startDynamoDb(dynamoPort, stateDir && join(stateDir, 'dynamodb')));
      servers.push(
        await startS3(s3Port, join(scratchDir, 's3'), {
          onObjectCreated: s3RequestMetrics(metricStore, plan.buckets),
        }),
      );
      servers.push(
        await startSns(snsPort, {
          ...(stateDir ? { statePath: join(stateDir, 'sns.json') } : {}),
          onPublish: (message) => {
            publishMetrics(message);
            alerts.record(message);
          },
        }),
      );
    } catch (error) {
      await Promise.all(servers.map((server) => server.stop()));
      throw error;
    }
    const [kinesis, dynamodb, s3, sns] = servers as [LocalServer, LocalServer, LocalServer, LocalSns];
    const endpoints = {
      kinesis: kinesis.endpoint,
      dynamodb: dynamodb.endpoint,
      s3: s3.endpoint,
      sns: sns.endpoint,
    };
    const clients = localClients(endpoints);
    const cloud = new LocalCloud(
      plan,
      resources,
      schedulesFromTemplate(template, LOCAL_REGION, LOCAL_ACCOUNT_ID),
      endpoints,
      clients,
      alerts,
      sns,
      metricStore,
      new MetricsSink(metricStore, stateDir && join(stateDir, 'logs', 'functions.log')),
      new CheckpointStore(stateDir && join(stateDir, 'checkpoints.json')),
      localOpsView(stack, plan),
      servers,
      assemblyDir,
      stateDir,
      stateDir ? undefined : scratchDir,
    );
    if (stateDir) {
      writeCloudState(stateDir, {
        lakeBucket: resources.lakeBucket.name,
        s3Directory: join(stateDir, 's3'),
        rollupsTable: resources.rollupsTable.name,
        eventStream: resources.eventStream.name,
        buckets: plan.buckets.map((b) => b.name),
        endpoints,
      });
    }
    try {
      await provision(plan, clients, { onDemandShards: options.onDemandShards ?? 2 });
    } catch (error) {
      await cloud.stop();
      throw error;
    }
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
        handlerModule(this.assemblyDir, fn),
        {
          ...fn.environment,
          ...localAwsEnvironment(this.endpoints),
          POWERTOOLS_DEV: 'false',
          NODE_OPTIONS: '',
        },
        this.metrics.accept,
        this.invocationMetrics,
      );
      this.functions.set(fn.logicalId, local);
    }
    return local;
  }

  /**
   * Runs every event source mapping (Kinesis and DynamoDB streams) and every schedule until
   * `signal` aborts; the in-flight batch of each shard finishes and is checkpointed first.
   */
  async runMappings(signal: AbortSignal, options: RunMappingsOptions = {}) {
    const { observer, invokeOverride, include = () => true } = options;
    const functionOf = (name: string) => this.plan.functions.find((f) => f.name === name);
    const observed = observeAll(observer, this.mappingMetrics);
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
    await Promise.all([...kinesis, ...streams, ...schedules]);
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

  get state(): string | undefined {
    return this.stateDir;
  }

  async stop(): Promise<void> {
    await this.ops?.stop();
    await Promise.all([...this.functions.values()].map((fn) => fn.stop()));
    await this.sns.drain();
    await Promise.allSettled(this.servers.map((server) => server.stop()));
    if (this.ephemeralDir) rmSync(this.ephemeralDir, { recursive: true, force: true });
  }
}
