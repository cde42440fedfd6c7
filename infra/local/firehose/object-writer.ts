import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { asError } from '../../../processors/shared/errors.ts';
import { sleep } from '../esm/batch-delivery.ts';
import { RetryStopped, retryTransient } from '../esm/transient-errors.ts';
import type { DeliveryObserver } from './delivery-metrics.ts';
import { type DeliveryStreamPlan, LOCAL_VERSION_ID } from './delivery-stream-plan.ts';

/** How long Firehose retries a failing S3 destination before the data is lost; locally the shard stops. */
const S3_RETRY_LIMIT_MS = 24 * 3_600_000;

export interface ObjectWriterDependencies {
  readonly s3: S3Client;
  readonly observer: DeliveryObserver;
  /** Stops the retries (RetryStopped) and cuts a PutObject in flight short. */
  readonly signal: AbortSignal;
  /** Where a refused write is logged: the delivery stream's CloudWatch log stream, one JSON line each. */
  readonly logError?: (line: string) => void;
  /** Pause before writing again after S3 refused, by attempt. @default 2 s doubling to a minute */
  readonly retryDelayMs?: (attempt: number) => number;
}

/** The error record Firehose writes to a delivery stream's log stream when S3 refuses an object. */
const failureRecord = (plan: DeliveryStreamPlan, error: unknown) => {
  const { name, message } = asError(error);
  return JSON.stringify({
    deliveryStreamARN: plan.arn,
    destination: plan.destination.bucketArn,
    deliveryStreamVersionId: Number(LOCAL_VERSION_ID),
    message,
    errorCode: `S3.${name}`,
  });
};

/**
 * PutObject of one object to the delivery stream's bucket, retried as Firehose retries S3: through passing
 * failures at once, and through refusals (logged, each a failed put in the metrics) with a growing pause, for up
 * to a day. Rejects with RetryStopped when the signal stops it.
 */
export const writeObject = async (
  plan: DeliveryStreamPlan,
  Key: string,
  Body: Uint8Array,
  deps: ObjectWriterDependencies,
): Promise<void> => {
  const { s3, observer, signal } = deps;
  const Bucket = plan.destination.bucketName;
  const since = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await retryTransient(
        () => s3.send(new PutObjectCommand({ Bucket, Key, Body }), { abortSignal: signal }),
        signal,
        { onRetry: () => observer.failed(plan.name) },
      );
      return;
    } catch (error) {
      if (error instanceof RetryStopped) throw error;
      if (signal.aborted) throw new RetryStopped(attempt, error);
      observer.failed(plan.name);
      deps.logError?.(failureRecord(plan, error));
      if (Date.now() - since > S3_RETRY_LIMIT_MS) {
        throw new Error(
          `delivery stream ${plan.name}: S3 refused ${Key} for a day (${asError(error).message}); its records stay in the stream: fix the bucket and start again`,
        );
      }
      await sleep(deps.retryDelayMs?.(attempt) ?? Math.min(1_000 * 2 ** attempt, 60_000), signal);
      if (signal.aborted) throw new RetryStopped(attempt, error);
    }
  }
};
