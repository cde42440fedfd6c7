import { Agent, request } from 'node:http';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './clients.ts';

/** A service that speaks the AWS JSON protocol: its target prefix, content type and signing name. */
export interface AwsJsonService {
  readonly targetPrefix: string;
  readonly contentType: string;
  readonly signingName: string;
}

export const KINESIS_JSON: AwsJsonService = {
  targetPrefix: 'Kinesis_20131202',
  contentType: 'application/x-amz-json-1.1',
  signingName: 'kinesis',
};

export const DYNAMODB_JSON: AwsJsonService = {
  targetPrefix: 'DynamoDB_20120810',
  contentType: 'application/x-amz-json-1.0',
  signingName: 'dynamodb',
};

/** A service's HTTP answer as it came: status, headers (lower-case names) and body text. */
export interface AwsJsonAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A service's error answer, shaped as the SDK's errors are where callers look (name, $metadata). */
export class AwsJsonError extends Error {
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string };
  constructor(type: string, message: string, status: number, requestId?: string) {
    super(message || type);
    this.name = type;
    this.$metadata = { httpStatusCode: status, ...(requestId ? { requestId } : {}) };
  }
}

/**
 * The error's name as the SDK reads it: the `x-amzn-errortype` header, else the body's `__type`, without a
 * namespace (`com.amazonaws.kinesis.v20131202#ExpiredIteratorException`) or a `:…` suffix.
 */
const errorTypeOf = (header: string | undefined, type: unknown): string => {
  const given = header || (typeof type === 'string' ? type : '');
  return given.split('#').at(-1)?.split(':')[0] || 'UnknownError';
};

/** A kept-alive connection the server had closed: the request never reached it. */
class StaleConnection extends Error {
  constructor(readonly reset: Error) {
    super(reset.message, { cause: reset });
  }
}

const parseOrEmpty = (text: string): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

const amzDate = (at: Date) => at.toISOString().replace(/[-:]|\.\d{3}/g, '');

/**
 * The AWS JSON protocol spoken straight over HTTP/1.1 to one local server: the body goes as given and the answer
 * comes back as text, with none of the SDK's (de)serialization, base64 decoding and signing. The local servers
 * check that a request is signed, not its signature. For the local cloud's hot paths: the pollers' GetRecords
 * (record data stays base64, as Lambda delivers it) and API Gateway's AWS integrations (the rendered body is
 * the service request, as API Gateway sends it).
 */
export class AwsJsonWire {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly url: URL;

  constructor(
    endpoint: string,
    private readonly service: AwsJsonService,
  ) {
    this.url = new URL(endpoint);
  }

  /**
   * Sends `body` as `action`'s request; resolves with whatever the service answered, error or not. A kept-alive
   * connection the server closed while idle fails before the request reaches it: that one is sent again, once, on a
   * new connection (Node's documented pattern for `reusedSocket`).
   */
  async send(action: string, body: string, signal?: AbortSignal): Promise<AwsJsonAnswer> {
    try {
      return await this.sendOnce(action, body, signal);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
      return this.sendOnce(action, body, signal);
    }
  }

  private sendOnce(action: string, body: string, signal?: AbortSignal): Promise<AwsJsonAnswer> {
    const service = this.service;
    const url = this.url;
    const now = new Date();
    const day = amzDate(now).slice(0, 8);
    const bytes = Buffer.from(body);
    return new Promise<AwsJsonAnswer>((resolve, reject) => {
      const outgoing = request(
        {
          agent: this.agent,
          host: url.hostname,
          port: url.port,
          path: '/',
          method: 'POST',
          headers: {
            'content-type': service.contentType,
            'content-length': bytes.length,
            'x-amz-target': `${service.targetPrefix}.${action}`,
            'x-amz-date': amzDate(now),
            authorization: `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/${day}/${LOCAL_REGION}/${service.signingName}/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
          },
          ...(signal ? { signal } : {}),
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('error', reject);
          answer.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(answer.headers)) {
              if (typeof value === 'string') headers[name] = value;
            }
            resolve({ status: answer.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString() });
          });
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) =>
        reject(outgoing.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnection(error) : error),
      );
      outgoing.end(bytes);
    });
  }

  /** Sends `input` as `action`'s request; the parsed answer, or an AwsJsonError named by the service's type. */
  async call<T>(action: string, input: object, signal?: AbortSignal): Promise<T> {
    const answer = await this.send(action, JSON.stringify(input), signal);
    if (answer.status >= 200 && answer.status < 300)
      return (answer.body === '' ? {} : JSON.parse(answer.body)) as T;
    // An error's body may not be the service's JSON (a proxy's or a dying server's answer): its status still tells.
    const parsed = parseOrEmpty(answer.body);
    throw new AwsJsonError(
      errorTypeOf(answer.headers['x-amzn-errortype'], parsed.__type),
      String(parsed.message ?? parsed.Message ?? ''),
      answer.status,
      answer.headers['x-amzn-requestid'],
    );
  }

  destroy(): void {
    this.agent.destroy();
  }
}
