import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the next PutRecords meets instead of a plain pass-through. */
export type Refusal =
  /** Kinesis refuses these entries of the batch (per-entry ProvisionedThroughputExceededException) and writes the rest. */
  | { readonly kind: 'entries'; readonly indexes: readonly number[] }
  /** Kinesis refuses the whole request with this status and error. */
  | { readonly kind: 'request'; readonly status: number; readonly type: string };

type PutRecords = { Records: unknown[] };
type PutRecordsResult = { FailedRecordCount: number; Records: Record<string, unknown>[] };

const bodyOf = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const THROTTLED_ENTRY = {
  ErrorCode: 'ProvisionedThroughputExceededException',
  ErrorMessage: 'Rate exceeded for shard shardId-000000000000 (refused by the test proxy).',
};

/**
 * A proxy in front of the local Kinesis that can make the next PutRecords meet what kinesalite never does:
 * a per-entry throttle (the refused entries are not written, the others are, and the answer has them at their
 * index) or a refused request. Every other call passes through.
 */
export class KinesisRefusalsProxy {
  private next: Refusal | undefined;

  private constructor(
    private readonly server: Server,
    private readonly upstream: string,
    readonly endpoint: string,
  ) {}

  static async start(upstream: string, port: number): Promise<KinesisRefusalsProxy> {
    const server = createServer();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const proxy = new KinesisRefusalsProxy(
      server,
      upstream,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    server.on('request', (req, res) => {
      proxy
        .answer(req)
        .then(({ status, body }) => {
          res.writeHead(status, {
            'content-type': 'application/x-amz-json-1.1',
            'content-length': Buffer.byteLength(body),
          });
          res.end(body);
        })
        .catch((error: Error) => {
          res.writeHead(500);
          res.end(error.message);
        });
    });
    return proxy;
  }

  /** The next PutRecords meets `refusal`; later ones pass. */
  refuseNext(refusal: Refusal): void {
    this.next = refusal;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage): Promise<{ status: number; body: string }> {
    const body = await bodyOf(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const refusal = target.endsWith('.PutRecords') ? this.next : undefined;
    if (refusal) this.next = undefined;
    if (refusal?.kind === 'request') {
      return {
        status: refusal.status,
        body: JSON.stringify({
          __type: refusal.type,
          message: `${refusal.type} (refused by the test proxy)`,
        }),
      };
    }
    if (refusal?.kind !== 'entries') return this.forward(req, body);
    const request = JSON.parse(body) as PutRecords;
    const refused = new Set(refusal.indexes);
    const kept = request.Records.filter((_, i) => !refused.has(i));
    const written: PutRecordsResult =
      kept.length > 0
        ? (JSON.parse(
            (await this.forward(req, JSON.stringify({ ...request, Records: kept }))).body,
          ) as PutRecordsResult)
        : { FailedRecordCount: 0, Records: [] };
    const entries = request.Records.map((_, i) =>
      refused.has(i) ? THROTTLED_ENTRY : (written.Records.shift() ?? {}),
    );
    return {
      status: 200,
      body: JSON.stringify({ FailedRecordCount: written.FailedRecordCount + refused.size, Records: entries }),
    };
  }

  private async forward(req: IncomingMessage, body: string): Promise<{ status: number; body: string }> {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([name]) => !['host', 'content-length', 'connection'].includes(name),
      ),
    ) as Record<string, string>;
    const response = await fetch(this.upstream, { method: 'POST', headers, body });
    return { status: response.status, body: await response.text() };
  }
}
