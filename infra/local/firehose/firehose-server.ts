import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../../processors/shared/errors.ts';
import {
  answerFirehose,
  FIREHOSE_TARGET_PREFIX,
  type FirehoseAnswer,
  type ServedDeliveryStream,
} from './firehose-api.ts';

/** PutRecordBatch's limit (4 MiB); a larger body is refused unread. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const bodyOf = async (req: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

const refused = (type: string, message: string): FirehoseAnswer => ({
  status: 400,
  body: { __type: type, message },
});

/** The answer to one HTTP request: a JSON 1.1 call with its operation in X-Amz-Target. */
const answer = async (
  req: IncomingMessage,
  streams: readonly ServedDeliveryStream[],
  accountId: string,
): Promise<FirehoseAnswer> => {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (req.method !== 'POST' || !target.startsWith(FIREHOSE_TARGET_PREFIX)) {
    return refused(
      'UnknownOperationException',
      `expected a POST with X-Amz-Target ${FIREHOSE_TARGET_PREFIX}<operation> (given ${req.method} ${target || 'no target'})`,
    );
  }
  const body = await bodyOf(req);
  if (body === undefined)
    return refused('ValidationException', `the request body is over ${MAX_BODY_BYTES} bytes`);
  let input: unknown;
  try {
    input = body === '' ? {} : JSON.parse(body);
  } catch (error) {
    return refused('SerializationException', `the request body is not JSON: ${errorMessage(error)}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return refused('SerializationException', 'the request body is not a JSON object');
  }
  return answerFirehose(
    target.slice(FIREHOSE_TARGET_PREFIX.length),
    input as Record<string, unknown>,
    streams,
    accountId,
  );
};

const send = (res: ServerResponse, { status, body }: FirehoseAnswer) => {
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-amz-json-1.1',
    'x-amzn-RequestId': randomUUID(),
  };
  if (typeof body.__type === 'string') headers['x-amzn-ErrorType'] = body.__type;
  res.writeHead(status, headers).end(JSON.stringify(body));
};

/**
 * The Firehose API on 127.0.0.1 for @aws-sdk/client-firehose (JSON 1.1, `X-Amz-Target: Firehose_20150804.*`),
 * answering for the delivery streams of the template. Requests are not signature-checked.
 */
export class FirehoseServer {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(
    port: number,
    streams: readonly ServedDeliveryStream[],
    accountId: string,
  ): Promise<FirehoseServer> {
    const server = createServer((req, res) => {
      answer(req, streams, accountId)
        .then((answered) => send(res, answered))
        .catch((error) =>
          send(res, {
            status: 500,
            body: { __type: 'ServiceUnavailableException', message: errorMessage(error) },
          }),
        );
    });
    server.keepAliveTimeout = 65_000;
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return new FirehoseServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
