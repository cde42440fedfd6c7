import { randomUUID } from 'node:crypto';

export interface FailedBatchInfo {
  readonly shardId: string;
  readonly streamArn: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly approximateArrivalOfFirstRecordMs: number;
  readonly approximateArrivalOfLastRecordMs: number;
  readonly batchSize: number;
}

export interface FailureContext {
  readonly functionArn: string;
  readonly condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
  readonly approximateInvokeCount: number;
  readonly functionError?: 'Unhandled' | 'Handled';
  readonly nowMs: number;
}

/** The batch as a failure record describes it (same fields for Kinesis and DynamoDB streams). */
export interface BatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

/** The key naming the batch in a failure record: Kinesis and DynamoDB streams differ only in it. */
export type BatchInfoKey = 'KinesisBatchInfo' | 'DDBStreamBatchInfo';

/**
 * The documented invocation record Lambda sends to a stream mapping's on-failure destination; the
 * batch sits under `KinesisBatchInfo` for Kinesis streams and `DDBStreamBatchInfo` for DynamoDB streams.
 */
export const failureRecord = <K extends BatchInfoKey = 'KinesisBatchInfo'>(
  batch: FailedBatchInfo,
  context: FailureContext,
  payload?: unknown,
  batchInfoKey: K = 'KinesisBatchInfo' as K,
) => ({
  requestContext: {
    requestId: randomUUID(),
    functionArn: context.functionArn,
    condition: context.condition,
    approximateInvokeCount: context.approximateInvokeCount,
  },
  responseContext: {
    statusCode: 200,
    executedVersion: '$LATEST',
    ...(context.functionError ? { functionError: context.functionError } : {}),
  },
  version: '1.0',
  timestamp: new Date(context.nowMs).toISOString(),
  ...({
    [batchInfoKey]: {
      shardId: batch.shardId,
      startSequenceNumber: batch.startSequenceNumber,
      endSequenceNumber: batch.endSequenceNumber,
      approximateArrivalOfFirstRecord: new Date(batch.approximateArrivalOfFirstRecordMs).toISOString(),
      approximateArrivalOfLastRecord: new Date(batch.approximateArrivalOfLastRecordMs).toISOString(),
      batchSize: batch.batchSize,
      streamArn: batch.streamArn,
    },
  } as { [P in K]: BatchInfo }),
  ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
});

const pad = (n: number) => String(n).padStart(2, '0');

/** S3 destinations key records as aws/lambda/<mapping UUID>/<shard>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>. */
export const failureObjectKey = (mappingUuid: string, shardId: string, nowMs: number): string => {
  const d = new Date(nowMs);
  const [y, m, day] = [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())];
  const time = `${pad(d.getUTCHours())}.${pad(d.getUTCMinutes())}.${pad(d.getUTCSeconds())}`;
  return `aws/lambda/${mappingUuid}/${shardId}/${y}/${m}/${day}/${y}-${m}-${day}T${time}-${randomUUID()}`;
};
