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
  /** `MetricsConfig` asks for the EventCount group (DroppedEventCount, OnFailureDestinationDeliveredEventCount, …). */
  readonly eventCountMetrics: boolean;
}

/** What the shared batch-delivery core needs of a mapping, whatever its source. */
export type DeliverySettings = Pick<
  StreamMappingSettings,
  | 'id'
  | 'uuid'
  | 'functionArn'
  | 'streamArn'
  | 'reportBatchItemFailures'
  | 'bisectBatchOnFunctionError'
  | 'maximumRetryAttempts'
  | 'maximumRecordAgeMs'
  | 'onFailureBucket'
>;

/** A DynamoDB-stream event source mapping: the Kinesis settings, less the stream name, plus the table and filters. */
export interface DynamoDbStreamMappingSettings
  extends Omit<StreamMappingSettings, 'streamName' | 'startingPosition' | 'startingPositionTimestamp'> {
  /**
   * The stream ARN as the template resolves it. The local template resolver gives `<table arn>/stream/local`
   * for `Fn::GetAtt Table.StreamArn`; the poller then asks the table for its real stream (DescribeTable).
   */
  readonly streamArn: string;
  readonly tableName: string;
  /** DynamoDB streams support only these two (AT_TIMESTAMP is Kinesis-only). */
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** `FilterCriteria.Filters[].Pattern`, JSON strings; a record is delivered when any matches (none: all). */
  readonly filterPatterns: readonly string[];
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
