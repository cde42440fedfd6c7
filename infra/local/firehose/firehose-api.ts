import { type DeliveryStreamPlan, LOCAL_VERSION_ID } from './delivery-stream-plan.ts';

/** The X-Amz-Target prefix of every Firehose operation (JSON 1.1 protocol). */
export const FIREHOSE_TARGET_PREFIX = 'Firehose_20150804.';

/** A delivery stream the local Firehose serves, with when this state folder first ran it. */
export interface ServedDeliveryStream {
  readonly plan: DeliveryStreamPlan;
  readonly createdAtMs: number;
}

/** An answer of the JSON 1.1 protocol: 200 with the output, or 400 with `__type` and `message`. */
export interface FirehoseAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const fault = (type: string, message: string): FirehoseAnswer => ({
  status: 400,
  body: { __type: type, message },
});

const notFound = (name: string, accountId: string) =>
  fault('ResourceNotFoundException', `Firehose stream ${name} under account ${accountId} not found.`);

const seconds = (ms: number) => ms / 1000;

/** The destination as DescribeDeliveryStream tells it (S3 and extended S3 views, as Firehose answers both). */
const destinationOf = ({ destination: d }: DeliveryStreamPlan) => {
  const s3 = {
    RoleARN: d.roleArn,
    BucketARN: d.bucketArn,
    ...(d.prefix === undefined ? {} : { Prefix: d.prefix }),
    ...(d.errorOutputPrefix === undefined ? {} : { ErrorOutputPrefix: d.errorOutputPrefix }),
    BufferingHints: {
      SizeInMBs: d.bufferingHints.sizeInMBs,
      IntervalInSeconds: d.bufferingHints.intervalInSeconds,
    },
    CompressionFormat: d.compression,
    EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
    CloudWatchLoggingOptions: d.logging
      ? { Enabled: true, LogGroupName: d.logging.logGroupName, LogStreamName: d.logging.logStreamName }
      : { Enabled: false },
  };
  const extended = {
    ...s3,
    ProcessingConfiguration: {
      Enabled: d.processors.length > 0,
      Processors: d.processors.map((p) => ({
        Type: p.type,
        Parameters: p.parameters.map(({ name, value }) => ({ ParameterName: name, ParameterValue: value })),
      })),
    },
    S3BackupMode: 'Disabled',
    ...(d.fileExtension === undefined ? {} : { FileExtension: d.fileExtension }),
    ...(d.customTimeZone === undefined ? {} : { CustomTimeZone: d.customTimeZone }),
  };
  return {
    DestinationId: 'destinationId-000000000001',
    S3DestinationDescription: s3,
    ExtendedS3DestinationDescription: extended,
  };
};

/** DescribeDeliveryStream's `DeliveryStreamDescription` of a served stream. */
export const describe = ({ plan, createdAtMs }: ServedDeliveryStream) => ({
  DeliveryStreamName: plan.name,
  DeliveryStreamARN: plan.arn,
  DeliveryStreamStatus: 'ACTIVE',
  DeliveryStreamType: plan.type,
  VersionId: LOCAL_VERSION_ID,
  CreateTimestamp: seconds(createdAtMs),
  Source: {
    KinesisStreamSourceDescription: {
      KinesisStreamARN: plan.source.streamArn,
      RoleARN: plan.source.roleArn,
      DeliveryStartTimestamp: seconds(plan.source.readFromTimestampMs ?? createdAtMs),
    },
  },
  Destinations: [destinationOf(plan)],
  HasMoreDestinations: false,
});

type Input = Record<string, unknown>;

const listDeliveryStreams = (streams: readonly ServedDeliveryStream[], input: Input): FirehoseAnswer => {
  const limit = input.Limit ?? 10;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    return fault(
      'ValidationException',
      `Limit must be a whole number from 1 to 10000 (given ${JSON.stringify(limit)})`,
    );
  }
  const after =
    typeof input.ExclusiveStartDeliveryStreamName === 'string' ? input.ExclusiveStartDeliveryStreamName : '';
  const names = streams
    .filter(({ plan }) => input.DeliveryStreamType === undefined || plan.type === input.DeliveryStreamType)
    .map(({ plan }) => plan.name)
    .filter((name) => name > after)
    .sort();
  return {
    status: 200,
    body: { DeliveryStreamNames: names.slice(0, limit), HasMoreDeliveryStreams: names.length > limit },
  };
};

/**
 * Answers one Firehose call (its X-Amz-Target operation and JSON input) for the served delivery streams:
 * DescribeDeliveryStream and ListDeliveryStreams as Firehose answers them; PutRecord and PutRecordBatch are
 * refused as Firehose refuses them on a stream with a Kinesis source; anything else is named as not emulated.
 */
export const answerFirehose = (
  operation: string,
  input: Input,
  streams: readonly ServedDeliveryStream[],
  accountId: string,
): FirehoseAnswer => {
  const named = () => {
    const name = input.DeliveryStreamName;
    if (typeof name !== 'string' || name === '') {
      return fault(
        'ValidationException',
        `1 validation error detected: Value ${JSON.stringify(name ?? null)} at 'deliveryStreamName' failed to satisfy constraint: Member must not be null`,
      );
    }
    return streams.find((stream) => stream.plan.name === name) ?? notFound(name, accountId);
  };
  switch (operation) {
    case 'ListDeliveryStreams':
      return listDeliveryStreams(streams, input);
    case 'DescribeDeliveryStream': {
      const stream = named();
      return 'status' in stream
        ? stream
        : { status: 200, body: { DeliveryStreamDescription: describe(stream) } };
    }
    case 'PutRecord':
    case 'PutRecordBatch': {
      const stream = named();
      if ('status' in stream) return stream;
      return fault(
        'InvalidArgumentException',
        `This operation is not permitted on ${stream.plan.type} delivery stream type.`,
      );
    }
    default:
      return fault(
        'UnknownOperationException',
        `the local Firehose answers DescribeDeliveryStream, ListDeliveryStreams, PutRecord and PutRecordBatch; ${operation} is not emulated: declare delivery streams in the CDK stack`,
      );
  }
};
