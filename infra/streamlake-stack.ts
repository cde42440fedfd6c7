import { CfnOutput, type Duration, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { type OpsResources, type OpsThresholds, opsAlarms, opsDashboard } from '../dashboards/index.ts';
import { bundleTrackerSync, TRACKER_FILE_NAMES, type TrackerBuild } from '../tracker/bundle.ts';
import { AggregateStage } from './constructs/aggregate-stage.ts';
import { Alerting } from './constructs/alerting.ts';
import { AnalyticsCatalog, type AnalyticsSettings } from './constructs/analytics-catalog.ts';
import { ArchiveStage } from './constructs/archive-stage.ts';
import type { WebCollectorSettings } from './constructs/collector/settings.ts';
import { DedupStore } from './constructs/dedup-store.ts';
import { DerivedStore } from './constructs/derived-store.ts';
import type { DeviceEdgeSettings } from './constructs/device-edge/settings.ts';
import { DeviceEdge } from './constructs/device-edge.ts';
import { EventStream, type EventStreamCapacity } from './constructs/event-stream.ts';
import { type EventTimePolicy, resolveEventTimePolicy } from './constructs/event-time-policy.ts';
import { FanoutStage } from './constructs/fanout-stage.ts';
import type { FanoutTuning } from './constructs/fanout-tuning.ts';
import { LakeBucket } from './constructs/lake-bucket.ts';
import type { LakeCompactionSettings } from './constructs/lake-compaction/settings.ts';
import { LakeCompaction } from './constructs/lake-compaction.ts';
import { OpsAlarms } from './constructs/ops-alarms.ts';
import { OpsDashboard } from './constructs/ops-dashboard.ts';
import { type OpsThresholdSettings, resolveOpsThresholds } from './constructs/ops-thresholds.ts';
import type { RawZoneSettings } from './constructs/raw-zone/settings.ts';
import { RawZone } from './constructs/raw-zone.ts';
import { RollupStore } from './constructs/rollup-store.ts';
import type { StreamConsumerTuning } from './constructs/stream-consumer-tuning.ts';
import { resolveTableCapacity, type TableCapacity } from './constructs/table-capacity.ts';
import type { TrackerHostingSettings } from './constructs/tracker-hosting/settings.ts';
import { TrackerHosting } from './constructs/tracker-hosting.ts';
import { WebCollector } from './constructs/web-collector.ts';
import { CONTEXT_SETTINGS, type ContextSpec, type SettingsOf, settingsFromContext } from './context.ts';
import { DEFAULTS } from './defaults.ts';

export interface StreamlakeStackProps extends StackProps {
  /**
   * The event-time policy of every Kinesis consumer (the aggregate and archive stages alike); each
   * setting given here wins over its context key (`streamlake:allowedLatenessSeconds`,
   * `streamlake:clockSkewSeconds`, `streamlake:maxEventBytes`), which wins over the default.
   *
   * @default - context, then one hour of lateness, five minutes of clock skew, 65536 bytes
   */
  readonly eventTime?: EventTimePolicy;

  /**
   * Event source mapping and iterator-age alarm settings of the aggregate stage; each one given here wins
   * over its `streamlake:aggregate<Setting>` context key, which wins over the default.
   *
   * @default - context, then the defaults in infra/defaults.ts
   */
  readonly aggregate?: StreamConsumerTuning;

  /**
   * Event source mapping and iterator-age alarm settings of the archive stage; each one given here wins
   * over its `streamlake:archive<Setting>` context key, which wins over the default.
   *
   * @default - context, then the defaults in infra/defaults.ts
   */
  readonly archive?: StreamConsumerTuning;

  /**
   * Event source mapping, iterator-age alarm and silent-device settings of the fan-out stage; each one
   * given here wins over its `streamlake:fanout<Setting>` / `streamlake:deviceSilentMinutes` /
   * `streamlake:silentDeviceCheckMinutes` context key, which wins over the default.
   *
   * @default - context, then the defaults in infra/defaults.ts
   */
  readonly fanout?: FanoutTuning;

  /**
   * The web collector (POST /v1/events for browsers, /v1/server/events with an API key): its origin
   * allow-list and throttles; each one given here wins over its context key
   * (`streamlake:collectorAllowedOrigins`, `streamlake:collectorRateLimit`, `streamlake:collectorBurstLimit`,
   * `streamlake:collectorKeyRateLimit`, `streamlake:collectorKeyBurstLimit`), which wins over the default.
   *
   * @default - context, then no allowed origin and the throttles in infra/defaults.ts
   */
  readonly collector?: WebCollectorSettings;

  /**
   * The device edge (IoT Core topic rule → the stream): how long the error action's objects under `errors/iot/`
   * are kept; given here it wins over its context key (`streamlake:deviceErrorExpirationDays`).
   *
   * @default - context, else Duration.days(30)
   */
  readonly devices?: DeviceEdgeSettings;

  /**
   * The raw zone (Firehose → its own bucket): buffering, when objects move to Glacier Instant Retrieval and
   * expire, and when the freshness alarm goes off; each one given here wins over its context key
   * (`streamlake:rawBufferingIntervalSeconds`, `streamlake:rawBufferingSizeMiB`, `streamlake:rawGlacierAfterDays`,
   * `streamlake:rawExpirationDays`, `streamlake:rawFreshnessAlarmSeconds`), which wins over the default.
   *
   * @default - context, then 300 s / 64 MiB, Glacier IR after 30 days, kept forever, alarm above 15 minutes
   */
  readonly rawZone?: RawZoneSettings;
  /**
   * The event stream's capacity: provisioned shards (default 2) or on-demand; each one given here wins over its
   * context key (`streamlake:streamShards`, `streamlake:streamOnDemand`).
   */
  readonly eventStream?: EventStreamCapacity;

  /**
   * How every table pays for capacity: on demand (default) or provisioned with auto scaling; each one given here
   * wins over its context key (`streamlake:tablesOnDemand`, `streamlake:tableTargetUtilizationPercent`,
   * `streamlake:tableMaxUnits`).
   *
   * @default - context, then on demand
   */
  readonly tableCapacity?: TableCapacity;

  /**
   * Compaction of closed lake hours: how often it runs, when an hour counts as closed, how long replaced files
   * stay, the part size; each one given here wins over its context key (`streamlake:compactionIntervalMinutes`,
   * `streamlake:compactionSettleMarginSeconds`, `streamlake:compactionGraceSeconds`,
   * `streamlake:compactionTargetPartMiB`, `streamlake:compactionWriteMarginSeconds`), which wins over the default.
   *
   * @default - context, then hourly, 15 minutes past the allowed lateness, 1 hour of grace, 256 MiB parts
   */
  readonly compaction?: LakeCompactionSettings;

  /**
   * Where the browser tracker is served: a custom domain and its certificate, which CloudFront needs to refuse
   * TLS below 1.2; each one given here wins over its context key (`streamlake:trackerDomainNames`,
   * `streamlake:trackerCertificateArn`).
   *
   * @default - context, else the distribution's own `*.cloudfront.net` domain
   */
  readonly tracker?: TrackerHostingSettings;

  /**
   * The tracker builds to serve.
   *
   * @default - both builds of tracker/src, bundled now (bundleTrackerSync)
   */
  readonly trackerBuilds?: readonly TrackerBuild[];

  /**
   * An address subscribed to the alerts topic by email.
   *
   * @default - context `streamlake:alertEmail`, else no subscription
   */
  readonly alertEmail?: string;

  /**
   * An address subscribed to the ops topic (the ops alarms, on ALARM and back to OK) by email.
   *
   * @default - context `streamlake:opsEmail`, else no subscription
   */
  readonly opsEmail?: string;

  /**
   * What makes the ops alarms go off; each one given here wins over its context key, which wins over the
   * default. Each stage's iterator-age threshold is set with that stage's `iteratorAgeAlarmThreshold`.
   *
   * - `iteratorAgePeriods`: one-minute periods in a row a consumer's iterator age must stay above its
   *   threshold (`streamlake:opsIteratorAgePeriods`, whole, 1 to 1440). @default 3
   * - `errorRatePercent`: failed invocations as a percentage of invocations, in 3 of 5 minutes, per
   *   function (`streamlake:opsErrorRatePercent`, at least 0). @default 1
   * - `quarantineRatePercent`: quarantined records as a percentage of records read, in 3 of 5 minutes, per
   *   Kinesis consumer (`streamlake:opsQuarantineRatePercent`, at least 0). @default 5
   * - `tableThrottlesPerMinute`: throttled requests per minute on a table, two minutes in a row
   *   (`streamlake:opsTableThrottlesPerMinute`, at least 0). @default 0
   * - `noIncomingRecordsMinutes`: minutes without a single record on the stream
   *   (`streamlake:opsNoIncomingRecordsMinutes`, whole, 1 to 1440). @default 15
   * - `collectorErrorRatePercent`: the web collector's 5xx responses as a percentage of its requests, in 3
   *   of 5 minutes (`streamlake:opsCollectorErrorRatePercent`, 0 to 100). @default 1
   * - `collectorThrottlesPerMinute`: the web collector's 429 responses per minute, two minutes in a row
   *   (`streamlake:opsCollectorThrottlesPerMinute`, at least 0). @default 0
   * - `deviceRuleErrorsPerMinute`: device messages per minute the IoT rule failed to put into the stream, to
   *   keep, or to parse (`streamlake:opsDeviceRuleErrorsPerMinute`, at least 0). @default 0
   *
   * @default - context, then DEFAULT_OPS_THRESHOLDS in dashboards/alarms.ts
   */
  readonly opsThresholds?: OpsThresholdSettings;

  /**
   * Glue database and Athena workgroup names and query-result retention; each one given here wins over its
   * context key (`streamlake:analyticsDatabaseName`, `streamlake:analyticsWorkGroupName`,
   * `streamlake:queryResultsExpirationDays`).
   *
   * @default - context, then "streamlake", "streamlake" and 30 days
   */
  readonly analytics?: AnalyticsSettings;

  /**
   * How long quarantined records are kept (whole days, 1 to 3650).
   *
   * @default - context `streamlake:quarantineExpirationDays`, else Duration.days(30)
   */
  readonly quarantineExpiration?: Duration;

  /**
   * How long the event source mappings' on-failure records under `aws/lambda/` are kept (whole days, 1 to 3650).
   *
   * @default - context `streamlake:onFailureExpirationDays`, else Duration.days(30)
   */
  readonly onFailureExpiration?: Duration;

  /**
   * How long noncurrent object versions in the lake bucket are kept (whole days, 1 to 3650).
   *
   * @default - context `streamlake:noncurrentVersionExpirationDays`, else Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * Removal policy of the stream, the rollups table and the buckets.
   *
   * @default - context `streamlake:removalPolicy`, else RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The pipeline, one construct per stage in data-flow order: events → aggregate → rollups → fan-out →
 * derived tables and alerts, events → archive → lake → analytics catalog, and events → Firehose → raw zone.
 */
export class StreamlakeStack extends Stack {
  readonly events: EventStream;
  /** The web edge: API Gateway → Kinesis PutRecords, browsers by origin, server-side sources by API key. */
  readonly collector: WebCollector;
  /** The device edge: IoT Core topic rule → Kinesis PutRecord, devices by certificate and IoT policy. */
  readonly devices: DeviceEdge;
  /** The browser tracker's builds: a private bucket behind CloudFront. */
  readonly trackerHosting: TrackerHosting;
  readonly rollups: RollupStore;
  /** The first copy of each event, remembered by each Kinesis consumer for the duplicate horizon. */
  readonly duplicates: DedupStore;
  /** How every table pays for capacity, resolved (on demand unless `streamlake:tablesOnDemand=false`). */
  readonly tableCapacity: Required<TableCapacity>;
  readonly lake: LakeBucket;
  /** Every record of the stream, byte for byte: Firehose → `raw/dt=/hour=` of its own bucket. */
  readonly rawZone: RawZone;
  readonly aggregate: AggregateStage;
  readonly archive: ArchiveStage;
  /** Closed lake hours rewritten into few large Parquet parts, on a schedule. */
  readonly compaction: LakeCompaction;
  readonly analytics: AnalyticsCatalog;
  readonly derived: DerivedStore;
  readonly alerting: Alerting;
  readonly fanout: FanoutStage;
  /**
   * The ops view: what it watches (names are tokens), the alarm thresholds (plain numbers, read by the
   * local cloud), the dashboard, the alarms and the topic they notify (its own, apart from the alerts).
   */
  readonly ops: {
    readonly resources: OpsResources;
    readonly thresholds: OpsThresholds;
    readonly dashboard: OpsDashboard;
    readonly alarms: OpsAlarms;
    readonly topic: Topic;
  };

  constructor(scope: Construct, id: string, props: StreamlakeStackProps = {}) {
    super(scope, id, {
      description:
        'streamlake: browser tracker (CloudFront + S3), web collector (API Gateway), devices (IoT Core rule) and producers -> Kinesis -> aggregate Lambda -> DynamoDB rollups -> fan-out Lambda -> derived tables + SNS alerts; archive Lambda -> Parquet lake (compacted hourly) -> Glue/Athena; Firehose -> raw zone (every record, GZIP); ops dashboard + alarms -> SNS ops topic',
      ...props,
    });
    const settings = this.settings(CONTEXT_SETTINGS.stack, props);
    const { removalPolicy } = settings;
    // Resolved once and handed to every Kinesis consumer, so they cannot disagree on which records are bad.
    const eventTime = resolveEventTimePolicy(this.settings(CONTEXT_SETTINGS.eventTime, props.eventTime));

    this.events = new EventStream(this, 'Events', {
      ...this.settings(CONTEXT_SETTINGS.eventStream, props.eventStream),
      removalPolicy,
    });
    this.collector = new WebCollector(this, 'Collector', {
      ...this.settings(CONTEXT_SETTINGS.collector, props.collector),
      events: this.events.stream,
      removalPolicy,
    });
    const capacity = this.settings(CONTEXT_SETTINGS.tables, props.tableCapacity);
    this.tableCapacity = resolveTableCapacity(capacity);
    this.rollups = new RollupStore(this, 'Rollups', { removalPolicy, capacity });
    this.duplicates = new DedupStore(this, 'Duplicates', { removalPolicy, capacity });
    this.lake = new LakeBucket(this, 'Lake', {
      quarantineExpiration: settings.quarantineExpiration,
      onFailureExpiration: settings.onFailureExpiration,
      noncurrentVersionExpiration: settings.noncurrentVersionExpiration,
      removalPolicy,
    });
    this.rawZone = new RawZone(this, 'RawZone', {
      ...this.settings(CONTEXT_SETTINGS.rawZone, props.rawZone),
      events: this.events.stream,
      accessLogs: this.lake.accessLogs,
      removalPolicy,
    });
    this.devices = new DeviceEdge(this, 'Devices', {
      ...this.settings(CONTEXT_SETTINGS.devices, props.devices),
      events: this.events.stream,
      lake: this.lake.bucket,
    });
    this.aggregate = new AggregateStage(this, 'Aggregate', {
      ...this.settings(CONTEXT_SETTINGS.aggregate, props.aggregate),
      eventTime,
      events: this.events.stream,
      rollups: this.rollups.table,
      duplicates: this.duplicates.table,
      lake: this.lake.bucket,
      quarantinePrefix: this.lake.quarantinePrefix,
    });
    this.archive = new ArchiveStage(this, 'Archive', {
      ...this.settings(CONTEXT_SETTINGS.archive, props.archive),
      eventTime,
      events: this.events.stream,
      duplicates: this.duplicates.table,
      lake: this.lake.bucket,
      lakePrefix: this.lake.lakePrefix,
      quarantinePrefix: this.lake.quarantinePrefix,
    });
    this.compaction = new LakeCompaction(this, 'Compaction', {
      ...this.settings(CONTEXT_SETTINGS.compaction, props.compaction),
      eventTime,
      lake: this.lake.bucket,
      lakePrefix: this.lake.lakePrefix,
    });
    this.trackerHosting = new TrackerHosting(this, 'Tracker', {
      ...this.settings(CONTEXT_SETTINGS.trackerHosting, props.tracker),
      builds: props.trackerBuilds ?? bundleTrackerSync(),
      accessLogs: this.lake.accessLogs,
      removalPolicy,
    });
    this.analytics = new AnalyticsCatalog(this, 'Analytics', {
      ...this.settings(CONTEXT_SETTINGS.analytics, props.analytics),
      lake: this.lake.bucket,
      lakePrefix: this.lake.lakePrefix,
      accessLogs: this.lake.accessLogs,
      rawZone: { bucket: this.rawZone.bucket, prefix: this.rawZone.prefix },
      removalPolicy,
    });
    this.derived = new DerivedStore(this, 'Derived', { removalPolicy, capacity });
    this.alerting = new Alerting(this, 'Alerting', {
      email: settings.alertEmail,
    });
    this.fanout = new FanoutStage(this, 'Fanout', {
      ...this.settings(CONTEXT_SETTINGS.fanout, props.fanout),
      rollups: this.rollups.table,
      store: this.derived,
      alerts: this.alerting,
      lake: this.lake.bucket,
    });
    this.ops = this.opsView(props, settings.opsEmail);

    new CfnOutput(this, 'StreamName', { value: this.events.stream.streamName });
    new CfnOutput(this, 'StreamArn', { value: this.events.stream.streamArn });
    new CfnOutput(this, 'CollectorUrl', { value: this.collector.url });
    new CfnOutput(this, 'CollectorServerUrl', { value: this.collector.serverUrl });
    new CfnOutput(this, 'CollectorApiId', { value: this.collector.api.restApiId });
    new CfnOutput(this, 'CollectorApiKeyId', { value: this.collector.apiKey.keyId });
    new CfnOutput(this, 'DeviceTopicRuleName', { value: this.devices.rule.ref });
    new CfnOutput(this, 'DevicePolicyName', { value: this.devices.policy.ref });
    new CfnOutput(this, 'DeviceThingTypeName', { value: this.devices.thingType.ref });
    new CfnOutput(this, 'DeviceTelemetryTopic', {
      description:
        'The topic each device publishes its events to, {deviceId} being its thing name and client id',
      value: this.devices.telemetryTopicOf('{deviceId}'),
    });
    new CfnOutput(this, 'TrackerScriptUrl', {
      description: 'The tracker as an ES module: <script type="module"> or import()',
      value: this.trackerHosting.urlOf(TRACKER_FILE_NAMES.module),
    });
    new CfnOutput(this, 'TrackerClassicScriptUrl', {
      description: 'The tracker as a classic script defining the global `streamlake`',
      value: this.trackerHosting.urlOf(TRACKER_FILE_NAMES.classic),
    });
    new CfnOutput(this, 'TrackerBucketName', { value: this.trackerHosting.bucket.bucketName });
    new CfnOutput(this, 'TrackerDistributionId', { value: this.trackerHosting.distribution.distributionId });
    new CfnOutput(this, 'RollupsTableName', { value: this.rollups.table.tableName });
    new CfnOutput(this, 'DedupTableName', { value: this.duplicates.table.tableName });
    new CfnOutput(this, 'LakeBucketName', { value: this.lake.bucket.bucketName });
    new CfnOutput(this, 'RawZoneDeliveryStreamName', {
      value: this.rawZone.deliveryStream.deliveryStreamName,
    });
    new CfnOutput(this, 'RawZoneBucketName', { value: this.rawZone.bucket.bucketName });
    new CfnOutput(this, 'RawZonePrefix', {
      description:
        'Raw objects lie under <prefix>dt=YYYY-MM-DD/hour=HH/ by arrival time (UTC), GZIP, one record a line',
      value: this.rawZone.prefix,
    });
    new CfnOutput(this, 'RawZoneErrorPrefix', {
      description: 'What Firehose could not deliver lies under <prefix><error type>/dt=YYYY-MM-DD/',
      value: this.rawZone.errorPrefix,
    });
    new CfnOutput(this, 'AggregateFunctionName', { value: this.aggregate.function.functionName });
    new CfnOutput(this, 'ArchiveFunctionName', { value: this.archive.function.functionName });
    new CfnOutput(this, 'CompactionFunctionName', { value: this.compaction.function.functionName });
    new CfnOutput(this, 'GlueDatabaseName', { value: this.analytics.databaseName });
    new CfnOutput(this, 'AthenaWorkGroupName', { value: this.analytics.workGroupName });
    new CfnOutput(this, 'AthenaResultsBucketName', { value: this.analytics.resultsBucket.bucketName });
    new CfnOutput(this, 'AlertsTopicArn', { value: this.alerting.topic.topicArn });
    new CfnOutput(this, 'DerivedRollupsTableName', { value: this.derived.derivedRollups.tableName });
    new CfnOutput(this, 'DeviceStateTableName', { value: this.derived.deviceState.tableName });
    new CfnOutput(this, 'AlertStateTableName', { value: this.derived.alertState.tableName });
    new CfnOutput(this, 'FanoutFunctionName', { value: this.fanout.function.functionName });
    new CfnOutput(this, 'SilentDeviceCheckFunctionName', {
      value: this.fanout.silentCheckFunction.functionName,
    });
    new CfnOutput(this, 'OpsTopicArn', { value: this.ops.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.ops.dashboard.dashboard.dashboardName });
  }

  /** The settings `spec` names: each one given in props, else its context key's value. */
  private settings<S extends ContextSpec>(spec: S, given?: SettingsOf<S>): SettingsOf<S> {
    return settingsFromContext(this.node, spec, given);
  }

  /** The ops dashboard and alarms of dashboards/, over this stack's resources, alarms to their own topic. */
  private opsView(props: StreamlakeStackProps, opsEmail: string | undefined): StreamlakeStack['ops'] {
    const resources: OpsResources = {
      streamName: this.events.stream.streamName,
      consumers: [
        {
          key: 'aggregate',
          title: 'aggregate',
          functionName: this.aggregate.function.functionName,
          mappingUuid: this.aggregate.eventSource.eventSourceMappingId,
          service: DEFAULTS.aggregate.serviceName,
          source: 'kinesis',
        },
        {
          key: 'archive',
          title: 'archive',
          functionName: this.archive.function.functionName,
          mappingUuid: this.archive.eventSource.eventSourceMappingId,
          service: DEFAULTS.archive.serviceName,
          source: 'kinesis',
        },
        {
          key: 'fanout',
          title: 'fan-out',
          functionName: this.fanout.function.functionName,
          mappingUuid: this.fanout.eventSource.eventSourceMappingId,
          service: DEFAULTS.fanout.serviceName,
          source: 'dynamodb-stream',
          // Lambda's own log group; `function.logGroup` would add a log-retention custom resource.
          logGroupName: `/aws/lambda/${this.fanout.function.functionName}`,
        },
      ],
      scheduled: [
        {
          title: 'silent-device check',
          functionName: this.fanout.silentCheckFunction.functionName,
          logGroupName: `/aws/lambda/${this.fanout.silentCheckFunction.functionName}`,
        },
      ],
      tables: [
        { title: 'rollups', tableName: this.rollups.table.tableName },
        { title: 'duplicates', tableName: this.duplicates.table.tableName },
        {
          title: 'derived rollups',
          tableName: this.derived.derivedRollups.tableName,
          indexes: [DEFAULTS.derivedStore.topIndex.name],
        },
        {
          title: 'device state',
          tableName: this.derived.deviceState.tableName,
          indexes: [DEFAULTS.derivedStore.silenceIndex.name],
        },
        { title: 'alert state', tableName: this.derived.alertState.tableName },
      ].map((table) => ({ ...table, provisioned: !this.tableCapacity.onDemand })),
      lakeBucketName: this.lake.bucket.bucketName,
      alertsTopicName: this.alerting.topic.topicName,
      collector: { apiName: this.collector.apiName, stage: this.collector.stageName },
      devices: { ruleName: this.devices.ruleName },
      rawZone: {
        deliveryStreamName: this.rawZone.deliveryStreamName,
        bucketName: this.rawZone.bucket.bucketName,
        prefix: this.rawZone.prefix,
      },
    };
    const thresholds = resolveOpsThresholds(
      this.settings(CONTEXT_SETTINGS.opsThresholds, props.opsThresholds),
      {
        aggregate: this.aggregate.iteratorAgeAlarmThreshold,
        archive: this.archive.iteratorAgeAlarmThreshold,
        fanout: this.fanout.iteratorAgeAlarmThreshold,
      },
      this.rawZone.freshnessAlarmThreshold,
    );
    const { topic } = new Alerting(this, 'Ops', {
      purpose: 'ops alarms',
      alarmsPublish: true,
      email: opsEmail,
    });
    const alarms = new OpsAlarms(this, 'OpsAlarms', { specs: opsAlarms(resources, thresholds), topic });
    const dashboard = new OpsDashboard(this, 'OpsDashboard', {
      spec: opsDashboard(resources),
      alarms: alarms.alarms,
    });
    return { resources, thresholds, dashboard, alarms, topic };
  }
}
