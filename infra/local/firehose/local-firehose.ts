import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CheckpointStore } from '../esm/checkpoints.ts';
import type { MetricStore } from '../metrics/metric-store.ts';
import { type LogRotation, RotatingLog } from '../rotating-log.ts';
import { freePort } from '../servers/ports.ts';
import { FirehoseFigures, firehoseMetrics } from './delivery-metrics.ts';
import { DeliveryPositions } from './delivery-positions.ts';
import type { DeliveryStreamPlan } from './delivery-stream-plan.ts';
import type { ServedDeliveryStream } from './firehose-api.ts';
import { FirehoseServer } from './firehose-server.ts';
import { runDeliveryStream } from './run-delivery-stream.ts';

/** A delivery stream's error log (`logs/<log group>.log`): a line per failed PutObject; 8 MiB at most. */
const DELIVERY_LOG_ROTATION: LogRotation = { maxBytes: 4 * 1024 * 1024, olderFiles: 1 };

export interface LocalFirehoseOptions {
  /** The template's delivery streams (template-firehose.ts). */
  readonly deliveryStreams: readonly DeliveryStreamPlan[];
  /** Where each delivery stream's positions are kept (`firehose-positions.json` with a state folder). */
  readonly positions: CheckpointStore;
  readonly metricStore: MetricStore;
  readonly accountId: string;
  /** The API's loopback port. @default a free one */
  readonly port?: number;
  /** Where a log group the template declares gets its lines; a delivery stream logging to one writes its errors there. */
  readonly logFileOf?: (logGroupLogicalId: string) => string;
}

export interface DeliveryRunOptions {
  /** The clients the deliveries read and write through (the fault proxies', with --faults). */
  readonly clients: { readonly kinesis: KinesisClient; readonly s3: S3Client };
  readonly signal: AbortSignal;
  /** Which delivery streams run, by logical id. @default all */
  readonly include?: (logicalId: string) => boolean;
  /** Pause after a read that was not a full page. @default 1000 */
  readonly idlePollMs?: number;
}

/**
 * The local Kinesis Data Firehose: the template's delivery streams, answered for on the Firehose API and,
 * while the cloud runs its mappings, each reading its Kinesis source into the raw zone with positions that
 * survive restarts; figures and AWS/Firehose metrics of what it delivered.
 */
export class LocalFirehose {
  /** Records, objects and bytes each delivery stream wrote since this cloud started. */
  readonly figures = new FirehoseFigures();

  private constructor(
    private readonly options: LocalFirehoseOptions,
    private readonly positions: DeliveryPositions,
    private readonly served: readonly ServedDeliveryStream[],
    private readonly server: FirehoseServer,
  ) {}

  /**
   * Records each delivery stream's creation (its first start on this state folder: it delivers what arrives
   * from then on, as Firehose reads from the tip of its source) and serves the API.
   */
  static async start(options: LocalFirehoseOptions): Promise<LocalFirehose> {
    const positions = new DeliveryPositions(options.positions);
    const served = options.deliveryStreams.map((plan) => ({
      plan,
      createdAtMs: positions.createdAt(plan.name, Date.now()),
    }));
    const server = await FirehoseServer.start(options.port ?? (await freePort()), served, options.accountId);
    return new LocalFirehose(options, positions, served, server);
  }

  /** `http://127.0.0.1:<port>`: the endpoint for a FirehoseClient. */
  get endpoint(): string {
    return this.server.endpoint;
  }

  get deliveryStreams(): readonly DeliveryStreamPlan[] {
    return this.options.deliveryStreams;
  }

  /**
   * Runs every included delivery stream until the signal aborts, each settling once its shards have written
   * what they buffered. A delivery stream rejects only when its source or destination fails for good.
   */
  run(run: DeliveryRunOptions): Promise<void>[] {
    const observer = this.figures.observer(firehoseMetrics(this.options.metricStore));
    return this.served
      .filter(({ plan }) => run.include?.(plan.logicalId) ?? true)
      .map(({ plan, createdAtMs }) => {
        const log = this.logOf(plan);
        return runDeliveryStream(plan, plan.source.readFromTimestampMs ?? createdAtMs, {
          ...run.clients,
          positions: this.positions,
          observer,
          signal: run.signal,
          ...(log ? { logError: (line: string) => log.append(line) } : {}),
          ...(run.idlePollMs === undefined ? {} : { idlePollMs: run.idlePollMs }),
        });
      });
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  private logOf(plan: DeliveryStreamPlan): RotatingLog | undefined {
    const logGroup = plan.destination.logging?.logGroupLogicalId;
    const { logFileOf } = this.options;
    return logGroup && logFileOf ? new RotatingLog(logFileOf(logGroup), DELIVERY_LOG_ROTATION) : undefined;
  }
}
