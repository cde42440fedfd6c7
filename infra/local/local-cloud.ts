import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { createStreamlakeApp } from '../streamlake-app.ts';
import {
  LOCAL_REGION,
  type LocalClients,
  type LocalEndpoints,
  localAwsEnvironment,
  localClients,
} from './clients.ts';
import { CheckpointStore } from './esm/checkpoints.ts';
import { type Invoke, KinesisMappingPoller, type PollerObserver } from './esm/kinesis-poller.ts';
import { handlerModule, LocalFunction } from './lambda/local-function.ts';
import { MetricsSink } from './metrics-sink.ts';
import { provision } from './provision.ts';
import { startDynamoDb } from './servers/dynamodb-server.ts';
import { type LocalServer, startKinesis } from './servers/kinesis-server.ts';
import { assertPortFree, freePort } from './servers/ports.ts';
import { startS3 } from './servers/s3-server.ts';
import { type CloudPlan, planFromTemplate, type Template } from './template.ts';

export interface LocalCloudOptions {
  /** Where servers keep their data, the cloud assembly, checkpoints and logs; in-memory servers when unset. */
  readonly stateDir?: string;
  /** Delete the state first. @default false */
  readonly fresh?: boolean;
  /** First of three consecutive loopback ports (Kinesis, DynamoDB, S3); 0 picks free ones. @default 0 */
  readonly basePort?: number;
  /** Shards of an on-demand stream. @default 2 */
  readonly onDemandShards?: number;
  /** CDK context for the synth, e.g. a shorter batching window for a demo. */
  readonly context?: Record<string, unknown>;
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

  private constructor(
    readonly plan: CloudPlan,
    readonly endpoints: LocalEndpoints,
    readonly clients: LocalClients,
    readonly metrics: MetricsSink,
    readonly checkpoints: CheckpointStore,
    private readonly servers: LocalServer[],
    private readonly assemblyDir: string,
    private readonly stateDir?: string,
    private readonly ephemeralDir?: string,
  ) {}

  static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    const { stateDir } = options;
    if (stateDir && options.fresh) rmSync(stateDir, { recursive: true, force: true });
    const ports = options.basePort
      ? [options.basePort, options.basePort + 1, options.basePort + 2]
      : [await freePort(), await freePort(), await freePort()];
    const [kinesisPort, dynamoPort, s3Port] = ports as [number, number, number];
    await assertPortFree(kinesisPort, 'Kinesis');
    await assertPortFree(dynamoPort, 'DynamoDB Local');
    await assertPortFree(s3Port, 'S3');

    // Without a state folder everything is ephemeral: servers in memory, files in a temporary folder.
    const scratchDir = stateDir ?? mkdtempSync(join(tmpdir(), 'streamlake-'));
    const assemblyDir = join(scratchDir, 'cdk.out');
    const { app, stack } = createStreamlakeApp({
      outdir: assemblyDir,
      context: { 'streamlake:nag': false, ...options.context },
    });
    const template = app.synth().getStackByName(stack.stackName).template as Template;
    const plan = planFromTemplate(template, {
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      stackName: 'streamlake',
    });
    provideRuntimeSdk(assemblyDir);

    const servers: LocalServer[] = [];
    try {
      servers.push(await startKinesis(kinesisPort, stateDir && join(stateDir, 'kinesis')));
      servers.push(await startDynamoDb(dynamoPort, stateDir && join(stateDir, 'dynamodb')));
      servers.push(await startS3(s3Port, join(scratchDir, 's3')));
    } catch (error) {
      await Promise.all(servers.map((server) => server.stop()));
      throw error;
    }
    const [kinesis, dynamodb, s3] = servers as [LocalServer, LocalServer, LocalServer];
    const endpoints = { kinesis: kinesis.endpoint, dynamodb: dynamodb.endpoint, s3: s3.endpoint };
    const clients = localClients(endpoints);
    const cloud = new LocalCloud(
      plan,
      endpoints,
      clients,
      new MetricsSink(stateDir && join(stateDir, 'logs', 'functions.log')),
      new CheckpointStore(stateDir && join(stateDir, 'checkpoints.json')),
      servers,
      assemblyDir,
      stateDir,
      stateDir ? undefined : scratchDir,
    );
    if (stateDir) {
      // What tools like `npm run rollups` need to find the data after the servers stop.
      const names = {
        lakeBucket: plan.buckets.find((b) => b.logicalId.startsWith('LakeBucket'))?.name,
        s3Directory: join(stateDir, 's3'),
        rollupsTable: plan.tables[0]?.name,
        streams: plan.streams.map((s) => s.name),
        buckets: plan.buckets.map((b) => b.name),
      };
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(join(stateDir, 'cloud.json'), JSON.stringify({ ...names, endpoints }, null, 2));
    }
    try {
      await provision(plan, clients, { onDemandShards: options.onDemandShards ?? 2 });
    } catch (error) {
      await cloud.stop();
      throw error;
    }
    return cloud;
  }

  /** The bundled code of a function, run in local execution environments with its template environment. */
  functionNamed(logicalIdPrefix: string): LocalFunction {
    const fn = this.plan.functions.find((f) => f.logicalId.startsWith(logicalIdPrefix));
    if (!fn) throw new Error(`no function whose logical id starts with ${logicalIdPrefix}`);
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
      );
      this.functions.set(fn.logicalId, local);
    }
    return local;
  }

  /** The id of the (first) mapping that invokes the function whose logical id starts with the prefix. */
  mappingIdOf(logicalIdPrefix: string): string {
    const fn = this.plan.functions.find((f) => f.logicalId.startsWith(logicalIdPrefix));
    const mapping = this.plan.kinesisMappings.find((m) => m.functionName === fn?.name);
    if (!mapping) throw new Error(`no event source mapping invokes a function named ${logicalIdPrefix}…`);
    return mapping.id;
  }

  /**
   * Runs every Kinesis event source mapping until `signal` aborts; the in-flight batch of each
   * shard finishes and is checkpointed first. `invokeOverride` lets tests wrap the handler.
   */
  async runMappings(
    signal: AbortSignal,
    observer?: PollerObserver,
    invokeOverride?: (id: string) => Invoke | undefined,
  ) {
    const pollers = this.plan.kinesisMappings
      .filter((mapping) => mapping.enabled)
      .map((mapping) => {
        const fn = this.plan.functions.find((f) => f.name === mapping.functionName);
        const invoke =
          invokeOverride?.(mapping.id) ??
          ((event: KinesisStreamEvent) =>
            this.functionNamed(fn?.logicalId ?? mapping.functionName).invoke(event));
        return new KinesisMappingPoller(mapping, {
          kinesis: this.clients.kinesis,
          s3: this.clients.s3,
          checkpoints: this.checkpoints,
          invoke,
          region: LOCAL_REGION,
          roleArn: fn?.roleArn ?? '',
          signal,
          ...(observer ? { observer } : {}),
        });
      });
    await Promise.all(pollers.map((poller) => poller.run()));
  }

  get state(): string | undefined {
    return this.stateDir;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.functions.values()].map((fn) => fn.stop()));
    await Promise.allSettled(this.servers.map((server) => server.stop()));
    if (this.ephemeralDir) rmSync(this.ephemeralDir, { recursive: true, force: true });
  }
}
