/** The compressions the local Firehose writes; the others (ZIP, Snappy, HADOOP_SNAPPY) stop the start, named. */
export type LocalCompression = 'GZIP' | 'UNCOMPRESSED';

/** BufferingHints as declared (or Firehose's defaults): whichever is reached first delivers the buffer. */
export interface BufferingHints {
  /** 1 to 128 MiB of record data, before compression. */
  readonly sizeInMBs: number;
  /** 0 to 900 seconds from the buffer's first record. */
  readonly intervalInSeconds: number;
}

/** Firehose's buffering when a destination declares no BufferingHints (5 MiB, 300 s). */
export const DEFAULT_BUFFERING_HINTS: BufferingHints = { sizeInMBs: 5, intervalInSeconds: 300 };

/** A data processor as declared (`ProcessingConfiguration.Processors`), for DescribeDeliveryStream. */
export interface ProcessorPlan {
  readonly type: string;
  readonly parameters: readonly { readonly name: string; readonly value: string }[];
}

/** Where Firehose logs delivery errors (`CloudWatchLoggingOptions`), with the log group's logical id when declared. */
export interface DeliveryLoggingPlan {
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** The template's AWS::Logs::LogGroup it names: the local cloud writes its lines to `logs/<logical id>.log`. */
  readonly logGroupLogicalId?: string;
}

/** An extended S3 destination, with names resolved and the settings the local delivery applies. */
export interface S3DestinationPlan {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly roleArn: string;
  /** `Prefix` as declared (expressions unevaluated); Firehose's `yyyy/MM/dd/HH/` when unset. */
  readonly prefix?: string;
  readonly errorOutputPrefix?: string;
  readonly bufferingHints: BufferingHints;
  readonly compression: LocalCompression;
  /** `FileExtension` as declared; unset, Firehose appends `.gz` to GZIP objects and nothing otherwise. */
  readonly fileExtension?: string;
  /** `CustomTimeZone` (IANA) of the prefix and suffix timestamps; UTC when unset. */
  readonly customTimeZone?: string;
  /** Appended to every record: `\n` when the AppendDelimiterToRecord processor is enabled. */
  readonly delimiter?: string;
  readonly processors: readonly ProcessorPlan[];
  readonly logging?: DeliveryLoggingPlan;
}

/** The Kinesis stream a delivery stream reads (`KinesisStreamSourceConfiguration`). */
export interface KinesisSourcePlan {
  readonly streamName: string;
  readonly streamArn: string;
  readonly roleArn: string;
  /** `ReadFromTimestamp`: where reading starts instead of the stream's tip at creation. */
  readonly readFromTimestampMs?: number;
}

/** An AWS::KinesisFirehose::DeliveryStream with a Kinesis source and an S3 destination, as the local cloud runs it. */
export interface DeliveryStreamPlan {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly type: 'KinesisStreamAsSource';
  readonly source: KinesisSourcePlan;
  readonly destination: S3DestinationPlan;
}

/** Every delivery stream is at version 1 locally: a configuration change is a new start, not an UpdateDestination. */
export const LOCAL_VERSION_ID = '1';

/** The extension an object gets: the declared one, else `.gz` for GZIP (Firehose's default), else none. */
export const fileExtensionOf = (destination: Pick<S3DestinationPlan, 'fileExtension' | 'compression'>) =>
  destination.fileExtension ?? (destination.compression === 'GZIP' ? '.gz' : '');
