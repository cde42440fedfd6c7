import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { nagReference } from '../nag-reference.ts';

export interface DeliveryRoleProps {
  /** The stream Firehose reads. */
  readonly events: IStream;
  /** The bucket Firehose writes. */
  readonly bucket: IBucket;
  /** The key prefixes it writes under (data and errors), each ending with "/". */
  readonly prefixes: readonly string[];
  /** Where it logs delivery errors. */
  readonly logGroup: ILogGroup;
}

/**
 * The role Firehose assumes to read the stream, write the raw objects and log delivery errors: the statements
 * of AWS's own policy for a Kinesis source and an S3 destination (Firehose developer guide, "Controlling access"),
 * objects limited to the zone's prefixes. The L2 destination would grant read-write on the whole bucket, deletes
 * included; it is handed this role without policy updates, so this is all the role can do.
 */
export function deliveryRole(scope: Construct, id: string, props: DeliveryRoleProps): Role {
  const role = new Role(scope, id, {
    // Only Firehose acting for this account (the confused-deputy guard Firehose documents).
    assumedBy: new ServicePrincipal('firehose.amazonaws.com', {
      conditions: { StringEquals: { 'sts:ExternalId': Stack.of(scope).account } },
    }),
    description: 'Firehose reads the event stream and writes every record to the raw zone, byte for byte',
  });
  role.addToPolicy(
    new PolicyStatement({
      actions: [
        'kinesis:DescribeStream',
        'kinesis:GetShardIterator',
        'kinesis:GetRecords',
        'kinesis:ListShards',
      ],
      resources: [props.events.streamArn],
    }),
  );
  // The stream's AWS-managed key needs no grant; a customer-managed one does.
  props.events.encryptionKey?.grantDecrypt(role);
  role.addToPolicy(
    new PolicyStatement({
      actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      resources: [props.bucket.bucketArn],
    }),
  );
  const objects = props.prefixes.map((prefix) => props.bucket.arnForObjects(`${prefix}*`));
  role.addToPolicy(
    new PolicyStatement({
      actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
      resources: objects,
    }),
  );
  props.bucket.encryptionKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  role.addToPolicy(
    new PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [props.logGroup.logGroupArn] }),
  );

  for (const resource of objects) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(scope, resource)}]`,
      reason:
        'Firehose names each object it writes (<prefix><stream>-<version>-<time>-<uuid>.gz, the prefix by arrival ' +
        'hour or error type); the statement allows writing objects under the raw zone prefixes only, never deleting.',
    });
  }
  return role;
}
