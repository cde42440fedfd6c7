import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Exchange, ExchangeTap, ExchangeTaps } from './exchange-tap.ts';
import type { FaultRules, FaultService } from './fault-rules.ts';
import { operationNeedsBody, operationOf } from './request-operation.ts';
import { type ServiceErrorResponse, serviceError } from './service-errors.ts';

export interface FaultProxyOptions {
  readonly service: FaultService;
  /** The service's own endpoint, e.g. `http://127.0.0.1:4567`. */
  readonly upstream: string;
  readonly rules: FaultRules;
  /** The loopback port the proxy listens on. */
  readonly port: number;
  /** What watches the traffic (`npm run cost`); none: requests are only streamed through. */
  readonly taps?: ExchangeTaps;
}

/**
 * Headers that describe one hop, not the request: each side of the proxy keeps its own connection. The
 * proxy has already told the client to go on (Node answers `Expect: 100-continue` itself).
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'expect']);

/** The headers passed on; `host` among them, which the client signed (s3rver checks the signature). */
const passedOn = (headers: IncomingHttpHeaders): IncomingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

const send = (res: ServerResponse, answer: ServiceErrorResponse): void => {
  res.writeHead(answer.statusCode, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
};

/** The whole body of a request (SNS's are small: a message is at most 256 KiB). */
const bodyOf = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * A reverse proxy on 127.0.0.1 in front of one local service, standing where the service's front door
 * stands on AWS: each request is passed through (bodies streamed, connections kept alive) unless an
 * active fault rule for its operation answers it with the service's own error, as a throttled or
 * unavailable AWS service would.
 */
export class FaultProxy {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly upstream: URL;

  private constructor(
    private readonly options: FaultProxyOptions,
    private readonly server: Server,
  ) {
    this.upstream = new URL(options.upstream);
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(options, server);
    server.on('request', (req, res) => {
      proxy.serve(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** Where clients of the service connect instead of the service itself. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { service, rules } = this.options;
    const taps = this.options.taps?.active ?? [];
    const tapped = taps.some((tap) => tap.wantsBodies(service));
    let body = operationNeedsBody(service) || tapped ? await bodyOf(req) : undefined;
    const operation = operationOf(service, {
      method: req.method ?? 'GET',
      headers: req.headers,
      ...(body ? { body: body.toString('utf8') } : {}),
    });
    const rule = rules.matches(service, operation);
    if (rule) {
      req.resume();
      send(res, serviceError(service, rule.effect));
      return;
    }
    for (const tap of taps) if (body) body = tap.rewrite?.(service, operation, body) ?? body;
    this.forward(req, res, body, taps.length > 0 ? { taps, operation, tapped } : undefined);
  }

  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    body?: Buffer,
    watch?: { taps: readonly ExchangeTap[]; operation: string; tapped: boolean },
  ): void {
    const headers = passedOn(req.headers);
    // A tap may have rewritten the body (the signature does not cover it for the local services).
    if (body && headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
    const upstream = request({
      host: this.upstream.hostname,
      port: this.upstream.port,
      method: req.method,
      path: req.url,
      headers,
      agent: this.agent,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, passedOn(answer.headers));
      if (watch) this.watchAnswer(req, answer, body, watch);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    // The service behind the door is down (a restart): AWS's front door answers 503, which SDKs retry.
    upstream.on('error', () =>
      res.headersSent ? res.destroy() : send(res, serviceError(this.options.service, 'unavailable')),
    );
    req.on('error', () => upstream.destroy());
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body) upstream.end(body);
    else req.pipe(upstream);
  }

  /** Tells the taps of the exchange once the answer has been read through. */
  private watchAnswer(
    req: IncomingMessage,
    answer: IncomingMessage,
    body: Buffer | undefined,
    watch: { taps: readonly ExchangeTap[]; operation: string; tapped: boolean },
  ): void {
    const chunks: Buffer[] = [];
    let responseBytes = 0;
    answer.on('data', (chunk: Buffer) => {
      responseBytes += chunk.length;
      if (watch.tapped) chunks.push(chunk);
    });
    answer.once('end', () => {
      const exchange: Exchange = {
        service: this.options.service,
        operation: watch.operation,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        ...(body && watch.tapped ? { requestBody: body } : {}),
        requestBytes: body?.length ?? Number(req.headers['content-length'] ?? 0),
        status: answer.statusCode ?? 0,
        ...(watch.tapped ? { responseBody: Buffer.concat(chunks) } : {}),
        responseBytes,
      };
      for (const tap of watch.taps) tap.observe(exchange);
    });
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    this.agent.destroy();
  }
}
