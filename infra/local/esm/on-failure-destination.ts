import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DeliverableRecord, DeliverySource, PollerObserver } from './batch-delivery.ts';
import { type FailureContext, failureObjectKey, failureRecord } from './failure-record.ts';
import type { CallService } from './service-calls.ts';
import type { DeliverySettings } from './settings.ts';

/** Records a mapping gives up on, and why. */
export interface DiscardedRecords<R, E> {
  readonly shardId: string;
  readonly records: readonly R[];
  readonly condition: FailureContext['condition'];
  /** Invocations since the last checkpoint (the record's `approximateInvokeCount`). */
  readonly invocations: number;
  /** The event of the last, failed invocation; none when the records expired before one. */
  readonly event?: E;
}

export interface OnFailureDependencies<R extends DeliverableRecord, E> {
  readonly settings: DeliverySettings;
  readonly s3: S3Client;
  readonly source: DeliverySource<R, E>;
  readonly observer?: PollerObserver;
  /**
   * Sends the PutObject, retrying it while S3 fails transiently: the records are checkpointed past only
   * once their invocation record is written, so an S3 outage holds the shard rather than losing them.
   * @default one attempt
   */
  readonly callService?: CallService;
}

/**
 * Gives records up the way Lambda does: with an S3 on-failure destination, its invocation record
 * (the batch, the condition, the event) is written there first; either way the observer is told.
 */
export const discardRecords = async <R extends DeliverableRecord, E>(
  discarded: DiscardedRecords<R, E>,
  deps: OnFailureDependencies<R, E>,
): Promise<void> => {
  const { shardId, records, condition } = discarded;
  const { settings, observer } = deps;
  if (records.length === 0) return;
  const bucket = settings.onFailureBucket;
  const key = bucket ? await writeFailureRecord(bucket, discarded, deps) : undefined;
  observer?.onDiscard?.({
    mappingId: settings.id,
    shardId,
    records: records.length,
    condition,
    ...(key === undefined ? {} : { key }),
  });
};

/** Writes the invocation record of `discarded` into `bucket`; returns its key. */
const writeFailureRecord = async <R extends DeliverableRecord, E>(
  bucket: string,
  discarded: DiscardedRecords<R, E>,
  deps: OnFailureDependencies<R, E>,
): Promise<string> => {
  const { shardId, records, condition, invocations, event } = discarded;
  const { settings, source } = deps;
  const first = records[0] as R;
  const last = records.at(-1) as R;
  const now = Date.now();
  const body = failureRecord(
    {
      shardId,
      streamArn: settings.streamArn,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecordMs: first.arrivalMs,
      approximateArrivalOfLastRecordMs: last.arrivalMs,
      batchSize: records.length,
    },
    {
      functionArn: settings.functionArn,
      condition,
      approximateInvokeCount: invocations,
      ...(event ? { functionError: 'Unhandled' as const } : {}),
      nowMs: now,
    },
    event ?? source.buildEvent(shardId, records),
    source.batchInfoKey,
  );
  const key = failureObjectKey(settings.uuid, shardId, now);
  const input = { Bucket: bucket, Key: key, Body: JSON.stringify(body), ContentType: 'application/json' };
  const callService: CallService = deps.callService ?? ((_, send) => send());
  await callService('S3 PutObject', () => deps.s3.send(new PutObjectCommand(input)));
  return key;
};
