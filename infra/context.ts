import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import type { AggregateTuning } from './constructs/aggregate-tuning.ts';

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

export function aggregateTuningFromContext(node: Node): AggregateTuning {
  const seconds = (key: string) => {
    const value = numberFromContext(node, key);
    return value === undefined ? undefined : Duration.seconds(value);
  };
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
