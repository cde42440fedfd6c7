import { randomUUID } from 'node:crypto';
import type { MetricStore } from '../metrics/metric-store.ts';
import type { LogRotation } from '../rotating-log.ts';
import type { IotFigures } from './local-iot.ts';

/** `logs/iot.log`: one line per refusal (a few hundred bytes); 4 MiB files, two older ones: ≤ 12 MiB. */
export const IOT_LOG_ROTATION: LogRotation = { maxBytes: 4 * 1024 * 1024, olderFiles: 2 };

export const IOT_NAMESPACE = 'AWS/IoT';

/** Who a refusal concerns, as far as the broker knows at that point. */
export interface Peer {
  readonly clientId?: string;
  /** The certificate id (IoT Core's principalId for a certificate). */
  readonly principalId?: string;
  readonly sourceIp?: string;
  readonly sourcePort?: number;
}

export type RefusedEvent = 'Connect' | 'Publish-In' | 'Subscribe';

/**
 * What the broker counts and writes down: the figures, the AWS/IoT metrics (dimension Protocol=MQTT, as IoT Core
 * reports them) and one `logs/iot.log` line per refusal, in the shape of IoT Core's AWSIotLogsV2 entries.
 */
export class BrokerRecord {
  connections = 0;
  refusedConnections = 0;
  messagesIn = 0;
  refusedPublishes = 0;

  constructor(
    private readonly store: MetricStore,
    private readonly account: { readonly accountId: string },
    private readonly log?: { append(line: string): void },
  ) {}

  connected(): void {
    this.connections++;
    this.count('Connect.Success');
  }

  published(): void {
    this.messagesIn++;
    this.count('PublishIn.Success');
  }

  /** A connection refused: `Connection.AuthNError` (TLS or certificate) or `Connect.AuthError` (policy). */
  refusedConnection(metric: string, reason: string, details: string, peer: Peer): void {
    this.refusedConnections++;
    this.count(metric);
    this.write('Connect', reason, details, peer);
  }

  refusedPublish(topic: string, details: string, peer: Peer): void {
    this.refusedPublishes++;
    this.count('PublishIn.AuthError');
    this.write('Publish-In', 'AUTHORIZATION_FAILURE', details, peer, { topicName: topic });
  }

  /**
   * A publish over IoT Core's payload limit: `PublishIn.ClientError` ("did not meet the requirements defined in
   * AWS IoT quotas"), logged with IoT Core's reason PAYLOAD_LIMIT_EXCEEDED.
   */
  oversizePublish(topic: string, details: string, peer: Peer): void {
    this.refusedPublishes++;
    this.count('PublishIn.ClientError');
    this.write('Publish-In', 'PAYLOAD_LIMIT_EXCEEDED', details, peer, { topicName: topic });
  }

  refusedSubscribe(topicFilter: string, details: string, peer: Peer): void {
    this.count('Subscribe.AuthError');
    this.write('Subscribe', 'AUTHORIZATION_FAILURE', details, peer, { topicName: topicFilter });
  }

  figures(connected: number, rules?: { ruleErrors: number; actionFailures: number }): IotFigures {
    return {
      connected,
      connections: this.connections,
      refusedConnections: this.refusedConnections,
      messagesIn: this.messagesIn,
      refusedPublishes: this.refusedPublishes,
      ruleErrors: rules?.ruleErrors ?? 0,
      actionFailures: rules?.actionFailures ?? 0,
    };
  }

  private count(name: string): void {
    this.store.put({ namespace: IOT_NAMESPACE, name, dimensions: { Protocol: 'MQTT' } }, 1);
  }

  private write(
    eventType: RefusedEvent,
    reason: string,
    details: string,
    peer: Peer,
    extra: Record<string, string> = {},
  ): void {
    this.log?.append(
      JSON.stringify({
        timestamp: new Date().toISOString(),
        logLevel: 'ERROR',
        traceId: randomUUID(),
        accountId: this.account.accountId,
        status: 'Failure',
        eventType,
        protocol: 'MQTT',
        ...extra,
        ...peer,
        reason,
        details,
      }),
    );
  }
}
