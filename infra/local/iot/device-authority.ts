import type { RegistryView } from './device-registry.ts';
import { type BoundPolicy, type IotPolicy, iotResourceArns } from './iot-policy.ts';

/** Why a connection was refused, in IoT Core's log words, and the AWS/IoT metric that counts it. */
export type ConnectRefusal =
  | {
      readonly reason: 'AUTHENTICATION_FAILURE';
      readonly metric: 'Connection.AuthNError';
      readonly details: string;
    }
  | {
      readonly reason: 'AUTHORIZATION_FAILURE';
      readonly metric: 'Connect.AuthError';
      readonly details: string;
    };

/** A connection the policy let in: its resolved policy and the certificate it came with. */
export interface DeviceSession {
  readonly clientId: string;
  readonly certificateId: string;
  /** Set when the thing of that name is attached to the certificate. */
  readonly thingName?: string;
  readonly policy: BoundPolicy;
}

/**
 * Decides, as IoT Core does, who may connect and what a connection may do: the certificate must be one the
 * registry knows and ACTIVE (authentication); then the policy, its variables resolved for this client id and
 * certificate, must allow iot:Connect on `client/<client id>` (authorization), and each publish iot:Publish on
 * `topic/<topic>`.
 */
export class DeviceAuthority {
  private readonly arns: ReturnType<typeof iotResourceArns>;

  constructor(
    private readonly registry: RegistryView,
    private readonly policy: IotPolicy,
    account: { readonly region: string; readonly accountId: string },
  ) {
    this.arns = iotResourceArns(account.region, account.accountId);
  }

  connect(certificateId: string, clientId: string): DeviceSession | ConnectRefusal {
    const certificate = this.registry.certificate(certificateId);
    if (certificate?.status !== 'ACTIVE') {
      return {
        reason: 'AUTHENTICATION_FAILURE',
        metric: 'Connection.AuthNError',
        details: certificate
          ? `certificate ${certificateId} of ${certificate.thingName} is ${certificate.status}`
          : `certificate ${certificateId} is not registered`,
      };
    }
    const thingName = certificate.thingName === clientId ? clientId : undefined;
    const policy = this.policy.bind({ clientId, ...(thingName ? { thingName } : {}) });
    if (!policy.allows('iot:Connect', this.arns.client(clientId))) {
      return {
        reason: 'AUTHORIZATION_FAILURE',
        metric: 'Connect.AuthError',
        details: `policy ${this.policy.plan.name} does not allow iot:Connect as client ${clientId} with the certificate of thing ${certificate.thingName}`,
      };
    }
    return { clientId, certificateId, policy, ...(thingName ? { thingName } : {}) };
  }

  /** Whether the session's certificate is still ACTIVE (it may have been revoked by another process since). */
  stillActive(session: DeviceSession): boolean {
    return this.registry.certificate(session.certificateId)?.status === 'ACTIVE';
  }

  mayPublish(session: DeviceSession, topic: string): boolean {
    return session.policy.allows('iot:Publish', this.arns.topic(topic));
  }

  maySubscribe(session: DeviceSession, topicFilter: string): boolean {
    return session.policy.allows('iot:Subscribe', this.arns.topicFilter(topicFilter));
  }

  mayReceive(session: DeviceSession, topic: string): boolean {
    return session.policy.allows('iot:Receive', this.arns.topic(topic));
  }
}

export const isRefusal = (decision: DeviceSession | ConnectRefusal): decision is ConnectRefusal =>
  'reason' in decision;
