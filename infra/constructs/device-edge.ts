import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPolicy, CfnThingType, CfnTopicRule } from 'aws-cdk-lib/aws-iot';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { devicePolicyDocument } from './device-edge/policy-document.ts';
import { deviceIdFromTopic, errorObjectKey, telemetryRuleSql } from './device-edge/rule-sql.ts';
import type { DeviceEdgeSettings } from './device-edge/settings.ts';
import { nagReference } from './nag-reference.ts';
import { assertDurationInRange } from './validate.ts';

export interface DeviceEdgeProps extends DeviceEdgeSettings {
  /** The stream every device event is put into. */
  readonly events: IStream;
  /** The lake bucket: the error action keeps failed messages under `errors/iot/` of it. */
  readonly lake: Bucket;
}

/** IoT rule names allow letters, digits and underscores, up to 128 of them. */
const RULE_NAME_LENGTH = 128;
const RULE_SUFFIX = '_device_telemetry';

/**
 * The rule's name: the stack's with a suffix, in the characters IoT allows. Plain text rather than a generated
 * name, because it is the `RuleName` dimension of the rule's metrics, which the ops view names.
 */
export const deviceRuleNameOf = (stackName: string): string =>
  `${stackName.replace(/[^A-Za-z0-9_]/g, '_').slice(0, RULE_NAME_LENGTH - RULE_SUFFIX.length)}${RULE_SUFFIX}`;

/**
 * The device edge: devices hold an X.509 certificate, not AWS credentials, and publish their events over MQTT
 * to IoT Core, several a message (`{"events":[…]}`, docs/decisions.md D36) or one bare; a topic rule puts each
 * message into the event stream as one record.
 *
 * - Topic rule: `SELECT *, {receivedAt, requestId, clientId, topic} AS edge FROM 'streamlake/devices/+/telemetry'`,
 *   one Kinesis PutRecord per message, partition key = the device id from the topic; a message the Kinesis
 *   action cannot put is kept by the error action as one S3 object under `errors/iot/` of the lake bucket.
 * - Role: what the two actions need and nothing more, assumable by IoT Core for this rule only.
 * - IoT policy, for every device certificate: connect with its own thing name as client id, publish to its
 *   own topic only.
 * - Thing type: every registered device is a thing of it.
 */
export class DeviceEdge extends Construct {
  readonly rule: CfnTopicRule;
  /** Plain text, so the ops view can name the rule's metrics locally too. */
  readonly ruleName: string;
  /** The topic filter the rule reads: every device's telemetry topic. */
  readonly topicFilter: string;
  /** The role IoT Core assumes for the rule's actions. */
  readonly role: Role;
  readonly policy: CfnPolicy;
  readonly thingType: CfnThingType;
  /** Where the error action writes in the lake bucket. */
  readonly errorPrefix: string = DEFAULTS.deviceEdge.errorPrefix;

  constructor(scope: Construct, id: string, props: DeviceEdgeProps) {
    super(scope, id);
    const defaults = DEFAULTS.deviceEdge;
    const errorExpiration = props.errorExpiration ?? defaults.errorExpiration;
    assertDurationInRange('device errorExpiration', errorExpiration, 'days', 1, 3650);
    const stack = Stack.of(this);
    this.ruleName = deviceRuleNameOf(stack.stackName);
    this.topicFilter = defaults.telemetryTopic('+');

    this.role = new Role(this, 'RuleRole', {
      // Only this account's rule of this name may use the role (cross-service confused-deputy guard).
      assumedBy: new ServicePrincipal('iot.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'iot',
              resource: 'rule',
              resourceName: this.ruleName,
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
      description: 'IoT Core puts device messages into the event stream, and failed ones under errors/iot/',
    });
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['kinesis:PutRecord'], resources: [props.events.streamArn] }),
    );
    const errorObjects = props.lake.arnForObjects(`${this.errorPrefix}*`);
    this.role.addToPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [errorObjects] }));
    // AWS-managed keys (the stream's, the bucket's S3-managed one) need no grant; customer-managed ones do.
    props.events.encryptionKey?.grant(this.role, 'kms:GenerateDataKey');
    props.lake.encryptionKey?.grant(this.role, 'kms:GenerateDataKey');
    props.lake.addLifecycleRule({
      id: 'expire-device-rule-errors',
      prefix: this.errorPrefix,
      expiration: errorExpiration,
    });

    this.rule = new CfnTopicRule(this, 'TelemetryRule', {
      ruleName: this.ruleName,
      topicRulePayload: {
        description: 'streamlake devices: each telemetry message with its edge context -> the event stream',
        sql: telemetryRuleSql(this.topicFilter),
        awsIotSqlVersion: defaults.sqlVersion,
        ruleDisabled: false,
        actions: [
          {
            kinesis: {
              streamName: props.events.streamName,
              partitionKey: deviceIdFromTopic(defaults.telemetryTopic),
              roleArn: this.role.roleArn,
            },
          },
        ],
        errorAction: {
          s3: {
            bucketName: props.lake.bucketName,
            key: errorObjectKey(this.errorPrefix),
            roleArn: this.role.roleArn,
          },
        },
      },
    });
    // IoT Core checks the role when the rule is created: its policy must exist by then, not only the role.
    this.rule.node.addDependency(this.role);

    this.policy = new CfnPolicy(this, 'Policy', {
      policyDocument: devicePolicyDocument(this, defaults.telemetryTopic),
    });
    this.thingType = new CfnThingType(this, 'ThingType', {
      thingTypeProperties: {
        thingTypeDescription: `A streamlake device: publishes its events over MQTT to ${defaults.telemetryTopic('<thing name>')}`,
      },
    });

    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(this, errorObjects)}]`,
      reason:
        'The error action writes one object per failed message under errors/iot/<yyyy/MM/dd>/<trace id>.json, keys ' +
        'IoT Core makes per message; the statement allows s3:PutObject under that prefix only.',
    });
  }

  /** The topic a device of this name publishes to, as its policy allows. */
  telemetryTopicOf(deviceId: string): string {
    return DEFAULTS.deviceEdge.telemetryTopic(deviceId);
  }
}
