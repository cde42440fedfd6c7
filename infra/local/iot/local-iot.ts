// The local stand-in for AWS IoT Core: an MQTT broker over TLS with a local CA, a device registry and the
// stack's IoT policy. These types are the contract shared by the broker, the rule engine and the device program.

/** What a device needs to connect: the same shape whether the creds came from the local CA or from AWS IoT. */
export interface DeviceCredentials {
  readonly deviceId: string;
  /** mqtts://host:port */
  readonly endpoint: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** The CA the device trusts for the broker's server certificate. */
  readonly caPem: string;
  /** The one topic the device's policy lets it publish to. */
  readonly topic: string;
}

/** Counters since the broker (first) started; kept across restart(). */
export interface IotFigures {
  /** Clients connected now. */
  readonly connected: number;
  /** Accepted MQTT connections in total. */
  readonly connections: number;
  /** Connections refused: TLS handshake failures, unknown/revoked certificates, policy denials. */
  readonly refusedConnections: number;
  /** Publishes accepted and handed to the rule engine. */
  readonly messagesIn: number;
  /**
   * Publishes refused by the policy or over IoT Core's payload limit (the publisher is disconnected, as by IoT
   * Core).
   */
  readonly refusedPublishes: number;
  /** Messages a rule failed to evaluate (from the rule engine). */
  readonly ruleErrors: number;
  /** Rule actions that failed (from the rule engine). */
  readonly actionFailures: number;
}

export interface LocalIot {
  /** mqtts://127.0.0.1:<port> */
  readonly url: string;
  /** The local CA's certificate (devices trust it). */
  readonly caPem: string;
  /** Idempotent: returns the existing credentials if the device is already registered (and not revoked). */
  register(deviceId: string): Promise<DeviceCredentials>;
  revoke(deviceId: string): Promise<void>;
  figures(): IotFigures;
  /** Stop and start the broker on the same port (tests: broker restarted mid-stream). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A publish the broker accepted (PUBACK sent), as it hands it to the rule engine. */
export interface AcceptedPublish {
  readonly topic: string;
  readonly payload: Buffer;
  readonly clientId: string;
  /** When the broker accepted the PUBLISH (epoch ms): what the rules' `timestamp()` returns. */
  readonly receivedAtMs: number;
}

/** Where accepted publishes go: the rule engine (rules/rule-engine.ts). `accept` must not wait for rule actions. */
export interface PublishSink {
  accept(message: AcceptedPublish): void;
  /** The rule engine's failures, for `figures()`. */
  figures?(): { readonly ruleErrors: number; readonly actionFailures: number };
  /** Called once the broker has stopped for good: accept no more, finish what is queued. */
  stop?(): Promise<void>;
}

/** The topic a device publishes its telemetry to (the rule's FROM filter is streamlake/devices/+/telemetry). */
export function deviceTopic(deviceId: string): string {
  return `streamlake/devices/${deviceId}/telemetry`;
}
