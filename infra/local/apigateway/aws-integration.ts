import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as kinesis from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { errorMessage } from '../../../processors/shared/errors.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalEndpoints } from '../clients.ts';

/** What an integration answered: the integration response the method response is mapped from. */
export interface IntegrationResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** An integration that gave no response at all: API Gateway's INTEGRATION_FAILURE / INTEGRATION_TIMEOUT. */
export class IntegrationFailure extends Error {
  override readonly name = 'IntegrationFailure';
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

type SdkClient = {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy(): void;
};
type CommandClass = new (input: unknown) => unknown;

/**
 * The JSON-protocol services the local cloud runs that an AWS integration may call by action, with the members
 * the wire carries as base64 (the SDK wants bytes) and the response's content type.
 */
const SERVICES = {
  kinesis: {
    commands: kinesis as unknown as Record<string, CommandClass>,
    blobs: new Set(['Data']),
    contentType: 'application/x-amz-json-1.1',
  },
  dynamodb: {
    commands: dynamodb as unknown as Record<string, CommandClass>,
    blobs: new Set(['B', 'BS']),
    contentType: 'application/x-amz-json-1.0',
  },
} as const;
type Service = keyof typeof SERVICES;

/** A request body the service cannot read: it answers 400 SerializationException. */
class SerializationError extends Error {}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The wire JSON's base64 members as bytes, as the SDK's commands take them; refuses what the service would. */
const toSdkInput = (value: unknown, blobs: ReadonlySet<string>, key = ''): unknown => {
  if (blobs.has(key) && typeof value === 'string') {
    if (!BASE64.test(value)) throw new SerializationError(`${key} is not valid base64`);
    return Buffer.from(value, 'base64');
  }
  if (blobs.has(key) && Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return value.map((v) => toSdkInput(v, blobs, key));
  }
  if (Array.isArray(value)) return value.map((v) => toSdkInput(v, blobs));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toSdkInput(v, blobs, k)]));
  }
  return value;
};

/** An SDK output back in wire JSON: bytes as base64, dates as epoch seconds, no `$metadata`. */
const toWireJson = (value: unknown): unknown => {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWireJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== '$metadata')
        .map(([k, v]) => [k, toWireJson(v)]),
    );
  }
  return value;
};

const errorResult = (
  status: number,
  type: string,
  message: string,
  contentType: string,
  requestId?: string,
) => ({
  status,
  headers: { 'content-type': contentType, ...(requestId ? { 'x-amzn-requestid': requestId } : {}) },
  body: JSON.stringify({ __type: type, message }),
});

/** `arn:aws:apigateway:<region>:<service>:action/<Action>` → service and action. */
export const awsActionOf = (uri: string | undefined): { service: string; action: string } | undefined => {
  const match = /^arn:aws[\w-]*:apigateway:[\w-]*:([\w.-]+):action\/([\w]+)/.exec(uri ?? '');
  return match ? { service: match[1] as string, action: match[2] as string } : undefined;
};

/**
 * AWS service integrations against the local servers: the rendered request body is the action's request JSON,
 * sent by the real SDK client (HTTP/1.1, one attempt: API Gateway does not retry an integration); the service's
 * answer, error or not, is the integration response, with the service's HTTP status.
 */
export class AwsIntegrations {
  private readonly clients = new Map<Service, SdkClient>();

  constructor(private readonly endpoints: Pick<LocalEndpoints, 'kinesis' | 'dynamodb'>) {}

  /** Whether `uri` names an action of a service the local cloud runs. */
  supports(uri: string | undefined): boolean {
    const target = awsActionOf(uri);
    return (
      target !== undefined &&
      target.service in SERVICES &&
      `${target.action}Command` in SERVICES[target.service as Service].commands
    );
  }

  async call(uri: string | undefined, body: string, timeoutMs: number): Promise<IntegrationResult> {
    const { service, action } = awsActionOf(uri) as { service: Service; action: string };
    const { commands, blobs, contentType } = SERVICES[service];
    let input: unknown;
    try {
      input = toSdkInput(JSON.parse(body === '' ? '{}' : body), blobs);
    } catch (error) {
      return errorResult(400, 'SerializationException', errorMessage(error), contentType);
    }
    const Command = commands[`${action}Command`] as CommandClass;
    try {
      const output = await this.client(service).send(new Command(input), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
      const requestId = (output as { $metadata?: { requestId?: string } }).$metadata?.requestId;
      return {
        status: 200,
        headers: { 'content-type': contentType, ...(requestId ? { 'x-amzn-requestid': requestId } : {}) },
        body: JSON.stringify(toWireJson(output)),
      };
    } catch (error) {
      const failed = error as { name?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
      const status = failed.$metadata?.httpStatusCode;
      if (status === undefined) {
        const timedOut = failed.name === 'AbortError' || failed.name === 'TimeoutError';
        throw new IntegrationFailure(`${service} ${action} failed: ${errorMessage(error)}`, timedOut);
      }
      return errorResult(
        status,
        failed.name ?? 'UnknownError',
        errorMessage(error),
        contentType,
        failed.$metadata?.requestId,
      );
    }
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private client(service: Service): SdkClient {
    let client = this.clients.get(service);
    if (!client) {
      const config = {
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: this.endpoints[service],
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 64 } }),
      };
      client =
        service === 'kinesis' ? new kinesis.KinesisClient(config) : new dynamodb.DynamoDBClient(config);
      this.clients.set(service, client as SdkClient);
    }
    return client as SdkClient;
  }
}
