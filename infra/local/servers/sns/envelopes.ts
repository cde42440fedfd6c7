import type { AttributeValue } from './filter-policy.ts';
import type { Subscription } from './registry.ts';

/** The local server signs nothing; receivers that verify signatures must be told to skip it. */
export const PLACEHOLDER_SIGNATURE = 'TG9jYWwgU05TIGRvZXMgbm90IHNpZ24gbWVzc2FnZXMu';

export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly message: string;
  readonly subject?: string;
  readonly messageAttributes: Record<string, AttributeValue>;
  /** ISO 8601 with milliseconds, as in the Notification's Timestamp. */
  readonly timestamp: string;
}

export interface Envelope {
  readonly headers: Record<string, string>;
  readonly body: string;
}

const baseHeaders = (type: string, messageId: string, topicArn: string): Record<string, string> => ({
  'Content-Type': 'text/plain; charset=UTF-8',
  'User-Agent': 'Amazon Simple Notification Service Agent',
  'x-amz-sns-message-type': type,
  'x-amz-sns-message-id': messageId,
  'x-amz-sns-topic-arn': topicArn,
});

const query = (params: Record<string, string>): string => new URLSearchParams(params).toString();

export const subscribeUrl = (serviceUrl: string, subscription: Subscription): string =>
  `${serviceUrl}/?${query({ Action: 'ConfirmSubscription', TopicArn: subscription.topicArn, Token: subscription.token })}`;

/** The POST SNS sends an http(s) endpoint when it subscribes. */
export const confirmationEnvelope = (
  serviceUrl: string,
  subscription: Subscription,
  messageId: string,
  timestamp: string,
): Envelope => ({
  headers: baseHeaders('SubscriptionConfirmation', messageId, subscription.topicArn),
  body: JSON.stringify({
    Type: 'SubscriptionConfirmation',
    MessageId: messageId,
    Token: subscription.token,
    TopicArn: subscription.topicArn,
    Message: `You have chosen to subscribe to the topic ${subscription.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: subscribeUrl(serviceUrl, subscription),
    Timestamp: timestamp,
    SignatureVersion: '1',
    Signature: PLACEHOLDER_SIGNATURE,
    SigningCertURL: `${serviceUrl}/SimpleNotificationService-local.pem`,
  }),
});

/** The POST that delivers a message: the Notification JSON, or the body alone for raw delivery. */
export const notificationEnvelope = (
  serviceUrl: string,
  subscription: Subscription,
  published: PublishedMessage,
  message: string,
): Envelope => {
  const headers = {
    ...baseHeaders('Notification', published.messageId, published.topicArn),
    'x-amz-sns-subscription-arn': subscription.arn,
  };
  if (subscription.attributes.RawMessageDelivery === 'true') {
    return { headers: { ...headers, 'x-amz-sns-rawdelivery': 'true' }, body: message };
  }
  const hasAttributes = Object.keys(published.messageAttributes).length > 0;
  return {
    headers,
    body: JSON.stringify({
      Type: 'Notification',
      MessageId: published.messageId,
      TopicArn: published.topicArn,
      ...(published.subject === undefined ? {} : { Subject: published.subject }),
      Message: message,
      Timestamp: published.timestamp,
      SignatureVersion: '1',
      Signature: PLACEHOLDER_SIGNATURE,
      SigningCertURL: `${serviceUrl}/SimpleNotificationService-local.pem`,
      UnsubscribeURL: `${serviceUrl}/?${query({ Action: 'Unsubscribe', SubscriptionArn: subscription.arn })}`,
      ...(hasAttributes ? { MessageAttributes: published.messageAttributes } : {}),
    }),
  };
};
