import {
  type BufferingHints,
  DEFAULT_BUFFERING_HINTS,
  type DeliveryLoggingPlan,
  type DeliveryStreamPlan,
  type LocalCompression,
  type ProcessorPlan,
  type S3DestinationPlan,
} from './firehose/delivery-stream-plan.ts';
import { compilePrefixes } from './firehose/prefix-expression.ts';
import { assertTimeZone } from './firehose/zoned-time.ts';
import type { BucketPlan, LocalAccount, StreamPlan, Template } from './template.ts';
import type { TemplateIntrinsics } from './template-intrinsics.ts';

type Props = Record<string, unknown>;

/** The one processor the local Firehose runs: a newline after every record. */
const APPEND_DELIMITER = 'AppendDelimiterToRecord';

const isEnabled = (configuration: unknown) => (configuration as Props | undefined)?.Enabled === true;

/** A whole number in [low, high], or the default when undeclared; else an error naming the value. */
const whole = (where: string, name: string, value: unknown, low: number, high: number, fallback: number) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < low || n > high) {
    throw new Error(
      `${where}: ${name} must be a whole number from ${low} to ${high} (given ${JSON.stringify(value)})`,
    );
  }
  return n;
};

const bufferingHintsOf = (where: string, declared: Props | undefined): BufferingHints => ({
  sizeInMBs: whole(
    where,
    'BufferingHints.SizeInMBs',
    declared?.SizeInMBs,
    1,
    128,
    DEFAULT_BUFFERING_HINTS.sizeInMBs,
  ),
  intervalInSeconds: whole(
    where,
    'BufferingHints.IntervalInSeconds',
    declared?.IntervalInSeconds,
    0,
    900,
    DEFAULT_BUFFERING_HINTS.intervalInSeconds,
  ),
});

const compressionOf = (where: string, declared: unknown): LocalCompression => {
  const compression = declared ?? 'UNCOMPRESSED';
  if (compression === 'GZIP' || compression === 'UNCOMPRESSED') return compression;
  throw new Error(
    `${where}: CompressionFormat ${JSON.stringify(compression)} is not written by the local Firehose: declare GZIP or UNCOMPRESSED`,
  );
};

/** The declared processors; when enabled, only AppendDelimiterToRecord without parameters is run. */
const processorsOf = (where: string, declared: Props | undefined): ProcessorPlan[] => {
  const processors = ((declared?.Processors as Props[] | undefined) ?? []).map((p) => ({
    type: String(p.Type),
    parameters: ((p.Parameters as Props[] | undefined) ?? []).map((parameter) => ({
      name: String(parameter.ParameterName),
      value: String(parameter.ParameterValue),
    })),
  }));
  if (!isEnabled(declared)) return processors;
  for (const processor of processors) {
    if (processor.type !== APPEND_DELIMITER || processor.parameters.length > 0) {
      throw new Error(
        `${where}: processor ${processor.type}${processor.parameters.length > 0 ? ' with parameters' : ''} is not run by the local Firehose (it runs ${APPEND_DELIMITER} without parameters only)`,
      );
    }
  }
  return processors;
};

/** Settings whose local emulation would write different objects than Firehose: refused, named. */
const assertEmulated = (where: string, d: Props) => {
  const refused = [
    ['DataFormatConversionConfiguration', isEnabled(d.DataFormatConversionConfiguration)],
    ['DynamicPartitioningConfiguration', isEnabled(d.DynamicPartitioningConfiguration)],
    ['S3BackupMode Enabled', d.S3BackupMode === 'Enabled'],
  ] as const;
  for (const [setting, declared] of refused) {
    if (declared) throw new Error(`${where}: ${setting} is not emulated by the local Firehose: remove it`);
  }
};

const loggingOf = (template: Template, declared: Props | undefined, resolve: (v: unknown) => unknown) => {
  if (!isEnabled(declared)) return undefined;
  const ref = (declared?.LogGroupName as { Ref?: unknown } | undefined)?.Ref;
  const logging: DeliveryLoggingPlan = {
    logGroupName: String(resolve(declared?.LogGroupName)),
    logStreamName: String(resolve(declared?.LogStreamName)),
    ...(typeof ref === 'string' && template.Resources[ref]?.Type === 'AWS::Logs::LogGroup'
      ? { logGroupLogicalId: ref }
      : {}),
  };
  return logging;
};

const destinationOf = (
  where: string,
  template: Template,
  declared: Props,
  buckets: readonly BucketPlan[],
  resolve: (v: unknown) => unknown,
): S3DestinationPlan => {
  const d = resolve(declared) as Props;
  assertEmulated(where, d);
  const bucket = buckets.find((b) => b.arn === d.BucketARN);
  if (!bucket) {
    throw new Error(
      `${where}: BucketARN ${JSON.stringify(d.BucketARN)} is no bucket of the stack; the local Firehose writes to the stack's own buckets only`,
    );
  }
  const prefix = d.Prefix as string | undefined;
  const errorOutputPrefix = d.ErrorOutputPrefix as string | undefined;
  try {
    compilePrefixes(prefix, errorOutputPrefix);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  const customTimeZone = d.CustomTimeZone as string | undefined;
  if (customTimeZone !== undefined) assertTimeZone(customTimeZone, where);
  const processors = processorsOf(where, d.ProcessingConfiguration as Props | undefined);
  const logging = loggingOf(template, declared.CloudWatchLoggingOptions as Props | undefined, resolve);
  return {
    bucketName: bucket.name,
    bucketArn: bucket.arn,
    roleArn: String(d.RoleARN ?? ''),
    ...(prefix === undefined ? {} : { prefix }),
    ...(errorOutputPrefix === undefined ? {} : { errorOutputPrefix }),
    bufferingHints: bufferingHintsOf(where, d.BufferingHints as Props | undefined),
    compression: compressionOf(where, d.CompressionFormat),
    ...(typeof d.FileExtension === 'string' ? { fileExtension: d.FileExtension } : {}),
    ...(customTimeZone === undefined ? {} : { customTimeZone }),
    ...(isEnabled(d.ProcessingConfiguration) && processors.length > 0 ? { delimiter: '\n' } : {}),
    processors,
    ...(logging ? { logging } : {}),
  };
};

const readFromOf = (where: string, declared: unknown): { readFromTimestampMs?: number } => {
  if (declared === undefined) return {};
  const ms = Date.parse(String(declared));
  if (Number.isNaN(ms)) {
    throw new Error(`${where}: ReadFromTimestamp ${JSON.stringify(declared)} is not a date (give ISO 8601)`);
  }
  return { readFromTimestampMs: ms };
};

/**
 * The template's delivery streams (`AWS::KinesisFirehose::DeliveryStream`), each reading a stream of the stack
 * into a bucket of the stack, with every setting the local delivery applies. A delivery stream the local
 * Firehose cannot run as Firehose would (another source or destination, a compression or processor it does not
 * apply, format conversion, dynamic partitioning, a prefix breaking Firehose's rules) stops the start, named.
 */
export const deliveryStreamsFromTemplate = (
  template: Template,
  intrinsics: TemplateIntrinsics,
  account: LocalAccount,
  declared: { readonly streams: readonly StreamPlan[]; readonly buckets: readonly BucketPlan[] },
): DeliveryStreamPlan[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::KinesisFirehose::DeliveryStream')
    .map(([id, resource]): DeliveryStreamPlan => {
      const props = resource.Properties ?? {};
      const where = `delivery stream ${id}`;
      const type = props.DeliveryStreamType ?? 'DirectPut';
      if (type !== 'KinesisStreamAsSource') {
        throw new Error(
          `${where}: DeliveryStreamType ${JSON.stringify(type)} is not run by the local Firehose, which reads a Kinesis stream of the stack (KinesisStreamAsSource)`,
        );
      }
      const s3 = (props.ExtendedS3DestinationConfiguration ?? props.S3DestinationConfiguration) as
        | Props
        | undefined;
      if (!s3) {
        throw new Error(
          `${where}: the local Firehose delivers to S3 only; declare an ExtendedS3DestinationConfiguration`,
        );
      }
      const source = intrinsics.resolve(props.KinesisStreamSourceConfiguration ?? {}) as Props;
      const stream = declared.streams.find((s) => s.arn === source.KinesisStreamARN);
      if (!stream) {
        throw new Error(
          `${where}: KinesisStreamARN ${JSON.stringify(source.KinesisStreamARN)} is no stream of the stack; the local Firehose reads the stack's own streams only`,
        );
      }
      const name = intrinsics.nameOf(id);
      return {
        logicalId: id,
        name,
        arn: `arn:aws:firehose:${account.region}:${account.accountId}:deliverystream/${name}`,
        type,
        source: {
          streamName: stream.name,
          streamArn: stream.arn,
          roleArn: String(source.RoleARN ?? ''),
          ...readFromOf(where, source.ReadFromTimestamp),
        },
        destination: destinationOf(where, template, s3, declared.buckets, intrinsics.resolve),
      };
    });
