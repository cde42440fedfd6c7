import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import type { AnalyticsSettings } from './constructs/analytics-catalog.ts';
import type { WebCollectorSettings } from './constructs/collector/settings.ts';
import type { DeviceEdgeSettings } from './constructs/device-edge/settings.ts';
import type { EventStreamCapacity } from './constructs/event-stream.ts';
import type { EventTimePolicy } from './constructs/event-time-policy.ts';
import type { FanoutTuning } from './constructs/fanout-tuning.ts';
import type { LakeCompactionSettings } from './constructs/lake-compaction/settings.ts';
import type { OpsThresholdSettings } from './constructs/ops-thresholds.ts';
import type { RawZoneSettings } from './constructs/raw-zone/settings.ts';
import type { StreamConsumerTuning } from './constructs/stream-consumer-tuning.ts';
import type { TableCapacity } from './constructs/table-capacity.ts';
import type { TrackerHostingSettings } from './constructs/tracker-hosting/settings.ts';

/**
 * How a context value is read. Values given with `-c key=value` arrive as strings, those from cdk.json or
 * code as numbers and booleans; both are accepted.
 */
const READERS = {
  number: (key: string, value: unknown): number => {
    const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof parsed === 'number' && !Number.isNaN(parsed)) return parsed;
    throw new Error(`context ${key} must be a number (given ${JSON.stringify(value)})`);
  },
  /** A list, from cdk.json as an array of strings or from `-c key=a,b` as comma-separated text. */
  strings: (key: string, value: unknown): readonly string[] => {
    const list = typeof value === 'string' ? value.split(',') : value;
    if (Array.isArray(list) && list.every((item) => typeof item === 'string')) {
      return list.map((item) => item.trim()).filter((item) => item !== '');
    }
    throw new Error(
      `context ${key} must be a list of strings or comma-separated text (given ${JSON.stringify(value)})`,
    );
  },
  string: (key: string, value: unknown): string => {
    if (typeof value === 'string') return value;
    throw new Error(`context ${key} must be a string (given ${JSON.stringify(value)})`);
  },
  boolean: (key: string, value: unknown): boolean => {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new Error(`context ${key} must be true or false (given ${JSON.stringify(value)})`);
  },
  seconds: (key: string, value: unknown): Duration => Duration.seconds(READERS.number(key, value)),
  minutes: (key: string, value: unknown): Duration => Duration.minutes(READERS.number(key, value)),
  days: (key: string, value: unknown): Duration => Duration.days(READERS.number(key, value)),
  mebibytes: (key: string, value: unknown): Size => Size.mebibytes(READERS.number(key, value)),
  removalPolicy: (key: string, value: unknown): RemovalPolicy => {
    if (value === 'retain') return RemovalPolicy.RETAIN;
    if (value === 'destroy') return RemovalPolicy.DESTROY;
    throw new Error(`context ${key} must be "retain" or "destroy" (given ${JSON.stringify(value)})`);
  },
};

type Kind = keyof typeof READERS;
type ValueOf<K extends Kind> = ReturnType<(typeof READERS)[K]>;
type KindFor<V> = V extends Duration
  ? 'seconds' | 'minutes' | 'days'
  : V extends Size
    ? 'mebibytes'
    : V extends RemovalPolicy
      ? 'removalPolicy'
      : V extends number
        ? 'number'
        : V extends boolean
          ? 'boolean'
          : V extends readonly string[]
            ? 'strings'
            : 'string';

/** Which context key (and how read) sets each setting of a props interface. */
export type ContextSpec = Readonly<Record<string, readonly [key: string, kind: Kind]>>;
/** A spec that covers every setting of `T`, each read as its type. */
type ContextSpecFor<T> = {
  readonly [P in keyof T]-?: readonly [key: string, kind: KindFor<NonNullable<T[P]>>];
};
/** The settings a spec reads: each one set in context, or given in props. */
export type SettingsOf<S extends ContextSpec> = { -readonly [P in keyof S]?: ValueOf<S[P][1]> };

/** The knobs every stream consumer shares, per stage: `streamlake:<stage>BatchSize` and so on. */
const consumerKeys = <Stage extends 'aggregate' | 'archive' | 'fanout'>(stage: Stage) =>
  ({
    batchSize: [`streamlake:${stage}BatchSize`, 'number'],
    maxBatchingWindow: [`streamlake:${stage}BatchingWindowSeconds`, 'seconds'],
    retryAttempts: [`streamlake:${stage}RetryAttempts`, 'number'],
    maxRecordAge: [`streamlake:${stage}MaxRecordAgeSeconds`, 'seconds'],
    iteratorAgeAlarmThreshold: [`streamlake:${stage}IteratorAgeAlarmSeconds`, 'seconds'],
  }) as const satisfies ContextSpecFor<StreamConsumerTuning>;

/**
 * Every CDK context key that tunes a deployment without code changes, by the setting it sets, e.g.
 * `npx cdk synth -c streamlake:aggregateBatchingWindowSeconds=1`. Stack props win over context.
 */
export const CONTEXT_SETTINGS = {
  app: {
    /** `false` skips the cdk-nag AwsSolutions checks. */
    nag: ['streamlake:nag', 'boolean'],
  },
  stack: {
    /** `retain` (default) or `destroy`, for the stream, the tables and the buckets. */
    removalPolicy: ['streamlake:removalPolicy', 'removalPolicy'],
    /** An address subscribed to the alerts topic by email (it must confirm the subscription). */
    alertEmail: ['streamlake:alertEmail', 'string'],
    /** An address subscribed to the ops topic (the ops alarms) by email; it must confirm the subscription. */
    opsEmail: ['streamlake:opsEmail', 'string'],
    quarantineExpiration: ['streamlake:quarantineExpirationDays', 'days'],
    onFailureExpiration: ['streamlake:onFailureExpirationDays', 'days'],
    noncurrentVersionExpiration: ['streamlake:noncurrentVersionExpirationDays', 'days'],
  },
  /** The event stream's capacity: `-c streamlake:streamShards=4`, or `-c streamlake:streamOnDemand=true`. */
  eventStream: {
    shards: ['streamlake:streamShards', 'number'],
    onDemand: ['streamlake:streamOnDemand', 'boolean'],
  } satisfies ContextSpecFor<EventStreamCapacity>,
  /**
   * How the tables pay for capacity: `-c streamlake:tablesOnDemand=false` provisions them with auto scaling
   * (`streamlake:tableTargetUtilizationPercent`, `streamlake:tableMaxUnits`).
   */
  tables: {
    onDemand: ['streamlake:tablesOnDemand', 'boolean'],
    targetUtilizationPercent: ['streamlake:tableTargetUtilizationPercent', 'number'],
    maxUnits: ['streamlake:tableMaxUnits', 'number'],
  } satisfies ContextSpecFor<TableCapacity>,
  /** One event-time policy for every Kinesis consumer. */
  eventTime: {
    allowedLateness: ['streamlake:allowedLatenessSeconds', 'seconds'],
    clockSkew: ['streamlake:clockSkewSeconds', 'seconds'],
    maxEventBytes: ['streamlake:maxEventBytes', 'number'],
    duplicateHorizon: ['streamlake:duplicateHorizonSeconds', 'seconds'],
  } satisfies ContextSpecFor<EventTimePolicy>,
  aggregate: consumerKeys('aggregate'),
  /** The local demo shortens the archiver's 60-second window so files appear within seconds. */
  archive: consumerKeys('archive'),
  fanout: {
    ...consumerKeys('fanout'),
    deviceSilentAfter: ['streamlake:deviceSilentMinutes', 'minutes'],
    silentCheckInterval: ['streamlake:silentDeviceCheckMinutes', 'minutes'],
  } satisfies ContextSpecFor<FanoutTuning>,
  analytics: {
    databaseName: ['streamlake:analyticsDatabaseName', 'string'],
    workGroupName: ['streamlake:analyticsWorkGroupName', 'string'],
    resultsExpiration: ['streamlake:queryResultsExpirationDays', 'days'],
  } satisfies ContextSpecFor<AnalyticsSettings>,
  /** The web collector; see `StreamlakeStackProps.collector`. */
  collector: {
    /** e.g. `-c streamlake:collectorAllowedOrigins=https://shop.example,http://127.0.0.1:8080` */
    allowedOrigins: ['streamlake:collectorAllowedOrigins', 'strings'],
    rateLimit: ['streamlake:collectorRateLimit', 'number'],
    burstLimit: ['streamlake:collectorBurstLimit', 'number'],
    keyRateLimit: ['streamlake:collectorKeyRateLimit', 'number'],
    keyBurstLimit: ['streamlake:collectorKeyBurstLimit', 'number'],
  } satisfies ContextSpecFor<WebCollectorSettings>,
  /** The device edge; see `StreamlakeStackProps.devices`. */
  devices: {
    errorExpiration: ['streamlake:deviceErrorExpirationDays', 'days'],
  } satisfies ContextSpecFor<DeviceEdgeSettings>,
  /** The raw zone (Firehose → S3); see `StreamlakeStackProps.rawZone`. The local cloud buffers for seconds, not minutes. */
  rawZone: {
    bufferingInterval: ['streamlake:rawBufferingIntervalSeconds', 'seconds'],
    bufferingSize: ['streamlake:rawBufferingSizeMiB', 'mebibytes'],
    glacierAfter: ['streamlake:rawGlacierAfterDays', 'days'],
    expiration: ['streamlake:rawExpirationDays', 'days'],
    freshnessAlarmThreshold: ['streamlake:rawFreshnessAlarmSeconds', 'seconds'],
  } satisfies ContextSpecFor<RawZoneSettings>,
  /** Compaction of closed lake hours; see `StreamlakeStackProps.compaction`. */
  compaction: {
    interval: ['streamlake:compactionIntervalMinutes', 'minutes'],
    settleMargin: ['streamlake:compactionSettleMarginSeconds', 'seconds'],
    gracePeriod: ['streamlake:compactionGraceSeconds', 'seconds'],
    targetPartSize: ['streamlake:compactionTargetPartMiB', 'mebibytes'],
    writeMargin: ['streamlake:compactionWriteMarginSeconds', 'seconds'],
  } satisfies ContextSpecFor<LakeCompactionSettings>,
  /** Where the tracker is served from; see `StreamlakeStackProps.tracker`. */
  trackerHosting: {
    /** e.g. `-c streamlake:trackerDomainNames=cdn.shop.example` */
    domainNames: ['streamlake:trackerDomainNames', 'strings'],
    /** An ACM certificate in us-east-1 covering the domain names. */
    certificateArn: ['streamlake:trackerCertificateArn', 'string'],
  } satisfies ContextSpecFor<TrackerHostingSettings>,
  /** What makes the ops alarms go off; see `StreamlakeStackProps.opsThresholds`. */
  opsThresholds: {
    iteratorAgePeriods: ['streamlake:opsIteratorAgePeriods', 'number'],
    errorRatePercent: ['streamlake:opsErrorRatePercent', 'number'],
    quarantineRatePercent: ['streamlake:opsQuarantineRatePercent', 'number'],
    tableThrottlesPerMinute: ['streamlake:opsTableThrottlesPerMinute', 'number'],
    noIncomingRecordsMinutes: ['streamlake:opsNoIncomingRecordsMinutes', 'number'],
    collectorErrorRatePercent: ['streamlake:opsCollectorErrorRatePercent', 'number'],
    collectorThrottlesPerMinute: ['streamlake:opsCollectorThrottlesPerMinute', 'number'],
    deviceRuleErrorsPerMinute: ['streamlake:opsDeviceRuleErrorsPerMinute', 'number'],
  } satisfies ContextSpecFor<OpsThresholdSettings>,
} as const;

/** Keys no longer read, each with the one that took its place: the event-time policy is one per stack. */
const RETIRED_KEYS: ReadonlyMap<string, string> = new Map(
  (['aggregate', 'archive'] as const).flatMap((stage) => [
    [`streamlake:${stage}AllowedLatenessSeconds`, CONTEXT_SETTINGS.eventTime.allowedLateness[0]],
    [`streamlake:${stage}ClockSkewSeconds`, CONTEXT_SETTINGS.eventTime.clockSkew[0]],
    [`streamlake:${stage}MaxEventBytes`, CONTEXT_SETTINGS.eventTime.maxEventBytes[0]],
  ]),
);

/**
 * The settings `spec` names, each from its context key, or from `props` where given there (props win).
 * Fails on a context value of the wrong type, and on a retired key, naming the key that replaced it.
 */
export function settingsFromContext<S extends ContextSpec>(
  node: Node,
  spec: S,
  props: SettingsOf<S> = {},
): SettingsOf<S> {
  rejectRetiredKeys(node);
  const settings: Record<string, unknown> = {};
  for (const [name, [key, kind]] of Object.entries(spec)) {
    const raw: unknown = node.tryGetContext(key);
    const fromContext = raw === undefined ? undefined : READERS[kind](key, raw);
    const value = props[name as keyof S] ?? fromContext;
    if (value !== undefined) settings[name] = value;
  }
  // Each value was read by the reader its spec names (or given as that type in props).
  return settings as SettingsOf<S>;
}

function rejectRetiredKeys(node: Node): void {
  for (const [retired, replacement] of RETIRED_KEYS) {
    const value: unknown = node.tryGetContext(retired);
    if (value === undefined) continue;
    throw new Error(
      `context ${retired} is no longer read (given ${JSON.stringify(value)}): the event-time policy is one ` +
        `for every Kinesis consumer; set ${replacement} instead`,
    );
  }
}
