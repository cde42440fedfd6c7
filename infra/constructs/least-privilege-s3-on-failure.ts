import { Validations } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type {
  DlqDestinationConfig,
  IEventSourceDlq,
  IEventSourceMapping,
  IFunction,
} from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { nagReference } from './nag-reference.ts';

/**
 * The key prefix under which Lambda writes on-failure records to an S3 destination:
 * `aws/lambda/<event source mapping UUID>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random>`.
 */
export const ON_FAILURE_KEY_PREFIX = 'aws/lambda/';

/**
 * An S3 on-failure destination for a stream event source mapping that grants only what Lambda needs.
 *
 * `S3OnFailureDestination` from aws-lambda-event-sources calls `bucket.grantReadWrite(fn)`, which lets the
 * function read, list, overwrite and delete every object in the bucket. Lambda writes the failure records
 * with the function's execution role and needs only `s3:PutObject` on the keys it picks and
 * `s3:ListBucket` on the bucket
 * (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html), so that is all
 * this grants: `s3:PutObject` on `<bucket>/aws/lambda/*` and `s3:ListBucket` on the bucket itself.
 *
 * If the bucket is encrypted with its own KMS key, Lambda also needs `kms:GenerateDataKey` on that key, which
 * this grants too (an imported bucket must be imported with its key for that). Grants go to the function's
 * role only: a bucket or key in another account must trust the role in its own policy.
 */
export class LeastPrivilegeS3OnFailureDestination implements IEventSourceDlq {
  private readonly bucket: IBucket;

  constructor(bucket: IBucket) {
    this.bucket = bucket;
  }

  bind(_target: IEventSourceMapping, targetHandler: IFunction): DlqDestinationConfig {
    Grant.addToPrincipal({
      grantee: targetHandler,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(`${ON_FAILURE_KEY_PREFIX}*`)],
    });
    Grant.addToPrincipal({
      grantee: targetHandler,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
    });
    this.bucket.encryptionKey?.grant(targetHandler, 'kms:GenerateDataKey');
    Validations.of(targetHandler).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(targetHandler, this.bucket.arnForObjects(`${ON_FAILURE_KEY_PREFIX}*`))}]`,
      reason:
        'Lambda writes the on-failure records of the event source mapping with the function role under ' +
        'aws/lambda/<mapping UUID>/<shard id>/..., keys it picks itself; the statement allows s3:PutObject only.',
    });
    return { destination: this.bucket.bucketArn };
  }
}
