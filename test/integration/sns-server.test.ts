import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchEntryIdsNotDistinctException,
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  NotFoundException,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSns, type PublishedMessage, startSns } from '../../infra/local/servers/sns-server.ts';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Subscriber {
  readonly url: string;
  readonly received: Received[];
  /** The JSON bodies of the POSTs whose x-amz-sns-message-type is `type`. */
  of(type: string): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A real HTTP endpoint on a free loopback port; `status` chooses the answer to each POST. */
const startSubscriber = async (status: (attempt: number) => number = () => 200): Promise<Subscriber> => {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(status(received.length)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`,
    received,
    of: (type) =>
      received
        .filter((request) => request.headers['x-amz-sns-message-type'] === type)
        .map((request) => JSON.parse(request.body) as Record<string, unknown>),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

const clientFor = (sns: LocalSns) =>
  new SNSClient({
    region: 'us-east-1',
    endpoint: sns.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

let sns: LocalSns;
let client: SNSClient;
let subscribers: Subscriber[];
let announced: PublishedMessage[];

const subscriber = async (status?: (attempt: number) => number) => {
  const started = await startSubscriber(status);
  subscribers.push(started);
  return started;
};

/** Subscribes the endpoint and confirms it with the token from its SubscriptionConfirmation. */
const subscribeConfirmed = async (
  topicArn: string,
  endpoint: Subscriber,
  attributes?: Record<string, string>,
) => {
  await client.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'http',
      Endpoint: endpoint.url,
      Attributes: attributes,
    }),
  );
  await sns.drain();
  const [confirmation] = endpoint.of('SubscriptionConfirmation');
  const { SubscriptionArn } = await client.send(
    new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: String(confirmation?.Token) }),
  );
  return SubscriptionArn;
};

const createTopic = async (name = 'alerts') =>
  String((await client.send(new CreateTopicCommand({ Name: name }))).TopicArn);

beforeEach(async () => {
  announced = [];
  subscribers = [];
  sns = await startSns(0, { onPublish: (message) => announced.push(message), delivery: { backoffMs: 20 } });
  client = clientFor(sns);
});

afterEach(async () => {
  client.destroy();
  await sns.stop();
  await Promise.all(subscribers.map((s) => s.close()));
});

describe('local SNS topics', () => {
  it('CreateTopic is idempotent by name and keeps its attributes, KmsMasterKeyId included', async () => {
    // Act
    const first = await client.send(
      new CreateTopicCommand({ Name: 'alerts', Attributes: { KmsMasterKeyId: 'alias/aws/sns' } }),
    );
    const again = await client.send(new CreateTopicCommand({ Name: 'alerts' }));
    const { Attributes } = await client.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn }));
    // Assess
    expect(first.TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:alerts');
    expect(again.TopicArn).toBe(first.TopicArn);
    expect(Attributes?.KmsMasterKeyId).toBe('alias/aws/sns');
  });

  it('publishing to a missing topic raises the SDK NotFoundException', async () => {
    // Act
    const publishing = client.send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:missing', Message: 'x' }),
    );
    // Assess
    await expect(publishing).rejects.toBeInstanceOf(NotFoundException);
  });

  it('topics and subscriptions survive a restart with a state file', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'sns-state-'));
    const statePath = join(dir, 'sns.json');
    const first = await startSns(0, { statePath });
    const firstClient = clientFor(first);
    const { TopicArn } = await firstClient.send(new CreateTopicCommand({ Name: 'kept' }));
    await firstClient.send(
      new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'ops@example.com' }),
    );
    firstClient.destroy();
    await first.stop();
    // Act
    const second = await startSns(0, { statePath });
    // Assess
    expect(second.topics().map((topic) => [topic.arn, topic.subscriptions.length])).toEqual([[TopicArn, 1]]);
    await second.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('local SNS http subscriptions', () => {
  it('confirms a subscription and delivers one Notification with the message attributes', async () => {
    // Prepare
    const topicArn = await createTopic();
    const endpoint = await subscriber();
    await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: endpoint.url }));
    await sns.drain();
    const [confirmation] = endpoint.of('SubscriptionConfirmation');
    const pending = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    // Act
    const confirmed = await client.send(
      new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: String(confirmation?.Token) }),
    );
    const { MessageId } = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'Rollup lag',
        Message: 'lag above 5 minutes',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'critical' },
          lagSeconds: { DataType: 'Number', StringValue: '312' },
        },
      }),
    );
    await sns.drain();
    // Assess
    expect(endpoint.received[0]?.headers).toMatchObject({
      'x-amz-sns-message-type': 'SubscriptionConfirmation',
      'x-amz-sns-topic-arn': topicArn,
      'content-type': 'text/plain; charset=UTF-8',
    });
    expect(confirmation).toMatchObject({
      Type: 'SubscriptionConfirmation',
      TopicArn: topicArn,
      SignatureVersion: '1',
    });
    expect(Object.keys(confirmation ?? {})).toEqual(
      expect.arrayContaining([
        'MessageId',
        'Token',
        'Message',
        'SubscribeURL',
        'Timestamp',
        'Signature',
        'SigningCertURL',
      ]),
    );
    expect(pending.Subscriptions?.[0]?.SubscriptionArn).toBe('PendingConfirmation');
    expect(confirmed.SubscriptionArn).toMatch(/^arn:aws:sns:us-east-1:000000000000:alerts:/);
    const notifications = endpoint.of('Notification');
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn: topicArn,
      Subject: 'Rollup lag',
      Message: 'lag above 5 minutes',
      MessageAttributes: {
        severity: { Type: 'String', Value: 'critical' },
        lagSeconds: { Type: 'Number', Value: '312' },
      },
    });
    expect(announced.map((message) => message.messageId)).toEqual([MessageId]);
  });

  it('a GET on the SubscribeURL confirms the subscription too', async () => {
    // Prepare
    const topicArn = await createTopic();
    const endpoint = await subscriber();
    await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: endpoint.url }));
    await sns.drain();
    const [confirmation] = endpoint.of('SubscriptionConfirmation');
    // Act
    const visit = await fetch(String(confirmation?.SubscribeURL));
    await client.send(new PublishCommand({ TopicArn: topicArn, Message: 'hello' }));
    await sns.drain();
    // Assess
    expect(visit.status).toBe(200);
    expect(await visit.text()).toContain('<ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:');
    expect(endpoint.of('Notification').map((n) => n.Message)).toEqual(['hello']);
  });

  it('a pending subscription receives nothing', async () => {
    // Prepare
    const topicArn = await createTopic();
    const endpoint = await subscriber();
    await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: endpoint.url }));
    // Act
    await client.send(new PublishCommand({ TopicArn: topicArn, Message: 'too early' }));
    await sns.drain();
    // Assess
    expect(endpoint.of('Notification')).toEqual([]);
  });

  it('a subscription filtering on severity receives only matching messages', async () => {
    // Prepare
    const topicArn = await createTopic();
    const critical = await subscriber();
    const everything = await subscriber();
    await subscribeConfirmed(topicArn, critical, { FilterPolicy: '{"severity":["critical"]}' });
    await subscribeConfirmed(topicArn, everything);
    // Act
    for (const severity of ['info', 'critical', 'warning']) {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: `${severity} alert`,
          MessageAttributes: { severity: { DataType: 'String', StringValue: severity } },
        }),
      );
    }
    await sns.drain();
    // Assess
    expect(critical.of('Notification').map((n) => n.Message)).toEqual(['critical alert']);
    expect(everything.of('Notification')).toHaveLength(3);
  });

  it('PublishBatch delivers each entry and reports each as successful', async () => {
    // Prepare
    const topicArn = await createTopic();
    const endpoint = await subscriber();
    await subscribeConfirmed(topicArn, endpoint);
    // Act
    const result = await client.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: ['a', 'b', 'c'].map((id) => ({ Id: id, Message: `message ${id}` })),
      }),
    );
    await sns.drain();
    // Assess
    expect(result.Successful?.map((entry) => entry.Id)).toEqual(['a', 'b', 'c']);
    expect(result.Failed).toEqual([]);
    expect(
      endpoint
        .of('Notification')
        .map((n) => n.Message)
        .sort(),
    ).toEqual(['message a', 'message b', 'message c']);
  });

  it('PublishBatch with repeated entry ids raises BatchEntryIdsNotDistinctException', async () => {
    // Prepare
    const topicArn = await createTopic();
    // Act
    const publishing = client.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: [
          { Id: 'same', Message: 'one' },
          { Id: 'same', Message: 'two' },
        ],
      }),
    );
    // Assess
    await expect(publishing).rejects.toBeInstanceOf(BatchEntryIdsNotDistinctException);
  });

  it('refuses an http endpoint that is not on loopback, naming it', async () => {
    // Prepare
    const topicArn = await createTopic();
    // Act
    const subscribing = client.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: 'http://example.com/hook' }),
    );
    // Assess
    await expect(subscribing).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(subscribing).rejects.toThrow('http://example.com/hook');
  });

  it('retries a failing endpoint until it answers 2xx, delivering once', async () => {
    // Prepare: the confirmation is request 1; the notification fails twice, then succeeds.
    const topicArn = await createTopic();
    const flaky = await subscriber((request) => (request === 2 || request === 3 ? 500 : 200));
    await subscribeConfirmed(topicArn, flaky);
    // Act
    await client.send(new PublishCommand({ TopicArn: topicArn, Message: 'eventually' }));
    await sns.drain();
    // Assess
    expect(flaky.of('Notification').map((n) => n.Message)).toEqual([
      'eventually',
      'eventually',
      'eventually',
    ]);
    expect(sns.deliveryFailures()).toEqual([]);
  });

  it('raw message delivery posts the message body alone', async () => {
    // Prepare
    const topicArn = await createTopic();
    const endpoint = await subscriber();
    await subscribeConfirmed(topicArn, endpoint, { RawMessageDelivery: 'true' });
    // Act
    await client.send(new PublishCommand({ TopicArn: topicArn, Message: '{"alert":"open"}' }));
    await sns.drain();
    // Assess
    const last = endpoint.received.at(-1);
    expect(last?.body).toBe('{"alert":"open"}');
    expect(last?.headers['x-amz-sns-message-type']).toBe('Notification');
  });
});
