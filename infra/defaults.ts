import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { MetricType } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LAKE_METRIC_FILTERS } from '../dashboards/index.ts';
import { DEFAULT_LAKE_PREFIX, DEFAULT_QUARANTINE_PREFIX } from '../processors/shared/lake-layout.ts';

/** The repository root, so paths in the template do not depend on the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Secure, production-leaning defaults for every stage; a local demo overrides them through context. */
export const DEFAULTS = {
  /** Stateful resources outlive `cdk destroy` unless a deployment opts out. */
  removalPolicy: RemovalPolicy.RETAIN,
  /**
   * Every event source mapping publishes the EventCount metrics, so records given up on after their
   * retries or maximum age (`DroppedEventCount`) show per consumer on the ops dashboard.
   */
  eventSourceMetrics: { metrics: [MetricType.EVENT_COUNT] },
  /**
   * One event-time policy for every Kinesis consumer, so the lake and the rollups agree on which records
   * are bad (too late, future-dated, oversize).
   */
  eventTime: {
    allowedLateness: Duration.hours(1),
    clockSkew: Duration.minutes(5),
    maxEventBytes: 65_536,
    /** A producer's retry of an event (same eventId, same shard) this soon after the first is counted once. */
    duplicateHorizon: Duration.minutes(15),
  },
  eventStream: {
    retention: Duration.hours(24),
    /** Provisioned: about 1,400 events a second at the simulator's ≈ 420 bytes, with headroom (D33). */
    shards: 2,
  },
  rollupStore: {
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
  },
  /** The first copies each Kinesis consumer remembers (docs/decisions.md, D14). */
  dedupStore: {
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
  },
  lakeBucket: {
    /** Parquet files of the archive stage: `lake/<dataset>/dt=YYYY-MM-DD/hour=HH/`. */
    lakePrefix: DEFAULT_LAKE_PREFIX,
    quarantinePrefix: DEFAULT_QUARANTINE_PREFIX,
    quarantineExpiration: Duration.days(30),
    /** On-failure records of the event source mappings, under `aws/lambda/`. */
    onFailureExpiration: Duration.days(30),
    noncurrentVersionExpiration: Duration.days(30),
    accessLogsExpiration: Duration.days(90),
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  },
  aggregate: {
    entry: 'processors/aggregate/handler.ts',
    handler: 'handler',
    memorySize: 512,
    timeout: Duration.seconds(60),
    serviceName: 'streamlake-aggregate',
    metricsNamespace: 'Streamlake',
  },
  /**
   * Kinesis event source mapping of the aggregator (Lambda's own defaults would retry a poison batch
   * forever) and the iterator age its ops alarm watches.
   */
  aggregateEventSource: {
    batchSize: 10_000,
    /**
     * Minute rollups settle within ≈ 15 s. Each batch writes every minute item it touches once, so a longer window
     * writes each fewer times: 5 s → 15 s took rollup writes from 21.4 to 9.6 per 1,000 events and derived ones
     * from 28.8 to 18.7 in the cost run (D37); 30 s saved little more.
     */
    maxBatchingWindow: Duration.seconds(15),
    retryAttempts: 10,
    maxRecordAge: Duration.hours(1),
    iteratorAgeAlarmThreshold: Duration.minutes(1),
    /** One batch per shard at a time, in sequence order: the high-water-mark scheme relies on it. */
    parallelizationFactor: 1,
  },
  archive: {
    entry: 'processors/archive/handler.ts',
    handler: 'handler',
    memorySize: 1024,
    timeout: Duration.seconds(120),
    serviceName: 'streamlake-archive',
    metricsNamespace: 'Streamlake',
    /** Loaded by parquet-wasm at run time from beside the bundle. */
    filesBesideBundle: ['parquet-wasm/node/parquet_wasm_bg.wasm'],
  },
  /** Kinesis event source mapping of the archiver: large, infrequent batches make fewer, larger Parquet files. */
  archiveEventSource: {
    batchSize: 10_000,
    maxBatchingWindow: Duration.seconds(60),
    retryAttempts: 10,
    maxRecordAge: Duration.hours(1),
    /** Above the 60-second batching window, which alone lets records wait a minute before they are read. */
    iteratorAgeAlarmThreshold: Duration.minutes(5),
    parallelizationFactor: 1,
    /** A retried whole batch rewrites the same object keys; bisected halves would write different ones. */
    bisectBatchOnError: false,
  },
  /**
   * Compaction of closed lake hours (infra/constructs/lake-compaction.ts, docs/decisions.md D31). Hourly: an
   * hour closes once an hour, so a shorter rate only lists the lake more often.
   */
  compaction: {
    entry: 'processors/compact/handler.ts',
    handler: 'handler',
    serviceName: 'streamlake-compaction',
    metricsNamespace: 'Streamlake',
    interval: Duration.minutes(60),
    /** Beyond the allowed lateness: three times the archive's iterator-age alarm threshold (5 minutes). */
    settleMargin: Duration.minutes(15),
    /** Longer than the longest query: Athena's DML timeout defaults to 30 minutes. */
    gracePeriod: Duration.hours(1),
    targetPartSize: Size.mebibytes(256),
    /** Compressed input a slice spans: ≈ 10× that in rows in memory, beside the part being written (≤ 512 MiB). */
    sliceSize: Size.mebibytes(64),
    memorySize: 4096,
    /** Lambda's longest; a generation that needs more is finished by the next runs, part by part. */
    timeout: Duration.minutes(15),
    /** No new part is started with less time left than this. */
    partReserve: Duration.minutes(5),
    filesBesideBundle: ['parquet-wasm/node/parquet_wasm_bg.wasm'],
  },
  /** The fan-out stage's tables: derived rollups (+ top-N index), device state (+ silence index), alert state. */
  derivedStore: {
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    /** Sparse: only ranked rollups (page views) carry `rankKey` = `<rollup>#<H#hour|D#day>`. */
    topIndex: { name: 'TopByCount', partitionKey: 'rankKey', sortKey: 'count' },
    deviceKey: 'deviceId',
    /** Sparse: devices the silent check has not taken out, in `fleet#0..3` partitions sorted by `lastSeen`. */
    silenceIndex: { name: 'BySilence', partitionKey: 'fleet', sortKey: 'lastSeen' },
    alertKey: 'alertId',
  },
  fanout: {
    entry: 'processors/fanout/handler.ts',
    handler: 'handler',
    silentCheckEntry: 'processors/fanout/silent-check-handler.ts',
    silentCheckHandler: 'checkSilentDevices',
    memorySize: 512,
    timeout: Duration.seconds(60),
    silentCheckTimeout: Duration.seconds(60),
    serviceName: 'streamlake-fanout',
    metricsNamespace: 'Streamlake',
    /** Hourly and daily rollups outlive the minutes they are built from. */
    derivedRetention: Duration.days(400),
    deviceSilentAfter: Duration.minutes(5),
    silentCheckInterval: Duration.minutes(1),
  },
  /** DynamoDB-stream event source mapping of the fan-out and the iterator age its ops alarm watches. */
  fanoutEventSource: {
    batchSize: 1000,
    /**
     * Every fan-out batch writes each derived (hour, day), device-state and alert item it touches once, whatever
     * it holds: ≈ 300 write units a batch at 1,000 events/s, so units per event fall with batches per minute.
     * 10 s lets a batch gather two aggregate rounds (5 s each); alert rules judge whole minutes (D36).
     */
    maxBatchingWindow: Duration.seconds(10),
    retryAttempts: 10,
    maxRecordAge: Duration.hours(1),
    iteratorAgeAlarmThreshold: Duration.minutes(1),
    /** One batch per shard at a time, in sequence order: the high-water marks rely on it. */
    parallelizationFactor: 1,
  },
  /** The web collector: API Gateway REST API → Kinesis PutRecords (infra/constructs/web-collector.ts). */
  collector: {
    stageName: 'prod',
    /** Browsers, keyless, from an allowed origin; the tracker's `collectorUrl`. */
    browserPath: '/v1/events',
    /** Server-side sources, with an X-Api-Key of the usage plan. */
    serverPath: '/v1/server/events',
    /** None on AWS: a deployment lists its sites (`streamlake:collectorAllowedOrigins`). */
    allowedOrigins: [] as readonly string[],
    /**
     * The stage's throttle, for everyone together: 500 requests/s of 20 events (a fifth of the tracker's full batch) is 10,000 events/s, above
     * what a new on-demand stream takes (4,000 records/s), and caps the request bill near $6.30 an hour ($3.50 per million).
     */
    rateLimit: 500,
    burstLimit: 1000,
    /** Each server-side source's own throttle (usage plan, per API key). */
    keyRateLimit: 200,
    keyBurstLimit: 400,
    /** Kinesis write limits are per shard per second: a second later the shard has a fresh budget. */
    retryAfterThrottled: Duration.seconds(1),
    /** An internal failure or an unavailable stream: long enough not to hammer, short enough to catch up. */
    retryAfterUnavailable: Duration.seconds(5),
    /** Chromium caps a preflight's max-age at two hours. */
    preflightMaxAge: Duration.hours(2),
    accessLogRetention: RetentionDays.ONE_MONTH,
  },
  /** The device edge: IoT Core topic rule → Kinesis PutRecord (infra/constructs/device-edge.ts). */
  deviceEdge: {
    /** The one topic a device may publish its events to; its policy names it with the device's thing name. */
    telemetryTopic: (deviceId: string) => `streamlake/devices/${deviceId}/telemetry`,
    /** The first IoT SQL version with object literals, which the rule's `edge` is. */
    sqlVersion: '2016-03-23',
    /** Where the error action keeps, in the lake bucket, each message the Kinesis action could not put. */
    errorPrefix: LAKE_METRIC_FILTERS.deviceErrors.prefix,
    /** As long as the quarantine: both hold input the pipeline has not processed, for a replay. */
    errorExpiration: Duration.days(30),
  },
  /** The tracker's two builds in a private bucket behind CloudFront (infra/constructs/tracker-hosting.ts). */
  trackerHosting: {
    /** What the module build needs: browsers refuse a module script of any other MIME type. */
    contentType: 'text/javascript',
    /** Only for an object without Cache-Control (the deployed builds carry a year's): CloudFront's own default. */
    defaultTtl: Duration.days(1),
    /** The bucket's server access logs, under this prefix of the lake's access-log bucket. */
    accessLogsPrefix: 'tracker/',
    /** HSTS on the tracker's host: browsers then never try it over plain HTTP. */
    strictTransportSecurityMaxAge: Duration.days(365),
    /** The log of the function that writes the builds into the bucket (a few lines per deploy). */
    writeLogRetention: RetentionDays.ONE_MONTH,
  },
  /** The raw zone: Firehose keeps every record of the stream, byte for byte (infra/constructs/raw-zone.ts). */
  rawZone: {
    /** Objects under `raw/dt=YYYY-MM-DD/hour=HH/` by arrival time; the outputs and the raw_events table name it. */
    prefix: 'raw/',
    /** What Firehose could not deliver, by error type; kept as long as the raw objects, being records too. */
    errorPrefix: 'raw-errors/',
    /** Long enough that most objects are large at production load (1,000 events/s fill 64 MiB in ≈ 4 minutes). */
    bufferingInterval: Duration.seconds(300),
    bufferingSize: Size.mebibytes(64),
    /** Reads after a month are backfills and rebuilds, rare and whole-hour: Glacier IR's price per GB read fits. */
    glacierAfter: Duration.days(30),
    /** Firehose's own advice: alarm when freshness passes the longest buffering interval (15 minutes). */
    freshnessAlarmThreshold: Duration.minutes(15),
    /** Delivery errors only (Firehose logs nothing when all goes well). */
    logRetention: RetentionDays.ONE_MONTH,
    /** The bucket's server access logs, under this prefix of the lake's access-log bucket. */
    accessLogsPrefix: 'raw-zone/',
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  },
  analytics: {
    databaseName: 'streamlake',
    workGroupName: 'streamlake',
    /** The raw zone's table: every record of the stream, one JSON event a line. */
    rawTableName: 'raw_events',
    /** First day partition projection enumerates; earlier `dt` values are never scanned. */
    projectionStartDate: '2024-01-01',
    resultsExpiration: Duration.days(30),
    resultsNoncurrentVersionExpiration: Duration.days(1),
    abortIncompleteMultipartUploadAfter: Duration.days(7),
    resultsAccessLogsPrefix: 'query-results/',
  },
} as const;
