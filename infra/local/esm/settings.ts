/** The event source mapping settings the local poller honours, as the template declares them. */
export interface StreamMappingSettings {
  /** Logical id of the mapping in the template; also the key of its checkpoints. */
  readonly id: string;
  readonly uuid: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly streamArn: string;
  readonly streamName: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowMs: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  readonly startingPositionTimestamp?: number;
  readonly reportBatchItemFailures: boolean;
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 means retry until the records expire, as on AWS. */
  readonly maximumRetryAttempts: number;
  /** -1 means records never expire from the mapping's point of view. */
  readonly maximumRecordAgeMs: number;
  readonly parallelizationFactor: number;
  /** Bucket name of an S3 on-failure destination, if any. */
  readonly onFailureBucket?: string;
  readonly onFailureDestinationArn?: string;
  readonly enabled: boolean;
}

/** Lambda's invocation payload limit for synchronous invocations. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** AWS defaults for properties a template leaves out. */
export const MAPPING_DEFAULTS = {
  batchSize: 100,
  maximumBatchingWindowSeconds: 0,
  maximumRetryAttempts: -1,
  maximumRecordAgeSeconds: -1,
  parallelizationFactor: 1,
} as const;
