import { randomUUID } from 'node:crypto';
import type { Deliveries } from './delivery.ts';
import { notificationEnvelope, type PublishedMessage } from './envelopes.ts';
import { type AttributeValue, matchesFilterPolicy } from './filter-policy.ts';
import {
  invalidParameter,
  type MessageAttributeInput,
  type QueryParams,
  SnsError,
} from './query-protocol.ts';
import { filterPolicyOf, type SnsRegistry } from './registry.ts';

/** SNS's limit on a message, its attributes included. */
const MAX_MESSAGE_BYTES = 262_144;
const MAX_ATTRIBUTES = 10;

export interface PublishContext {
  readonly registry: SnsRegistry;
  readonly deliveries: Deliveries;
  readonly serviceUrl: string;
  readonly record: (message: PublishedMessage) => void;
}

const invalidValue = (message: string): SnsError => new SnsError('ParameterValueInvalid', message);

const attributeValue = (name: string, input: MessageAttributeInput): AttributeValue => {
  const [base] = input.DataType.split('.');
  if (base === 'Binary') {
    if (!input.BinaryValue)
      throw invalidValue(`The message attribute '${name}' must contain a non-empty BinaryValue`);
    return { Type: input.DataType, Value: input.BinaryValue };
  }
  if (base !== 'String' && base !== 'Number') {
    throw invalidValue(
      `The message attribute '${name}' has an invalid message attribute type (given ${input.DataType}); the supported type prefixes are Binary, Number and String`,
    );
  }
  const value = input.StringValue;
  if (value === undefined || value === '') {
    throw invalidValue(
      `The message attribute '${name}' must contain a non-empty value for type '${input.DataType}'`,
    );
  }
  if (base === 'Number' && !Number.isFinite(Number(value))) {
    throw invalidValue(`Could not cast message attribute '${name}' value to number (given ${value})`);
  }
  if (input.DataType === 'String.Array') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item === 'object' && item !== null)) {
      throw invalidValue(
        `The message attribute '${name}' of type String.Array must be a JSON array of scalars (given ${value})`,
      );
    }
  }
  return { Type: input.DataType, Value: value };
};

const attributeValues = (inputs: Record<string, MessageAttributeInput>): Record<string, AttributeValue> => {
  const names = Object.keys(inputs);
  if (names.length > MAX_ATTRIBUTES) {
    throw invalidParameter(
      `Invalid parameter: MessageAttributes: at most ${MAX_ATTRIBUTES} (given ${names.length})`,
    );
  }
  return Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => [name, attributeValue(name, input)]),
  );
};

/** With MessageStructure=json, the text each protocol receives; otherwise the message for all. */
const messageFor = (message: string, structure: string | undefined): ((protocol: string) => string) => {
  if (structure !== 'json') return () => message;
  let perProtocol: unknown;
  try {
    perProtocol = JSON.parse(message);
  } catch {
    throw invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  const texts = perProtocol as Record<string, unknown>;
  if (typeof texts?.default !== 'string') {
    throw invalidParameter('Invalid parameter: Message Structure - No default entry in JSON message body');
  }
  return (protocol) =>
    typeof texts[protocol] === 'string' ? (texts[protocol] as string) : (texts.default as string);
};

/**
 * Publishes one message (a Publish request or a batch entry) and starts its deliveries to every
 * confirmed http(s) subscription whose filter policy matches. Returns before any delivery ends.
 */
export const publishMessage = (
  context: PublishContext,
  topicArn: string,
  entry: QueryParams,
): PublishedMessage => {
  const topic = context.registry.topic(topicArn);
  const message = entry.get('Message');
  if (message === undefined || message === '') throw invalidParameter('Invalid parameter: Empty message');
  const subject = entry.get('Subject');
  if (subject !== undefined && (subject.length === 0 || subject.length > 100)) {
    throw invalidParameter(
      `Invalid parameter: Subject must be 1 to 100 characters (given ${subject.length})`,
    );
  }
  const messageAttributes = attributeValues(entry.messageAttributes('MessageAttributes'));
  const size = Buffer.byteLength(message) + Buffer.byteLength(JSON.stringify(messageAttributes));
  if (size > MAX_MESSAGE_BYTES) {
    throw invalidParameter(
      `Invalid parameter: Message too long: ${size} bytes, at most ${MAX_MESSAGE_BYTES}`,
    );
  }
  const textFor = messageFor(message, entry.get('MessageStructure'));
  const published: PublishedMessage = {
    messageId: randomUUID(),
    topicArn: topic.arn,
    message,
    ...(subject === undefined ? {} : { subject }),
    messageAttributes,
    timestamp: new Date().toISOString(),
  };
  context.record(published);

  for (const subscription of context.registry.subscriptionsOf(topic.arn)) {
    if (!subscription.confirmed || !['http', 'https'].includes(subscription.protocol)) continue;
    const text = textFor(subscription.protocol);
    const policy = filterPolicyOf(subscription.attributes);
    if (policy && !matchesFilterPolicy(policy, { attributes: messageAttributes, body: text })) continue;
    const { headers, body } = notificationEnvelope(context.serviceUrl, subscription, published, text);
    context.deliveries.post(subscription.endpoint, headers, body);
  }
  return published;
};
