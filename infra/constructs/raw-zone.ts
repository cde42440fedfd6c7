import { CfnMapping, type Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import {
  AppendDelimiterToRecordProcessor,
  Compression,
  DeliveryStream,
  EnableLogging,
  KinesisStreamSource,
  S3Bucket,
} from 'aws-cdk-lib/aws-kinesisfirehose';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { securedBucket } from './lake-bucket.ts';
import { deliveryRole } from './raw-zone/delivery-role.ts';
import { rawDataPrefixOf, rawDeliveryStreamNameOf, rawErrorPrefixOf } from './raw-zone/layout.ts';
import { type RawZoneSettings, validateRawZoneSettings } from './raw-zone/settings.ts';

export interface RawZoneProps extends RawZoneSettings {
  /** The stream whose every record the raw zone keeps. */
  readonly events: IStream;
  /** Where the raw bucket's server access logs go (the lake's access-log bucket). */
  readonly accessLogs: IBucket;
  /**
   * What happens to the raw bucket and the delivery log on `cdk destroy`.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The raw zone: a Firehose delivery stream reads the event stream (as its own consumer, with its own position)
 * and writes every record, byte for byte with a newline after each, GZIP-compressed, to its own bucket under
 * `raw/dt=YYYY-MM-DD/hour=HH/` by arrival time; what it cannot deliver goes under `raw-errors/<error type>/`.
 * Kinesis keeps records a day; this keeps them for as long as backfills and rebuilds may need them.
 *
 * - Bucket: private, TLS-only, S3-managed encryption, access logs; not versioned (Firehose never overwrites: each
 *   object name carries a UUID); every object moves to Glacier Instant Retrieval after `glacierAfter`.
 * - Delivery: `AppendDelimiterToRecord` adds `\n` after each record (Firehose's default delimiter, no
 *   parameter), GZIP compresses each object (`.gz`), buffering by `bufferingSize`/`bufferingInterval`.
 * - Delivery errors are logged to CloudWatch Logs; the role can do what delivery needs and nothing more.
 */
export class RawZone extends Construct {
  readonly bucket: Bucket;
  readonly deliveryStream: DeliveryStream;
  /** Plain text: the `DeliveryStreamName` dimension of the stream's metrics, which the ops view names. */
  readonly deliveryStreamName: string;
  /** Where the raw objects are: `raw/`, then `dt=…/hour=…/`. */
  readonly prefix: string = DEFAULTS.rawZone.prefix;
  /** Where what Firehose could not deliver is: `raw-errors/`, then `<error type>/dt=…/`. */
  readonly errorPrefix: string = DEFAULTS.rawZone.errorPrefix;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** When the freshness alarm goes off, for the ops thresholds. */
  readonly freshnessAlarmThreshold: Duration;

  constructor(scope: Construct, id: string, props: RawZoneProps) {
    super(scope, id);
    const defaults = DEFAULTS.rawZone;
    const settings = validateRawZoneSettings({
      bufferingInterval: props.bufferingInterval ?? defaults.bufferingInterval,
      bufferingSize: props.bufferingSize ?? defaults.bufferingSize,
      glacierAfter: props.glacierAfter ?? defaults.glacierAfter,
      freshnessAlarmThreshold: props.freshnessAlarmThreshold ?? defaults.freshnessAlarmThreshold,
      ...(props.expiration ? { expiration: props.expiration } : {}),
    });
    this.freshnessAlarmThreshold = settings.freshnessAlarmThreshold;
    const removalPolicy = props.removalPolicy ?? DEFAULTS.removalPolicy;
    this.deliveryStreamName = rawDeliveryStreamNameOf(Stack.of(this).stackName);

    this.bucket = new Bucket(this, 'Bucket', {
      ...securedBucket,
      removalPolicy,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: defaults.accessLogsPrefix,
      lifecycleRules: [
        {
          id: 'raw-to-glacier-instant-retrieval',
          transitions: [
            { storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: settings.glacierAfter },
          ],
          ...(settings.expiration ? { expiration: settings.expiration } : {}),
          abortIncompleteMultipartUploadAfter: defaults.abortIncompleteMultipartUploadAfter,
        },
      ],
    });
    this.logGroup = new LogGroup(this, 'DeliveryLog', { retention: defaults.logRetention, removalPolicy });
    this.role = deliveryRole(this, 'DeliveryRole', {
      events: props.events,
      bucket: this.bucket,
      prefixes: [this.prefix, this.errorPrefix],
      logGroup: this.logGroup,
    });
    // The L2 constructs would add their own, wider grants to the role: they get it without policy updates.
    const role = this.role.withoutPolicyUpdates();

    this.deliveryStream = new DeliveryStream(this, 'DeliveryStream', {
      deliveryStreamName: this.deliveryStreamName,
      source: new KinesisStreamSource(props.events),
      role,
      destination: new S3Bucket(this.bucket, {
        role,
        dataOutputPrefix: rawDataPrefixOf(this.prefix),
        errorOutputPrefix: rawErrorPrefixOf(this.errorPrefix),
        bufferingInterval: settings.bufferingInterval,
        bufferingSize: settings.bufferingSize,
        compression: Compression.GZIP,
        processors: [new AppendDelimiterToRecordProcessor()],
        loggingConfig: new EnableLogging(this.logGroup),
      }),
    });
    // Firehose checks that the role can read the stream when the delivery stream is created: its policy first.
    this.deliveryStream.node.addDependency(this.role);

    acknowledgeUnusedCidrMapping(this);
    Validations.of(this.deliveryStream).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason:
        'A delivery stream reading a Kinesis stream keeps no data at rest of its own (Firehose refuses server-side ' +
        'encryption for it): the records are encrypted in the stream (aws/kinesis key) and in the raw bucket (SSE-S3).',
    });
  }
}

/**
 * The delivery stream construct declares, in its stack, a mapping of Firehose's CIDR blocks per region for
 * `connections` (a VPC destination's security groups). The raw zone has no VPC destination, so nothing reads
 * it. The validation reports a mapping on the stack (mappings have no construct of their own in its report).
 */
function acknowledgeUnusedCidrMapping(scope: Construct): void {
  const stack = Stack.of(scope);
  const declared = stack.node.children.some(
    (child) => child instanceof CfnMapping && child.node.id.includes('kinesisfirehose.CidrBlocks'),
  );
  if (!declared) return;
  Validations.of(stack).acknowledge({
    id: 'CloudFormation-Validate::W7001',
    reason:
      "DeliveryStream declares Firehose's CIDR blocks per region for its `connections`, which only a VPC " +
      'destination uses; the raw zone writes to S3, so the mapping stays unreferenced.',
  });
}
