import { randomBytes, randomUUID } from 'node:crypto';
import { confirmationEnvelope } from './envelopes.ts';
import { type PublishContext, publishMessage } from './publish.ts';
import { invalidParameter, type QueryParams, SnsError, XmlMap, type XmlValue } from './query-protocol.ts';
import { SNS_ACCOUNT_ID, type Subscription, type Topic, validateSubscriptionAttributes } from './registry.ts';

export type Action = (params: QueryParams) => XmlValue;

const PAGE_SIZE = 100;
const MAX_BATCH_ENTRIES = 10;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

const page = <T>(items: T[], token: string | undefined): { items: T[]; next: string | undefined } => {
  const start = token ? Number(token) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw invalidParameter(`Invalid parameter: NextToken (given ${token})`);
  const end = start + PAGE_SIZE;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
};

/** The local SNS must never post to the outside world: only loopback http(s) endpoints may subscribe. */
const validateEndpoint = (protocol: string, endpoint: string | undefined): string => {
  if (protocol === 'email' || protocol === 'email-json') {
    if (!endpoint || !/^[^@\s]+@[^@\s]+$/.test(endpoint)) {
      throw invalidParameter(`Invalid parameter: Email address (given ${endpoint})`);
    }
    return endpoint;
  }
  let url: URL;
  try {
    url = new URL(endpoint ?? '');
  } catch {
    throw invalidParameter(`Invalid parameter: Endpoint must be an ${protocol} URL (given ${endpoint})`);
  }
  if (url.protocol !== `${protocol}:`) {
    throw invalidParameter(`Invalid parameter: Endpoint must start with ${protocol}:// (given ${endpoint})`);
  }
  if (!LOOPBACK_HOST.test(url.hostname)) {
    throw invalidParameter(
      `Invalid parameter: Endpoint ${endpoint} is not a loopback address; the local SNS delivers only to 127.0.0.1, ::1 or localhost`,
    );
  }
  return endpoint as string;
};

const subscriptionSummary = (subscription: Subscription): XmlValue => ({
  SubscriptionArn: subscription.confirmed ? subscription.arn : 'PendingConfirmation',
  Owner: SNS_ACCOUNT_ID,
  Protocol: subscription.protocol,
  Endpoint: subscription.endpoint,
  TopicArn: subscription.topicArn,
});

/** The SNS actions this server answers, each turning request parameters into its Result element. */
export const snsActions = (context: PublishContext): Record<string, Action> => {
  const { registry } = context;

  const sendConfirmation = (subscription: Subscription): void => {
    const envelope = confirmationEnvelope(
      context.serviceUrl,
      subscription,
      randomUUID(),
      new Date().toISOString(),
    );
    context.deliveries.post(subscription.endpoint, envelope.headers, envelope.body);
  };

  const topicAttributes = (topic: Topic): Record<string, string> => {
    const subscriptions = registry.subscriptionsOf(topic.arn);
    const confirmed = subscriptions.filter((subscription) => subscription.confirmed).length;
    return {
      TopicArn: topic.arn,
      Owner: SNS_ACCOUNT_ID,
      DisplayName: '',
      SubscriptionsConfirmed: String(confirmed),
      SubscriptionsPending: String(subscriptions.length - confirmed),
      SubscriptionsDeleted: '0',
      ...topic.attributes,
    };
  };

  return {
    CreateTopic: (params) => ({
      TopicArn: registry.createTopic(params.require('Name'), params.map('Attributes')).arn,
    }),
    ListTopics: (params) => {
      const { items, next } = page([...registry.topics.keys()], params.get('NextToken'));
      return { Topics: items.map((arn) => ({ TopicArn: arn })), NextToken: next };
    },
    DeleteTopic: (params) => {
      registry.deleteTopic(params.require('TopicArn'));
      return undefined;
    },
    GetTopicAttributes: (params) => ({
      Attributes: new XmlMap(topicAttributes(registry.topic(params.require('TopicArn')))),
    }),
    SetTopicAttributes: (params) => {
      const topic = registry.topic(params.require('TopicArn'));
      topic.attributes[params.require('AttributeName')] = params.get('AttributeValue') ?? '';
      registry.save();
      return undefined;
    },
    Subscribe: (params) => {
      const topic = registry.topic(params.require('TopicArn'));
      const protocol = params.require('Protocol').toLowerCase();
      if (!['http', 'https', 'email', 'email-json'].includes(protocol)) {
        throw invalidParameter(
          `Invalid parameter: Protocol (given ${protocol}); the local SNS supports http, https, email and email-json`,
        );
      }
      const endpoint = validateEndpoint(protocol, params.get('Endpoint'));
      const attributes = params.map('Attributes');
      validateSubscriptionAttributes(attributes);
      const subscription = registry.addSubscription({
        arn: `${topic.arn}:${randomUUID()}`,
        topicArn: topic.arn,
        protocol,
        endpoint,
        token: randomBytes(32).toString('hex'),
        confirmed: false,
        attributes,
      });
      // Email is recorded only: nothing is sent, so it stays pending until confirmed with its token.
      if (!subscription.confirmed && protocol.startsWith('http')) sendConfirmation(subscription);
      const showArn = subscription.confirmed || params.flag('ReturnSubscriptionArn');
      return { SubscriptionArn: showArn ? subscription.arn : 'pending confirmation' };
    },
    ConfirmSubscription: (params) => {
      const topic = registry.topic(params.require('TopicArn'));
      const token = params.require('Token');
      const subscription = registry.subscriptionsOf(topic.arn).find((candidate) => candidate.token === token);
      if (!subscription) throw invalidParameter(`Invalid parameter: Token (given ${token})`);
      subscription.confirmed = true;
      registry.save();
      return { SubscriptionArn: subscription.arn };
    },
    Unsubscribe: (params) => {
      registry.removeSubscription(params.require('SubscriptionArn'));
      return undefined;
    },
    ListSubscriptions: (params) => {
      const { items, next } = page([...registry.subscriptions.values()], params.get('NextToken'));
      return { Subscriptions: items.map(subscriptionSummary), NextToken: next };
    },
    ListSubscriptionsByTopic: (params) => {
      const topic = registry.topic(params.require('TopicArn'));
      const { items, next } = page(registry.subscriptionsOf(topic.arn), params.get('NextToken'));
      return { Subscriptions: items.map(subscriptionSummary), NextToken: next };
    },
    GetSubscriptionAttributes: (params) => {
      const subscription = registry.subscription(params.require('SubscriptionArn'));
      return {
        Attributes: new XmlMap({
          SubscriptionArn: subscription.arn,
          TopicArn: subscription.topicArn,
          Owner: SNS_ACCOUNT_ID,
          Protocol: subscription.protocol,
          Endpoint: subscription.endpoint,
          PendingConfirmation: String(!subscription.confirmed),
          ConfirmationWasAuthenticated: String(subscription.confirmed),
          RawMessageDelivery: 'false',
          ...subscription.attributes,
        }),
      };
    },
    SetSubscriptionAttributes: (params) => {
      const subscription = registry.subscription(params.require('SubscriptionArn'));
      const name = params.require('AttributeName');
      const value = params.get('AttributeValue') ?? '';
      const attributes = { ...subscription.attributes, [name]: value };
      if (value === '') delete attributes[name];
      validateSubscriptionAttributes(attributes);
      if (value === '') delete subscription.attributes[name];
      else subscription.attributes[name] = value;
      registry.save();
      return undefined;
    },
    Publish: (params) => {
      if (params.get('PhoneNumber'))
        throw invalidParameter('Invalid parameter: PhoneNumber: SMS is not supported locally');
      const topicArn = params.get('TopicArn') ?? params.get('TargetArn');
      if (!topicArn)
        throw invalidParameter(
          'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
        );
      return { MessageId: publishMessage(context, topicArn, params).messageId };
    },
    PublishBatch: (params) => {
      const topicArn = params.require('TopicArn');
      registry.topic(topicArn);
      const entries = params.list('PublishBatchRequestEntries');
      if (entries.length === 0)
        throw new SnsError('EmptyBatchRequest', 'The batch request does not contain any entries');
      if (entries.length > MAX_BATCH_ENTRIES) {
        throw new SnsError(
          'TooManyEntriesInBatchRequest',
          `The batch request contains more entries than permissible: at most ${MAX_BATCH_ENTRIES} (given ${entries.length})`,
        );
      }
      const ids = entries.map((entry) => entry.get('Id') ?? '');
      const badId = ids.find((id) => !BATCH_ENTRY_ID.test(id));
      if (badId !== undefined) {
        throw new SnsError(
          'InvalidBatchEntryId',
          `A batch entry id can only contain alphanumeric characters, hyphens and underscores, up to 80 (given "${badId}")`,
        );
      }
      const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
      if (repeated !== undefined) {
        throw new SnsError(
          'BatchEntryIdsNotDistinct',
          `Two or more batch entries in the request have the same Id (${repeated})`,
        );
      }
      const successful: XmlValue[] = [];
      const failed: XmlValue[] = [];
      entries.forEach((entry, index) => {
        const id = ids[index];
        try {
          successful.push({ Id: id, MessageId: publishMessage(context, topicArn, entry).messageId });
        } catch (error) {
          if (!(error instanceof SnsError)) throw error;
          failed.push({
            Id: id,
            Code: error.code,
            Message: error.message,
            SenderFault: error.type === 'Sender',
          });
        }
      });
      return { Successful: successful, Failed: failed };
    },
  };
};
