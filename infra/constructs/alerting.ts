import { Aws } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertingProps {
  /**
   * What the topic carries, in a few lower-case words: its display name is `streamlake <purpose>`, and
   * its key description and errors name it.
   *
   * @default "alerts"
   */
  readonly purpose?: string;

  /**
   * An address subscribed to every message by email; AWS sends it a confirmation first.
   *
   * @default - no subscription
   */
  readonly email?: string;

  /**
   * Whether CloudWatch alarm actions may publish to the topic (and use its key). Only the ops topic
   * needs it; the alerts topic is published to by the fan-out's role alone.
   *
   * @default false
   */
  readonly alarmsPublish?: boolean;
}

/** CloudWatch alarm actions publish as this service; it must be able to use the topic's key. */
const CLOUDWATCH = new ServicePrincipal('cloudwatch.amazonaws.com');

/**
 * A notification topic: the stack has two, the domain alerts (the fan-out's alert transitions, with
 * message attributes rule, severity, subject and state that subscribers filter on) and the ops alarms
 * (CloudWatch alarm actions). A standard topic, since CloudWatch alarms cannot publish to FIFO topics;
 * transition ids make duplicate alerts recognisable. Encrypted with a customer-managed key (rotated
 * yearly); with `alarmsPublish` its policies let CloudWatch alarms publish and use the key; publishers
 * in the account get `kms:GenerateDataKey`/`kms:Decrypt` through their own role.
 */
export class Alerting extends Construct {
  readonly key: Key;
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlertingProps = {}) {
    super(scope, id);
    const purpose = props.purpose ?? 'alerts';
    if (props.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.email)) {
      throw new Error(`${purpose} email must be an email address (given ${JSON.stringify(props.email)})`);
    }

    this.key = new Key(this, 'TopicKey', {
      description: `streamlake: encrypts the ${purpose} topic`,
      enableKeyRotation: true,
    });
    this.topic = new Topic(this, 'Topic', {
      displayName: `streamlake ${purpose}`,
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alarmsPublish) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToUseTheKey',
          principals: [CLOUDWATCH],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
      this.topic.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToPublish',
          principals: [CLOUDWATCH],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
    }
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
