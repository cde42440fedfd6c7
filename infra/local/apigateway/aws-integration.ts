import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as kinesis from '@aws-sdk/client-kinesis';
import { errorMessage } from '../../../processors/shared/errors.ts';
import { AwsJsonWire, DYNAMODB_JSON, KINESIS_JSON } from '../aws-json-wire.ts';
import type { LocalEndpoints } from '../clients.ts';

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

type CommandClass = new (input: unknown) => unknown;

/**
 * The JSON-protocol services the local cloud runs that an AWS integration may call by action: the SDK's
 * commands say which actions exist; the wire (aws-json-wire.ts) carries them.
 */
const SERVICES = {
  kinesis: { commands: kinesis as unknown as Record<string, CommandClass>, wire: KINESIS_JSON },
  dynamodb: { commands: dynamodb as unknown as Record<string, CommandClass>, wire: DYNAMODB_JSON },
} as const;
type Service = keyof typeof SERVICES;

/** `arn:aws:apigateway:<region>:<service>:action/<Action>` → service and action. */
export const awsActionOf = (uri: string | undefined): { service: string; action: string } | undefined => {
  const match = /^arn:aws[\w-]*:apigateway:[\w-]*:([\w.-]+):action\/([\w]+)/.exec(uri ?? '');
  return match ? { service: match[1] as string, action: match[2] as string } : undefined;
};

/**
 * AWS service integrations against the local servers: the rendered request body is the action's request JSON,
 * sent as it is (API Gateway does not re-encode it, nor retry an integration); the service's answer, error or
 * not, is the integration response, with the service's HTTP status. A service that gives no answer (refused
 * connection, timeout) is an integration failure.
 */
export class AwsIntegrations {
  private readonly wires = new Map<Service, AwsJsonWire>();

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
    try {
      const answer = await this.wire(service).send(action, body, AbortSignal.timeout(timeoutMs));
      const requestId = answer.headers['x-amzn-requestid'];
      return {
        status: answer.status,
        headers: {
          'content-type': answer.headers['content-type'] ?? SERVICES[service].wire.contentType,
          ...(requestId ? { 'x-amzn-requestid': requestId } : {}),
        },
        body: answer.body,
      };
    } catch (error) {
      const name = (error as { name?: unknown }).name;
      const timedOut = name === 'AbortError' || name === 'TimeoutError';
      throw new IntegrationFailure(`${service} ${action} failed: ${errorMessage(error)}`, timedOut);
    }
  }

  destroy(): void {
    for (const wire of this.wires.values()) wire.destroy();
    this.wires.clear();
  }

  private wire(service: Service): AwsJsonWire {
    let wire = this.wires.get(service);
    if (!wire) {
      wire = new AwsJsonWire(this.endpoints[service], SERVICES[service].wire);
      this.wires.set(service, wire);
    }
    return wire;
  }
}
