import type { PublishedMessage } from '../servers/sns-server.ts';
import type { MetricStore } from './metric-store.ts';

export const SNS_NAMESPACE = 'AWS/SNS';

/** AWS/SNS `NumberOfMessagesPublished`, dimension `TopicName`, once per message published. */
export const snsPublishMetrics =
  (store: MetricStore) =>
  (message: PublishedMessage): void => {
    const topicName = message.topicArn.slice(message.topicArn.lastIndexOf(':') + 1);
    const at = Date.parse(message.timestamp);
    store.put(
      { namespace: SNS_NAMESPACE, name: 'NumberOfMessagesPublished', dimensions: { TopicName: topicName } },
      1,
      Number.isNaN(at) ? Date.now() : at,
    );
  };
