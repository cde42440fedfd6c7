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

/** The documented invocation record Lambda sends to a stream mapping's on-failure destination. */
export const failureRecord = (batch: FailedBatchInfo, context: FailureContext, payload?: unknown) => ({
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
  KinesisBatchInfo: {
    shardId: batch.shardId,
    startSequenceNumber: batch.startSequenceNumber,
    endSequenceNumber: batch.endSequenceNumber,
    approximateArrivalOfFirstRecord: new Date(batch.approximateArrivalOfFirstRecordMs).toISOString(),
    approximateArrivalOfLastRecord: new Date(batch.approximateArrivalOfLastRecordMs).toISOString(),
    batchSize: batch.batchSize,
    streamArn: batch.streamArn,
  },
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
