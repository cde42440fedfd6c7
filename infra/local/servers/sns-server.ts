import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../../processors/shared/errors.ts';
import type { LocalServer } from './kinesis-server.ts';
import { snsActions } from './sns/actions.ts';
import {
  DEFAULT_DELIVERY_POLICY,
  Deliveries,
  type DeliveryFailure,
  type DeliveryPolicy,
} from './sns/delivery.ts';
import type { PublishedMessage } from './sns/envelopes.ts';
import { errorXml, QueryParams, SNS_API_VERSION, SnsError, successXml } from './sns/query-protocol.ts';
import { SnsRegistry, type Subscription, type Topic } from './sns/registry.ts';

export type { PublishedMessage } from './sns/envelopes.ts';

export interface SnsServerOptions {
  /** A JSON file keeping topics and subscriptions across restarts; in memory only when unset. */
  readonly statePath?: string;
  /** Called once for every message published (Publish or a PublishBatch entry), before delivery. */
  readonly onPublish?: (message: PublishedMessage) => void;
  /** Retries of http(s) deliveries. @default 4 attempts, 100 ms doubling backoff, 15 s per attempt */
  readonly delivery?: Partial<DeliveryPolicy>;
}

export interface TopicSnapshot extends Topic {
  readonly subscriptions: readonly Subscription[];
}

export interface LocalSns extends LocalServer {
  topics(): TopicSnapshot[];
  /** Every message published since start, oldest first. */
  published(): PublishedMessage[];
  /** Resolves when every delivery under way (retries included) has succeeded or given up. */
  drain(): Promise<void>;
  /** Deliveries that ran out of attempts. */
  deliveryFailures(): DeliveryFailure[];
}

/** Larger than any valid request (a 10-entry batch of 256 KiB in total, form-encoded). */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES)
      throw new SnsError('RequestTooLarge', `Request body exceeds ${MAX_REQUEST_BYTES} bytes`, 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
};

const reply = (response: ServerResponse, status: number, requestId: string, xml: string): void => {
  response.writeHead(status, {
    'Content-Type': 'text/xml',
    'Content-Length': Buffer.byteLength(xml),
    'x-amzn-RequestId': requestId,
  });
  response.end(xml);
};

/**
 * A local SNS speaking the AWS Query protocol on 127.0.0.1, enough for @aws-sdk/client-sns: topics,
 * http(s)/email subscriptions with confirmation and filter policies, Publish and PublishBatch with
 * retried background delivery to loopback endpoints. Port 0 picks a free port.
 */
export const startSns = async (port: number, options: SnsServerOptions = {}): Promise<LocalSns> => {
  const registry = new SnsRegistry(options.statePath);
  const deliveries = new Deliveries({ ...DEFAULT_DELIVERY_POLICY, ...options.delivery });
  const published: PublishedMessage[] = [];
  const record = (message: PublishedMessage): void => {
    published.push(message);
    try {
      options.onPublish?.(message);
    } catch (error) {
      // A failing observer must not fail the publisher's request.
      process.stderr.write(`local SNS: onPublish threw for message ${message.messageId}: ${String(error)}\n`);
    }
  };

  const server = createServer();
  server.listen(port, '127.0.0.1');
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw new Error(`SNS could not start on 127.0.0.1:${port}: ${errorMessage(error)}`);
    }),
  ]);
  const serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const actions = snsActions({ registry, deliveries, serviceUrl, record });

  server.on('request', async (request: IncomingMessage, response: ServerResponse) => {
    const requestId = randomUUID();
    try {
      // The SDK POSTs a form; SubscribeURL and UnsubscribeURL arrive as GETs with a query string.
      const params = new URLSearchParams(new URL(request.url ?? '/', serviceUrl).search);
      for (const [name, value] of new URLSearchParams(await readBody(request))) params.append(name, value);
      const name = params.get('Action') ?? '';
      const action = Object.hasOwn(actions, name) ? actions[name] : undefined;
      if (!action)
        throw new SnsError(
          'InvalidAction',
          `Could not find operation ${name} for version ${SNS_API_VERSION}`,
        );
      reply(response, 200, requestId, successXml(name, action(new QueryParams(params)), requestId));
    } catch (caught) {
      const error =
        caught instanceof SnsError
          ? caught
          : new SnsError('InternalError', `Internal error: ${errorMessage(caught)}`, 500, 'Receiver');
      reply(response, error.status, requestId, errorXml(error, requestId));
    }
  });

  return {
    endpoint: serviceUrl,
    topics: () =>
      [...registry.topics.values()].map((topic) => ({
        ...topic,
        attributes: { ...topic.attributes },
        subscriptions: registry
          .subscriptionsOf(topic.arn)
          .map((subscription) => ({ ...subscription, attributes: { ...subscription.attributes } })),
      })),
    published: () => [...published],
    drain: () => deliveries.drain(),
    deliveryFailures: () => [...deliveries.failures],
    stop: async () => {
      await deliveries.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
};
