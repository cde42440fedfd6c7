import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage } from '../../../../processors/shared/errors.ts';
import { type FilterPolicy, type FilterPolicyScope, parseFilterPolicy } from './filter-policy.ts';
import { invalidParameter, notFound } from './query-protocol.ts';

export const SNS_REGION = 'us-east-1';
export const SNS_ACCOUNT_ID = '000000000000';
const ARN_PREFIX = `arn:aws:sns:${SNS_REGION}:${SNS_ACCOUNT_ID}:`;

export interface Topic {
  readonly arn: string;
  readonly name: string;
  readonly attributes: Record<string, string>;
}

export interface Subscription {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly token: string;
  confirmed: boolean;
  readonly attributes: Record<string, string>;
}

interface SavedState {
  readonly topics: Topic[];
  readonly subscriptions: Subscription[];
}

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$|^[A-Za-z0-9_-]{1,251}\.fifo$/;
const SUBSCRIPTION_ATTRIBUTES = new Set([
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'DeliveryPolicy',
  'RedrivePolicy',
]);

export const topicArnOf = (name: string): string => `${ARN_PREFIX}${name}`;

/** The policy a subscription's attributes declare, or undefined when it takes every message. */
export const filterPolicyOf = (attributes: Record<string, string>): FilterPolicy | undefined =>
  attributes.FilterPolicy
    ? parseFilterPolicy(
        attributes.FilterPolicy,
        attributes.FilterPolicyScope as FilterPolicyScope | undefined,
      )
    : undefined;

/** Rejects subscription attributes SNS would reject, naming the bad value. */
export const validateSubscriptionAttributes = (attributes: Record<string, string>): void => {
  for (const name of Object.keys(attributes)) {
    if (!SUBSCRIPTION_ATTRIBUTES.has(name))
      throw invalidParameter(`Invalid parameter: AttributeName (given ${name})`);
  }
  const scope = attributes.FilterPolicyScope;
  if (scope !== undefined && scope !== 'MessageAttributes' && scope !== 'MessageBody') {
    throw invalidParameter(
      `Invalid parameter: FilterPolicyScope must be MessageAttributes or MessageBody (given ${scope})`,
    );
  }
  const raw = attributes.RawMessageDelivery;
  if (raw !== undefined && raw !== 'true' && raw !== 'false') {
    throw invalidParameter(`Invalid parameter: RawMessageDelivery must be true or false (given ${raw})`);
  }
  try {
    filterPolicyOf(attributes);
  } catch (error) {
    throw invalidParameter(`Invalid parameter: FilterPolicy: ${errorMessage(error)}`);
  }
};

/** Topics and subscriptions, optionally kept in a JSON file so a restart keeps them. */
export class SnsRegistry {
  readonly topics = new Map<string, Topic>();
  readonly subscriptions = new Map<string, Subscription>();

  constructor(private readonly statePath?: string) {
    if (!statePath || !existsSync(statePath)) return;
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as SavedState;
    for (const topic of saved.topics) this.topics.set(topic.arn, topic);
    for (const subscription of saved.subscriptions) this.subscriptions.set(subscription.arn, subscription);
  }

  save(): void {
    if (!this.statePath) return;
    const state: SavedState = {
      topics: [...this.topics.values()],
      subscriptions: [...this.subscriptions.values()],
    };
    mkdirSync(dirname(this.statePath), { recursive: true });
    // Write then rename, so a crash mid-write never leaves half a file.
    const partial = `${this.statePath}.partial`;
    writeFileSync(partial, JSON.stringify(state, null, 2));
    renameSync(partial, this.statePath);
  }

  createTopic(name: string, attributes: Record<string, string>): Topic {
    if (!TOPIC_NAME.test(name)) {
      throw invalidParameter(
        `Invalid parameter: Topic Name must be 1-256 letters, digits, hyphens or underscores (given ${name})`,
      );
    }
    const existing = this.topics.get(topicArnOf(name));
    if (existing) {
      const conflicting = Object.entries(attributes).find(
        ([key, value]) => existing.attributes[key] !== value,
      );
      if (conflicting) {
        throw invalidParameter(
          `Invalid parameter: Attributes Reason: Topic already exists with different attributes (${conflicting[0]})`,
        );
      }
      return existing;
    }
    const topic: Topic = { arn: topicArnOf(name), name, attributes: { ...attributes } };
    this.topics.set(topic.arn, topic);
    this.save();
    return topic;
  }

  /** The topic, or InvalidParameter for a malformed ARN and NotFound for a missing topic, as SNS answers. */
  topic(arn: string): Topic {
    if (!arn.startsWith('arn:aws:sns:')) throw invalidParameter(`Invalid parameter: TopicArn (given ${arn})`);
    const topic = this.topics.get(arn);
    if (!topic) throw notFound(`Topic does not exist: ${arn}`);
    return topic;
  }

  deleteTopic(arn: string): void {
    this.topics.delete(arn);
    for (const subscription of this.subscriptionsOf(arn)) this.subscriptions.delete(subscription.arn);
    this.save();
  }

  subscription(arn: string): Subscription {
    const subscription = this.subscriptions.get(arn);
    if (!subscription) throw notFound(`Subscription does not exist: ${arn}`);
    return subscription;
  }

  subscriptionsOf(topicArn: string): Subscription[] {
    return [...this.subscriptions.values()].filter((subscription) => subscription.topicArn === topicArn);
  }

  addSubscription(subscription: Subscription): Subscription {
    const same = this.subscriptionsOf(subscription.topicArn).find(
      (existing) =>
        existing.protocol === subscription.protocol && existing.endpoint === subscription.endpoint,
    );
    if (same) return same;
    this.subscriptions.set(subscription.arn, subscription);
    this.save();
    return subscription;
  }

  removeSubscription(arn: string): void {
    this.subscription(arn);
    this.subscriptions.delete(arn);
    this.save();
  }
}
