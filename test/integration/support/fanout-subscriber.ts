import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListSubscriptionsByTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { LocalCloud } from '../../../infra/local/local-cloud.ts';
import { eventually } from './local-cloud-fixture.ts';

/** An SNS Notification as an http subscriber receives it (the JSON body). */
export interface Notification {
  readonly Type: 'Notification';
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export interface HttpSubscriber {
  readonly url: string;
  /** Every POST received, in order. */
  readonly received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[];
  notifications(): Notification[];
  close(): Promise<void>;
}

/** A real HTTP endpoint on a free loopback port that answers 200 to every POST and keeps what it got. */
export const startHttpSubscriber = async (): Promise<HttpSubscriber> => {
  const received: HttpSubscriber['received'] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(body) as Record<string, unknown> });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    received,
    notifications: () =>
      received
        .filter((r) => r.headers['x-amz-sns-message-type'] === 'Notification')
        .map((r) => r.body as unknown as Notification),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/**
 * Subscribes the endpoint to the topic through the SDK and confirms it the way a real endpoint does:
 * by visiting the SubscribeURL of the SubscriptionConfirmation it receives. Resolves with the
 * subscription's ARN once the topic lists it as confirmed.
 */
export const subscribeConfirmed = async (
  cloud: LocalCloud,
  sns: SNSClient,
  TopicArn: string,
  subscriber: HttpSubscriber,
): Promise<string> => {
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: subscriber.url }));
  await cloud.sns.drain();
  const confirmation = subscriber.received.find(
    (r) => r.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation',
  );
  const subscribeUrl = confirmation?.body.SubscribeURL;
  if (typeof subscribeUrl !== 'string') throw new Error('the endpoint received no SubscriptionConfirmation');
  const visited = await fetch(subscribeUrl);
  if (!visited.ok) throw new Error(`visiting the SubscribeURL answered ${visited.status}`);
  let arn = '';
  await eventually(
    async () => {
      const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
      arn =
        listed.Subscriptions?.find((s) => s.Endpoint === subscriber.url)?.SubscriptionArn ??
        'PendingConfirmation';
      return arn !== 'PendingConfirmation';
    },
    5_000,
    'the subscription to be confirmed',
  );
  return arn;
};
