import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import type { AggregateTuning } from './constructs/aggregate-tuning.ts';
import type { AnalyticsSettings } from './constructs/analytics-catalog.ts';
import type { ArchiveTuning } from './constructs/archive-tuning.ts';
import type { FanoutTuning } from './constructs/fanout-tuning.ts';
import type { LakeBucketProps } from './constructs/lake-bucket.ts';
import type { OpsThresholdSettings } from './constructs/ops-thresholds.ts';

/**
 * CDK context keys that tune a deployment without code changes, e.g.
 * `npx cdk synth -c streamlake:aggregateBatchingWindowSeconds=1`. Stack props win over context.
 */
export const CONTEXT_KEYS = {
  /** `false` skips the cdk-nag AwsSolutions checks. */
  nag: 'streamlake:nag',
  /** `retain` (default) or `destroy`, for the stream, the table and the buckets. */
  removalPolicy: 'streamlake:removalPolicy',
  aggregateBatchSize: 'streamlake:aggregateBatchSize',
  aggregateBatchingWindowSeconds: 'streamlake:aggregateBatchingWindowSeconds',
  aggregateRetryAttempts: 'streamlake:aggregateRetryAttempts',
  aggregateMaxRecordAgeSeconds: 'streamlake:aggregateMaxRecordAgeSeconds',
  aggregateIteratorAgeAlarmSeconds: 'streamlake:aggregateIteratorAgeAlarmSeconds',
  aggregateAllowedLatenessSeconds: 'streamlake:aggregateAllowedLatenessSeconds',
  aggregateClockSkewSeconds: 'streamlake:aggregateClockSkewSeconds',
  aggregateMaxEventBytes: 'streamlake:aggregateMaxEventBytes',
  archiveBatchSize: 'streamlake:archiveBatchSize',
  /** The local demo shortens the archiver's 60-second window so files appear within seconds. */
  archiveBatchingWindowSeconds: 'streamlake:archiveBatchingWindowSeconds',
  archiveRetryAttempts: 'streamlake:archiveRetryAttempts',
  archiveMaxRecordAgeSeconds: 'streamlake:archiveMaxRecordAgeSeconds',
  archiveIteratorAgeAlarmSeconds: 'streamlake:archiveIteratorAgeAlarmSeconds',
  archiveAllowedLatenessSeconds: 'streamlake:archiveAllowedLatenessSeconds',
  archiveClockSkewSeconds: 'streamlake:archiveClockSkewSeconds',
  archiveMaxEventBytes: 'streamlake:archiveMaxEventBytes',
  quarantineExpirationDays: 'streamlake:quarantineExpirationDays',
  onFailureExpirationDays: 'streamlake:onFailureExpirationDays',
  noncurrentVersionExpirationDays: 'streamlake:noncurrentVersionExpirationDays',
  analyticsDatabaseName: 'streamlake:analyticsDatabaseName',
  analyticsWorkGroupName: 'streamlake:analyticsWorkGroupName',
  queryResultsExpirationDays: 'streamlake:queryResultsExpirationDays',
  fanoutBatchSize: 'streamlake:fanoutBatchSize',
  fanoutBatchingWindowSeconds: 'streamlake:fanoutBatchingWindowSeconds',
  fanoutRetryAttempts: 'streamlake:fanoutRetryAttempts',
  fanoutMaxRecordAgeSeconds: 'streamlake:fanoutMaxRecordAgeSeconds',
  /** The fan-out's iterator-age alarm threshold, in seconds (default 60). */
  fanoutIteratorAgeAlarmSeconds: 'streamlake:fanoutIteratorAgeAlarmSeconds',
  deviceSilentMinutes: 'streamlake:deviceSilentMinutes',
  silentDeviceCheckMinutes: 'streamlake:silentDeviceCheckMinutes',
  /** An address subscribed to the alerts topic by email (it must confirm the subscription). */
  alertEmail: 'streamlake:alertEmail',
  /** An address subscribed to the ops topic (the ops alarms) by email; it must confirm the subscription. */
  opsEmail: 'streamlake:opsEmail',
  /** One-minute periods in a row a consumer's iterator age must stay above its threshold to alarm (default 3). */
  opsIteratorAgePeriods: 'streamlake:opsIteratorAgePeriods',
  /** Failed invocations as a percentage of invocations, in 3 of 5 minutes, per function (default 1). */
  opsErrorRatePercent: 'streamlake:opsErrorRatePercent',
  /** Quarantined records as a percentage of records read, in 3 of 5 minutes, per Kinesis consumer (default 5). */
  opsQuarantineRatePercent: 'streamlake:opsQuarantineRatePercent',
  /** Throttled requests per minute on a table, two minutes in a row, above which it alarms (default 0). */
  opsTableThrottlesPerMinute: 'streamlake:opsTableThrottlesPerMinute',
  /** Minutes without a single record arriving on the stream before it alarms (default 15). */
  opsNoIncomingRecordsMinutes: 'streamlake:opsNoIncomingRecordsMinutes',
} as const;

/** Context values given with `-c key=value` arrive as strings, those from cdk.json or code as numbers. */
export function numberFromContext(node: Node, key: string): number | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof parsed !== 'number' || Number.isNaN(parsed)) {
    throw new Error(`context ${key} must be a number (given ${JSON.stringify(value)})`);
  }
  return parsed;
}

export function stringFromContext(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || typeof value === 'string') return value;
  throw new Error(`context ${key} must be a string (given ${JSON.stringify(value)})`);
}

export function booleanFromContext(node: Node, key: string): boolean | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`context ${key} must be true or false (given ${JSON.stringify(value)})`);
}

export function removalPolicyFromContext(node: Node): RemovalPolicy | undefined {
  const key = CONTEXT_KEYS.removalPolicy;
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new Error(`context ${key} must be "retain" or "destroy" (given ${JSON.stringify(value)})`);
}

function durationFromContext(node: Node, key: string, unit: 'seconds' | 'days'): Duration | undefined {
  const value = numberFromContext(node, key);
  if (value === undefined) return undefined;
  return unit === 'days' ? Duration.days(value) : Duration.seconds(value);
}

export function aggregateTuningFromContext(node: Node): AggregateTuning {
  const seconds = (key: string) => durationFromContext(node, key, 'seconds');
  return {
    batchSize: numberFromContext(node, CONTEXT_KEYS.aggregateBatchSize),
    maxBatchingWindow: seconds(CONTEXT_KEYS.aggregateBatchingWindowSeconds),
    retryAttempts: numberFromContext(node, CONTEXT_KEYS.aggregateRetryAttempts),
    maxRecordAge: seconds(CONTEXT_KEYS.aggregateMaxRecordAgeSeconds),
    iteratorAgeAlarmThreshold: seconds(CONTEXT_KEYS.aggregateIteratorAgeAlarmSeconds),
    allowedLateness: seconds(CONTEXT_KEYS.aggregateAllowedLatenessSeconds),
    clockSkew: seconds(CONTEXT_KEYS.aggregateClockSkewSeconds),
    maxEventBytes: numberFromContext(node, CONTEXT_KEYS.aggregateMaxEventBytes),
  };
}

export function archiveTuningFromContext(node: Node): ArchiveTuning {
  const seconds = (key: string) => durationFromContext(node, key, 'seconds');
  return {
    batchSize: numberFromContext(node, CONTEXT_KEYS.archiveBatchSize),
    maxBatchingWindow: seconds(CONTEXT_KEYS.archiveBatchingWindowSeconds),
    retryAttempts: numberFromContext(node, CONTEXT_KEYS.archiveRetryAttempts),
    maxRecordAge: seconds(CONTEXT_KEYS.archiveMaxRecordAgeSeconds),
    iteratorAgeAlarmThreshold: seconds(CONTEXT_KEYS.archiveIteratorAgeAlarmSeconds),
    allowedLateness: seconds(CONTEXT_KEYS.archiveAllowedLatenessSeconds),
    clockSkew: seconds(CONTEXT_KEYS.archiveClockSkewSeconds),
    maxEventBytes: numberFromContext(node, CONTEXT_KEYS.archiveMaxEventBytes),
  };
}

export function lakeLifecycleFromContext(
  node: Node,
): Pick<LakeBucketProps, 'quarantineExpiration' | 'onFailureExpiration' | 'noncurrentVersionExpiration'> {
  const days = (key: string) => durationFromContext(node, key, 'days');
  return {
    quarantineExpiration: days(CONTEXT_KEYS.quarantineExpirationDays),
    onFailureExpiration: days(CONTEXT_KEYS.onFailureExpirationDays),
    noncurrentVersionExpiration: days(CONTEXT_KEYS.noncurrentVersionExpirationDays),
  };
}

export function analyticsSettingsFromContext(node: Node): AnalyticsSettings {
  return {
    databaseName: stringFromContext(node, CONTEXT_KEYS.analyticsDatabaseName),
    workGroupName: stringFromContext(node, CONTEXT_KEYS.analyticsWorkGroupName),
    resultsExpiration: durationFromContext(node, CONTEXT_KEYS.queryResultsExpirationDays, 'days'),
  };
}

export function fanoutTuningFromContext(node: Node): FanoutTuning {
  const seconds = (key: string) => durationFromContext(node, key, 'seconds');
  const minutes = (key: string) => {
    const value = numberFromContext(node, key);
    return value === undefined ? undefined : Duration.minutes(value);
  };
  return {
    batchSize: numberFromContext(node, CONTEXT_KEYS.fanoutBatchSize),
    maxBatchingWindow: seconds(CONTEXT_KEYS.fanoutBatchingWindowSeconds),
    retryAttempts: numberFromContext(node, CONTEXT_KEYS.fanoutRetryAttempts),
    maxRecordAge: seconds(CONTEXT_KEYS.fanoutMaxRecordAgeSeconds),
    iteratorAgeAlarmThreshold: seconds(CONTEXT_KEYS.fanoutIteratorAgeAlarmSeconds),
    deviceSilentAfter: minutes(CONTEXT_KEYS.deviceSilentMinutes),
    silentCheckInterval: minutes(CONTEXT_KEYS.silentDeviceCheckMinutes),
  };
}

export function opsThresholdsFromContext(node: Node): OpsThresholdSettings {
  const number = (key: string) => numberFromContext(node, key);
  return {
    iteratorAgePeriods: number(CONTEXT_KEYS.opsIteratorAgePeriods),
    errorRatePercent: number(CONTEXT_KEYS.opsErrorRatePercent),
    quarantineRatePercent: number(CONTEXT_KEYS.opsQuarantineRatePercent),
    tableThrottlesPerMinute: number(CONTEXT_KEYS.opsTableThrottlesPerMinute),
    noIncomingRecordsMinutes: number(CONTEXT_KEYS.opsNoIncomingRecordsMinutes),
  };
}
