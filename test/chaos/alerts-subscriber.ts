import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as pause } from 'node:timers/promises';
import { ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/clients.ts';

/** How the subscriber answers notifications: 200 to every one, 500 to the first delivery of each, or gone (no answer). */
export type SubscriberMood = 'ok' | 'failing-first' | 'gone';

/** One notification as received: its message id and the alert transition it announces. */
export interface Received {
  readonly messageId: string;
  readonly transitionId: string;
}

/**
 * An HTTP endpoint subscribed to the alerts topic (loopback only) whose answers a scenario changes: it keeps
 * every notification it accepted with 2xx, and counts those it refused.
 */
export class AlertsSubscriber {
  readonly accepted: Received[] = [];
  refused = 0;
  mood: SubscriberMood = 'ok';
  private readonly attempts = new Set<string>();
  private confirmUrl?: string;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<AlertsSubscriber> {
    let subscriber: AlertsSubscriber | undefined;
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const status = subscriber?.answer(request.headers, body) ?? 503;
        // Gone: the connection drops without an answer, as when the subscriber's host is down.
        if (status === 0) request.socket.destroy();
        else response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    subscriber = new AlertsSubscriber(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    );
    return subscriber;
  }

  private answer(headers: Record<string, string | string[] | undefined>, body: string): number {
    const type = headers['x-amz-sns-message-type'];
    const message = JSON.parse(body) as {
      MessageId: string;
      SubscribeURL?: string;
      MessageAttributes?: Record<string, { Value: string }>;
    };
    if (type === 'SubscriptionConfirmation') {
      this.confirmUrl = message.SubscribeURL;
      return 200;
    }
    if (this.mood === 'gone') {
      this.refused++;
      return 0;
    }
    if (this.mood === 'failing-first' && !this.attempts.has(message.MessageId)) {
      this.attempts.add(message.MessageId);
      this.refused++;
      return 500;
    }
    const transitionId = message.MessageAttributes?.transitionId?.Value ?? message.MessageId;
    this.accepted.push({ messageId: message.MessageId, transitionId });
    return 200;
  }

  /** Subscribes to `topicArn` on the local SNS at `endpoint` and confirms, as a real endpoint does. */
  async subscribe(endpoint: string, topicArn: string): Promise<void> {
    const sns = new SNSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint });
    try {
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: this.url }));
      for (let i = 0; i < 50 && !this.confirmUrl; i++) await pause(100);
      if (!this.confirmUrl) throw new Error('the alerts subscriber received no SubscriptionConfirmation');
      const visited = await fetch(this.confirmUrl);
      if (!visited.ok) throw new Error(`visiting the SubscribeURL answered ${visited.status}`);
      const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
      if (
        !listed.Subscriptions?.some(
          (s) => s.Endpoint === this.url && s.SubscriptionArn !== 'PendingConfirmation',
        )
      )
        throw new Error('the alerts subscription is not confirmed');
    } finally {
      sns.destroy();
    }
  }

  /** Transitions accepted more than once. */
  duplicates(): number {
    const seen = new Set<string>();
    let repeated = 0;
    for (const { transitionId } of this.accepted) {
      if (seen.has(transitionId)) repeated++;
      seen.add(transitionId);
    }
    return repeated;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
