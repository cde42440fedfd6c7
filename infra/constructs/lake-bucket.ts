import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LAKE_METRIC_FILTERS } from '../../dashboards/index.ts';
import { DEFAULTS } from '../defaults.ts';
import { ON_FAILURE_KEY_PREFIX } from './least-privilege-s3-on-failure.ts';
import { assertDurationInRange } from './validate.ts';

export interface LakeBucketProps {
  /**
   * How long quarantined records (under `quarantine/`) are kept for inspection and replay.
   * Whole days, 1 to 3650.
   *
   * @default Duration.days(30)
   */
  readonly quarantineExpiration?: Duration;

  /**
   * How long the event source mappings' on-failure records (under `aws/lambda/`) are kept for inspection
   * and replay. Whole days, 1 to 3650; keep it at least as long as the quarantine, since both hold
   * records the pipeline did not process.
   *
   * @default Duration.days(30)
   */
  readonly onFailureExpiration?: Duration;

  /**
   * How long overwritten or deleted object versions are kept. Whole days, 1 to 3650.
   *
   * @default Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * What happens to the buckets on `cdk destroy` (CloudFormation cannot delete a bucket that still holds objects).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The data lake bucket.
 *
 * Holds `lake/` (the archiver's Parquet files, `lake/<dataset>/dt=YYYY-MM-DD/hour=HH/`, kept), `quarantine/`
 * (bad records with their reason and raw bytes, written by the processors) and the on-failure records of
 * the event source mappings. Lambda chooses those keys itself:
 * `aws/lambda/<event source mapping UUID>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random>`.
 * Quarantined and on-failure records expire; so do noncurrent versions, which the archiver leaves behind
 * when a retried batch overwrites its own files.
 *
 * Private, TLS-only, S3-managed encryption, versioned, with server access logs in a separate bucket.
 * S3 request metrics count the PUTs under each of the three prefixes (LAKE_METRIC_FILTERS in dashboards/),
 * which is how the ops dashboard charts them and an alarm sees an on-failure record appear.
 */
export class LakeBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  readonly lakePrefix: string = DEFAULTS.lakeBucket.lakePrefix;
  readonly quarantinePrefix: string = DEFAULTS.lakeBucket.quarantinePrefix;

  constructor(scope: Construct, id: string, props: LakeBucketProps = {}) {
    super(scope, id);
    const defaults = DEFAULTS.lakeBucket;
    const quarantineExpiration = props.quarantineExpiration ?? defaults.quarantineExpiration;
    const onFailureExpiration = props.onFailureExpiration ?? defaults.onFailureExpiration;
    const noncurrentVersionExpiration =
      props.noncurrentVersionExpiration ?? defaults.noncurrentVersionExpiration;
    assertDurationInRange('quarantineExpiration', quarantineExpiration, 'days', 1, 3650);
    assertDurationInRange('onFailureExpiration', onFailureExpiration, 'days', 1, 3650);
    assertDurationInRange('noncurrentVersionExpiration', noncurrentVersionExpiration, 'days', 1, 3650);
    const removalPolicy = props.removalPolicy ?? DEFAULTS.removalPolicy;

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...securedBucket,
      removalPolicy,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: defaults.accessLogsExpiration }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the lake bucket; logging it into itself (or a third bucket) ' +
        'would only log the log deliveries.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      ...securedBucket,
      versioned: true,
      removalPolicy,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'lake/',
      metrics: Object.values(LAKE_METRIC_FILTERS).map(({ id, prefix }) => ({ id, prefix })),
      lifecycleRules: [
        { id: 'expire-quarantine', prefix: this.quarantinePrefix, expiration: quarantineExpiration },
        { id: 'expire-on-failure-records', prefix: ON_FAILURE_KEY_PREFIX, expiration: onFailureExpiration },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration,
          abortIncompleteMultipartUploadAfter: defaults.abortIncompleteMultipartUploadAfter,
        },
      ],
    });
  }
}

/** Private, TLS-only, S3-managed encryption: the settings every streamlake bucket shares. */
export const securedBucket = {
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
} as const;
