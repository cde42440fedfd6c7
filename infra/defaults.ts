import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';

/** The repository root, so paths in the template do not depend on the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Secure, production-leaning defaults for every stage; a local demo overrides them through context. */
export const DEFAULTS = {
  /** Stateful resources outlive `cdk destroy` unless a deployment opts out. */
  removalPolicy: RemovalPolicy.RETAIN,
  eventStream: {
    retention: Duration.hours(24),
  },
  rollupStore: {
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
  },
  lakeBucket: {
    quarantinePrefix: 'quarantine/',
    quarantineExpiration: Duration.days(30),
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
    allowedLateness: Duration.hours(1),
    clockSkew: Duration.minutes(5),
    maxEventBytes: 65_536,
    iteratorAgeAlarmThreshold: Duration.minutes(1),
    iteratorAgeAlarmPeriods: 3,
  },
  /** Kinesis event source mapping of the aggregator (Lambda's own defaults would retry a poison batch forever). */
  aggregateEventSource: {
    batchSize: 10_000,
    maxBatchingWindow: Duration.seconds(5),
    retryAttempts: 10,
    maxRecordAge: Duration.hours(1),
    /** One batch per shard at a time, in sequence order: the high-water-mark scheme relies on it. */
    parallelizationFactor: 1,
  },
} as const;
