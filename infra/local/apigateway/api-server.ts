import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../../processors/shared/errors.ts';
import { answerRequest, stageError } from './api-dispatch.ts';
import type { ApiAnswer, ApiRequest, ServedApi } from './api-request.ts';

/** API Gateway's payload limit for REST APIs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** One request answered, as an access log line would tell it. */
export interface ApiAccessEntry {
  readonly apiLogicalId: string;
  readonly request: ApiRequest;
  readonly answer: ApiAnswer;
  /** From the request's arrival to the answer's first byte. */
  readonly latencyMs: number;
}

const headersOf = (raw: readonly string[]): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) headers[raw[i] as string] = raw[i + 1] as string;
  return headers;
};

/** The body, or undefined once it passes API Gateway's limit (the rest is not read). */
const bodyOf = async (req: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/** The client's IPv4 address without the IPv4-mapped IPv6 prefix Node may report. */
const sourceIpOf = (req: IncomingMessage) =>
  (req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');

const FORBIDDEN: Omit<ApiAnswer, 'stage'> = {
  status: 403,
  headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'ForbiddenException' },
  body: '{"message":"Forbidden"}',
};

/**
 * An API's own HTTP server on 127.0.0.1, shaped like its AWS endpoint: `/<stage>/<resource path>`. A stage the
 * API does not have gets 403 Forbidden, as on AWS.
 */
export class ApiServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(
    api: ServedApi,
    port: number,
    onAnswer?: (entry: ApiAccessEntry) => void,
  ): Promise<ApiServer> {
    const server = createServer((req, res) => {
      serve(api, req, res, onAnswer).catch((error) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `the local API Gateway failed: ${errorMessage(error)}` }));
      });
    });
    server.keepAliveTimeout = 65_000;
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return new ApiServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const serve = async (
  api: ServedApi,
  req: IncomingMessage,
  res: ServerResponse,
  onAnswer?: (entry: ApiAccessEntry) => void,
) => {
  const startedAt = performance.now();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const [, stageName = '', ...rest] = url.pathname.split('/');
  const body = await bodyOf(req);
  const request: ApiRequest = {
    httpMethod: (req.method ?? 'GET').toUpperCase(),
    path: `/${rest.join('/')}`,
    query: Object.fromEntries(url.searchParams),
    headers: headersOf(req.rawHeaders),
    body: body ?? '',
    sourceIp: sourceIpOf(req),
    receivedAtMs: Date.now(),
    requestId: randomUUID(),
    // Like AWS's: 16 characters of base64 without + or /.
    extendedRequestId: randomBytes(12).toString('base64').replace(/[+/]/g, 'A').slice(0, 16),
  };
  const stage = api.plan.stages.find((s) => s.stageName === stageName);
  let answer: ApiAnswer;
  if (!stage) answer = { ...FORBIDDEN, stage: stageName };
  else if (body === undefined) answer = stageError(api, stage, request, { type: 'REQUEST_TOO_LARGE' });
  else answer = await answerRequest(api, stage, request);
  const payload = Buffer.from(answer.body, 'utf8');
  // The rest of a body too large was not read: the connection cannot carry another request.
  const close = body === undefined ? { Connection: 'close' } : {};
  res.writeHead(answer.status, { ...answer.headers, ...close, 'Content-Length': String(payload.length) });
  res.end(payload);
  onAnswer?.({ apiLogicalId: api.plan.logicalId, request, answer, latencyMs: performance.now() - startedAt });
};
